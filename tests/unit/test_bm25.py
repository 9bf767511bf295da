"""The two-step claim matching's pure parts: which words pick the pool, and BM25 over all of them."""

from __future__ import annotations

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from annotator.text import bm25, similarity


def test_rare_terms_keep_the_rarest_within_the_budget() -> None:
    frequencies = {"the": 900, "council": 120, "zeppelin": 2, "barrier": 40}
    assert bm25.rare_terms(frequencies, budget=50) == ["zeppelin", "barrier"]
    assert bm25.rare_terms(frequencies, budget=200) == ["zeppelin", "barrier", "council"]


def test_rare_terms_keep_one_word_even_when_every_word_is_common() -> None:
    assert bm25.rare_terms({"said": 5000, "minister": 800}, budget=10) == ["minister"]
    assert bm25.rare_terms({"said": 5000, "minister": 800}, budget=10, least=2) == [
        "minister",
        "said",
    ]


def test_words_the_index_has_never_seen_cost_nothing() -> None:
    chosen = bm25.rare_terms({"newword": 0, "other": 0, "common": 10_000}, budget=0)
    assert chosen == ["newword", "other"]


@given(
    st.dictionaries(st.text(min_size=1, max_size=5), st.integers(0, 10_000), max_size=20),
    st.integers(0, 20_000),
)
def test_rare_terms_never_exceed_the_budget_after_the_first(frequencies, budget) -> None:
    chosen = bm25.rare_terms(frequencies, budget)
    assert len(chosen) == len(set(chosen))
    if frequencies:
        assert chosen
        assert sum(frequencies[t] for t in chosen[1:]) <= budget or len(chosen) == 1
        skipped = set(frequencies) - set(chosen)
        assert all(frequencies[t] >= frequencies[chosen[-1]] for t in skipped)


def test_a_rare_shared_word_outweighs_a_common_one() -> None:
    documents = {1: ["council", "said", "budget"], 2: ["zeppelin", "said", "budget"]}
    frequencies = {"council": 5000, "zeppelin": 3, "said": 9000, "budget": 4000}
    scores = bm25.score(["council", "zeppelin"], documents, frequencies, total=10_000)
    assert scores[2] > scores[1] > 0


def test_every_query_word_counts_not_only_the_rare_ones() -> None:
    documents = {1: ["zeppelin", "crash"], 2: ["zeppelin", "council", "budget"]}
    frequencies = {"zeppelin": 2, "council": 90, "budget": 70, "crash": 50}
    scores = bm25.score(["zeppelin", "council", "budget"], documents, frequencies, total=1000)
    assert bm25.top(scores, 2) == [2, 1]


def test_ties_keep_the_engines_order() -> None:
    scores = {7: 1.0, 3: 1.0, 5: 2.0}
    assert bm25.top(scores, 3, {7: 0, 3: 1, 5: 2}.__getitem__) == [5, 7, 3]
    assert bm25.top(scores, 1) == [5]


def test_no_documents_no_scores() -> None:
    assert bm25.score(["a"], {}, {}, total=0) == {}
    assert bm25.score(["a"], {1: []}, {}, total=1) == {1: 0.0}


def test_the_sqlite_stemmer_agrees_with_the_claims_index_tokenizer() -> None:
    """The frequencies are looked up by our stem of each word: it must be FTS5's own term."""
    words = [
        "running",
        "flooded",
        "barriers",
        "officials",
        "claimed",
        "allegedly",
        "vaccination",
        "governments",
        "Beyoncé",
        "café",
        "naïve",
        "fact-checkers",
        "footage",
        "unproven",
        "disputed",
        "adjudicated",
        "elections",
    ]
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{similarity.FTS5_TOKENIZE}')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
    stem = bm25.stemmer("sqlite")
    for word in words:
        db.execute("DELETE FROM t")
        db.execute("INSERT INTO t(x) VALUES (?)", (word,))
        indexed = [term for (term,) in db.execute("SELECT term FROM v")]
        ours = [stem(w) for w in similarity.words(word)]
        assert sorted(ours) == indexed, word


def test_tsvector_terms_count_each_position() -> None:
    assert bm25.tsvector_terms("'barrier':3 'council':1,5A 'o''brien':2 'bare'") == (
        "barrier",
        "council",
        "council",
        "o'brien",
        "bare",
    )
    assert bm25.tsvector_terms("") == ()
