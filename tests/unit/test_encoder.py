"""The sentence encoder: shapes, unit length, storage round trip, meaning across languages."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from annotator.text import encoder


def test_claims_are_unit_vectors_of_the_model_width():
    vectors = encoder.encode_claims(
        ["The pope endorsed Donald Trump.", "Water boils at 100 C.", ""]
    )
    assert vectors.shape == (3, encoder.DIM)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode_claims([]).shape == (0, encoder.DIM)


def test_a_sentence_is_one_unit_vector_and_is_cached():
    first = encoder.encode_sentence("Kiev forces slowly entered the city")
    assert first.shape == (encoder.DIM,)
    assert first.dtype == np.float32
    assert abs(float(np.linalg.norm(first)) - 1.0) < 1e-5
    # Same text, extra whitespace: the cached vector comes back, and no caller can spoil it.
    again = encoder.encode_sentence("Kiev  forces slowly entered the city ")
    assert again is first
    with pytest.raises(ValueError):
        again[0] = 2.0


def test_a_sentence_is_closest_to_the_same_text_stored_as_a_claim():
    # The two sides carry different prefixes (query / passage), so the cosine of a text with
    # itself is not 1, but no other claim comes near it.
    text = "Drinking bleach cures the coronavirus."
    claims = encoder.encode_claims(
        [text, "Drinking hot water cures the flu.", "Bleach was found in a school's water supply."]
    )
    same, *others = claims @ encoder.encode_sentence(text)
    assert same > 0.9
    assert same > max(others) + 0.03


def test_a_paraphrase_is_closer_than_an_unrelated_claim_in_any_language():
    claims = encoder.encode_claims(
        [
            "Pope Francis endorsed Donald Trump for president.",
            "A shark was photographed swimming on a flooded highway after the hurricane.",
        ]
    )
    for sentence in (
        "The pope has backed Trump's run for the White House.",
        "El papa Francisco apoyó a Donald Trump para la presidencia.",
        "프란치스코 교황이 도널드 트럼프를 대통령으로 지지했다.",
    ):
        near, far = claims @ encoder.encode_sentence(sentence)
        assert near > far + 0.05, sentence


def test_vectors_survive_storage_as_bytes():
    vectors = encoder.encode_claims(["one claim", "another claim"])
    blobs = [encoder.to_blob(vector) for vector in vectors]
    assert all(len(blob) == encoder.DIM * 4 for blob in blobs)
    back = encoder.from_blobs(blobs)
    assert back.dtype == np.float32
    assert np.array_equal(back, vectors)
    assert encoder.from_blobs([]).shape == (0, encoder.DIM)


@pytest.mark.parametrize("bad", [b"", b"\x00" * 12, b"\x00" * (encoder.DIM * 4 + 1)])
def test_a_damaged_blob_is_refused_with_a_sentence(bad):
    with pytest.raises(ValueError, match="float32"):
        encoder.from_blobs([bad])


def test_a_vector_of_the_wrong_width_is_not_stored():
    with pytest.raises(ValueError, match=str(encoder.DIM)):
        encoder.to_blob(np.zeros(10, dtype=np.float32))


def test_odd_text_still_encodes():
    vectors = encoder.encode_claims(["nul\x00inside", "lone \ud800 surrogate", "word " * 2000])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_threads_share_one_model_and_get_the_same_vectors():
    texts = [f"Claim number {i} about the election results." for i in range(8)]
    expected = encoder.encode_claims(texts)
    found: dict[int, np.ndarray] = {}

    def work(i: int) -> None:
        found[i] = encoder.encode_claims([texts[i]])[0]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i in range(8):
        assert np.allclose(found[i], expected[i], atol=1e-5)


def test_model_id_names_the_prefix_scheme():
    assert encoder.MODEL.startswith("e5-small-q4/")
    assert encoder.MODEL.endswith(("query+query", "query+passage"))
