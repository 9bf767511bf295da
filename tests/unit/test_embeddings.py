"""The optional sentence encoder: offline, unit vectors, the same as sentence-transformers; absent, matching stays lexical."""

import importlib.util
import socket

import pytest

from annotator.text import embeddings
from annotator.text.similarity import Candidate, rerank


@pytest.fixture
def encoder():
    why_not = embeddings.missing()
    if why_not is not None:
        pytest.skip(f"the embeddings extra is not installed here: {why_not}")
    return embeddings.load()


@pytest.fixture
def without_extra(monkeypatch):
    """As if the model package were not installed."""
    find_spec = importlib.util.find_spec

    def hidden(name, *args):
        return None if name == embeddings.MODEL_PACKAGE else find_spec(name, *args)

    monkeypatch.setattr(embeddings.importlib.util, "find_spec", hidden)
    embeddings.load.cache_clear()
    yield
    embeddings.load.cache_clear()


def test_without_the_extra_load_gives_none_and_says_why(without_extra):
    assert embeddings.load() is None
    assert "not installed" in embeddings.missing()


def test_without_the_extra_matching_is_lexical(without_extra):
    candidates = [
        Candidate(1, "Pope endorses a presidential candidate", lexical=3.0),
        Candidate(2, "Council approves flood barrier", lexical=1.0),
    ]
    ranking = rerank("The pope endorsed a candidate", candidates, embedder=embeddings.load())
    assert [key for key, _ in ranking] == [1, 2]


def test_vectors_are_unit_length_and_384_wide(encoder):
    import numpy as np

    vectors = encoder(["Vaccines cause autism.", "", "x" * 10_000])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder([]).shape == (0, 384)


def test_a_paraphrase_is_closer_than_an_unrelated_claim(encoder):
    query, paraphrase, unrelated = encoder(
        [
            "Drinking bleach cures the coronavirus",
            "Consuming disinfectant is a cure for COVID-19",
            "The council voted to build a flood barrier",
        ]
    )
    assert query @ paraphrase > query @ unrelated + 0.2


def test_a_text_gets_the_same_vector_alone_or_in_a_batch(encoder):
    import numpy as np

    texts = ["short", "a much longer sentence that pads the short one in its batch " * 5]
    together = encoder(texts)
    assert np.allclose(together[0], encoder(texts[:1])[0], atol=1e-5)
    assert np.allclose(together[1], encoder(texts[1:])[0], atol=1e-5)


def test_the_model_loads_once_per_process(encoder):
    assert embeddings.load() is encoder


def test_nothing_is_downloaded(monkeypatch):
    if embeddings.missing() is not None:
        pytest.skip(f"the embeddings extra is not installed here: {embeddings.missing()}")

    def refuse(*args, **kwargs):
        raise AssertionError("the encoder tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    embeddings.load.cache_clear()
    try:
        assert embeddings.load()(["offline"]).shape == (1, 384)
    finally:
        embeddings.load.cache_clear()


def test_the_vectors_equal_sentence_transformers(encoder, monkeypatch):
    if importlib.util.find_spec("sentence_transformers") is None:
        pytest.skip("sentence-transformers is not installed here, so there is nothing to compare")
    import numpy as np
    from sentence_transformers import SentenceTransformer

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    reference = SentenceTransformer(str(embeddings.model_dir()), device="cpu")
    texts = [
        "Obama signed an executive order banning the pledge of allegiance in schools.",
        "BREAKING: #FakeNews from @someone https://t.co/abc 😀",
        "word " * 400,
    ]
    expected = reference.encode(texts, normalize_embeddings=True)
    assert np.abs(encoder(texts) - expected).max() < 1e-4
