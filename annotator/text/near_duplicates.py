"""Near-duplicate articles: MinHash over word shingles, banded for lookup, checked exactly.

The same story arrives trimmed, with its address pasted on top, or pasted once and uploaded once
with different quotes and line breaks. Its wording is what stays: the text is folded (NFKC,
case, every run of non-word characters made one space) and cut into overlapping five-word
shingles. A MinHash of 128 permutations (``signature``) summarises the shingles; its 128 values are cut
into 32 bands of 4 and each band hashed to one 63-bit bucket. Two texts whose shingle sets have a
Jaccard similarity of 0.5 share at least one bucket with probability 1 - (1 - 0.5^4)^32 = 0.87,
0.6 with 0.99, 0.8 with 1.0; so the buckets find the candidates with an index lookup, not a scan.

Each candidate is then checked exactly: it is a near-duplicate when CONTAINMENT (0.8) or more of
the shorter text's shingles are in the longer one (a trimmed story is wholly contained in the
original; an added address or byline changes a few shingles of hundreds). Texts of fewer than
MIN_SHINGLES shingles are never called near-duplicates: a two-line note would match too easily.

Pure: no Flask, no models; numpy does the arithmetic, imported on first use (not every command
that loads this module hashes a text).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SHINGLE_WORDS = 5
PERMUTATIONS = 128
BANDS = 32
ROWS = PERMUTATIONS // BANDS  # 4
CONTAINMENT = 0.8
MIN_SHINGLES = 10
SEED = 20  # fixed: buckets stored in the database must be comparable across processes

_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[str]:
    """The text's five-word shingles, after folding case, Unicode forms and punctuation."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words)} if words else set()
    # Each run of five words joined in C (map over zip), not sliced and joined in a Python loop.
    return set(map(" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False)))


def buckets(shingle_set: Iterable[str]) -> list[int]:
    """One signed 63-bit bucket per band of the shingles' MinHash (empty for no shingles)."""
    items = list(map(str.encode, shingle_set))
    if not items:
        return []
    values = signature(items)
    found = []
    for band in range(BANDS):
        rows = values[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + rows, digest_size=8).digest()
        found.append(int.from_bytes(digest, "big", signed=True) >> 1)  # fits a signed BIGINT
    return found


# MinHash by universal hashing: each of the PERMUTATIONS functions maps a shingle's 32-bit hash h
# to (a * h + b) mod P, P the smallest prime above 2**32, and keeps the least value over the
# shingles (Broder 1997; the "affine32" scheme of datasketch, whose package we no longer import:
# it brings scipy, a second of start-up and 100 MB, for these lines).
_PRIME = (1 << 32) + 15


@functools.cache
def _coefficients() -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    generator = np.random.default_rng(SEED)  # fixed: stored buckets must agree across processes
    a = generator.integers(1, 1 << 32, size=PERMUTATIONS, dtype=np.uint64)
    b = generator.integers(0, 1 << 32, size=PERMUTATIONS, dtype=np.uint64)
    return a, b


# Shingles hashed per step of signature(): a step's table of values (512 x 128 x 8 bytes) stays in
# the processor's cache, and is worked on in place.
_CHUNK = 512


def signature(items: list[bytes]) -> np.ndarray:
    """The MinHash signature (PERMUTATIONS unsigned 64-bit values) of a non-empty set of items:
    two sets agree on each value with probability their Jaccard similarity."""
    import numpy as np

    hashes = np.fromiter(map(zlib.crc32, items), dtype=np.uint64, count=len(items))  # CRC-32 in C
    a, b = _coefficients()
    prime = np.uint64(_PRIME)
    least = np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    table = np.empty((min(_CHUNK, len(hashes)), PERMUTATIONS), dtype=np.uint64)
    # In place, a chunk at a time: the whole table at once (a 1,000-sentence article has 15,000
    # shingles) took three temporaries of 15 MB each and twice the time.
    for start in range(0, len(hashes), _CHUNK):
        chunk = hashes[start : start + _CHUNK]
        values = table[: len(chunk)]
        # a, h < 2**32, so a * h + b < 2**64: no overflow before the modulo.
        np.multiply(chunk[:, None], a, out=values)
        values += b
        values %= prime
        np.minimum(least, values.min(axis=0), out=least)
    return least


@functools.lru_cache(maxsize=64)
def fingerprint(text: str) -> tuple[frozenset[str], tuple[int, ...]]:
    """The text's shingles and buckets, kept for the last few texts: an import looks for the
    article's near-duplicates, then stores its buckets, from the same text."""
    found = frozenset(shingles(text))
    return found, tuple(buckets(found))


def containment(a: set[str], b: set[str]) -> float:
    """The share of the smaller set's shingles that the other holds (0 for a too-short text)."""
    smaller, larger = (a, b) if len(a) <= len(b) else (b, a)
    if len(smaller) < MIN_SHINGLES:
        return 0.0
    return len(smaller & larger) / len(smaller)


def is_near_duplicate(a: set[str], b: set[str]) -> bool:
    return containment(a, b) >= CONTAINMENT
