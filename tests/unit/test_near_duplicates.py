"""Near-duplicate texts (pure): shingles survive re-pasting, buckets find the candidates, the exact
containment check decides."""

from __future__ import annotations

import os
import subprocess
import sys
import zlib

import numpy as np
import pytest

from annotator.text import near_duplicates as nd

STORY = "\n\n".join(
    [
        "Flood barrier approved after late-night vote",
        "The city council voted 7-2 on Tuesday to build a flood barrier along the river, ending "
        "a debate that had run for three years.",
        "Mayor Dana Okafor said the barrier would cost $48 million and protect 12,000 homes from "
        "the kind of flooding that hit the east bank in 2019.",
        "Critics on the council claimed the real cost would be far higher once maintenance was "
        "counted, and asked for an independent review of the engineering report.",
        "Construction is due to start in the spring and to finish within two years, according to "
        "the city's public works department.",
    ]
)


def test_the_same_story_repasted_has_the_same_shingles() -> None:
    repasted = STORY.replace("\n\n", "\n").replace("'", "’").upper()
    assert nd.shingles(repasted) == nd.shingles(STORY)


@pytest.mark.parametrize(
    "variant",
    [
        "https://news.example/2026/flood-barrier\n\n" + STORY,  # its address added
        STORY.rsplit("\n\n", 2)[0],  # trimmed: the last two paragraphs cut
        "By Sam Writer, City Desk\n\n" + STORY + "\n\nShare this article: Facebook Twitter",
    ],
)
def test_variants_of_a_story_share_buckets_and_are_near_duplicates(variant: str) -> None:
    a, b = nd.shingles(STORY), nd.shingles(variant)
    assert set(nd.buckets(a)) & set(nd.buckets(b)), "the index would not find the candidate"
    assert nd.is_near_duplicate(a, b)


def test_a_different_story_on_the_same_subject_is_not() -> None:
    other = (
        "The council delayed a decision on the flood barrier on Tuesday. Several members asked "
        "for more time to read the engineering report, and the mayor said the vote would come "
        "next month. Residents of the east bank protested outside the town hall."
    )
    assert not nd.is_near_duplicate(nd.shingles(STORY), nd.shingles(other))
    assert nd.containment(nd.shingles("One two three."), nd.shingles("One two three.")) == 0.0


def test_buckets_are_stable_across_processes() -> None:
    """Buckets are stored: a new process (or a new release) must compute the same ones."""
    text = "one two three four five six seven"
    first = nd.buckets(nd.shingles(text))[:2]
    # CRC-32 shingle hashes, universal hashing modulo 2**32 + 15, coefficients from seed 20.
    assert first == [1478487632517015460, -4502947596186844753]
    other = subprocess.run(  # noqa: S603 - this Python, a constant program
        [
            sys.executable,
            "-c",
            f"from annotator.text import near_duplicates as nd; print(nd.buckets(nd.shingles({text!r})))",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    assert other.stdout.strip() == str(nd.buckets(nd.shingles(text)))
    assert len(nd.buckets(nd.shingles(STORY))) == nd.BANDS
    assert all(-(2**62) <= b < 2**62 for b in nd.buckets(nd.shingles(STORY)))


@pytest.mark.parametrize("count", [1, nd._CHUNK - 1, nd._CHUNK, nd._CHUNK + 1, 3 * nd._CHUNK + 7])
def test_the_signature_worked_out_in_chunks_is_the_whole_tables_minimum(count: int) -> None:
    """signature() works in place a chunk at a time: the values are those of the plain formula
    (stored buckets must not change), whatever the number of shingles."""
    items = [f"shingle number {n}".encode() for n in range(count)]
    hashes = np.array([zlib.crc32(item) for item in items], dtype=np.uint64)
    a, b = nd._coefficients()
    plain = ((np.outer(hashes, a) + b) % np.uint64(nd._PRIME)).min(axis=0)
    assert (nd.signature(items) == plain).all()
