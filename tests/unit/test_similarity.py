"""Claim matching's pure pieces: normalisation, safe full-text queries, re-ranking."""

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.text.similarity import (
    FTS5_TOKENIZE,
    MAX_TERMS,
    Candidate,
    fts5_query,
    normalize,
    pg_tsquery,
    pg_tsquery_terms,
    rerank,
    stems,
    words,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Read https://t.co/AbC123 now", "read now"),
        ("see pic.twitter.com/Yd0VqRzk3r", "see"),
        ("#FakeNews from @realDonaldTrump", "fake news from real donald trump"),
        ("#covid19 cases", "covid 19 cases"),
        ("@Sara_Kelhi said", "sara kelhi said"),
        ("1,000 people, 70% of them", "1000 people 70 percent of them"),
        ("Trump’s wall", "trump's wall"),
        ("ＦＵＬＬＷＩＤＴＨ", "fullwidth"),
        ("a\x00b\x1fc", "a b c"),
    ],
)
def test_normalize_cleans_tweets_and_news(text, expected):
    assert normalize(text) == expected


def test_words_drop_stop_words_and_possessives():
    assert words("The President's wall isn't working, they said") == [
        "president",
        "wall",
        "working",
        "said",
    ]


def test_stems_bring_word_forms_together():
    assert stems("Donations donated") == stems("donation donate")


def test_fts5_query_quotes_every_word():
    assert fts5_query('NEAR(a b) OR "x" claim:* -vaccine ^start') == (
        '"near" OR "claim" OR "vaccine" OR "start"'
    )


def test_fts5_query_without_content_words_matches_nothing():
    assert fts5_query("the of and !!! ''") == '""'


def test_long_queries_keep_a_bounded_number_of_words():
    text = " ".join(f"word{n}x" for n in range(2000))
    assert fts5_query(text).count(" OR ") == MAX_TERMS - 1


def _fts5_table() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(claim, context, tokenize='{FTS5_TOKENIZE}')")
    db.executemany(
        "INSERT INTO t(claim, context) VALUES (?, ?)",
        [
            ("Vaccines cause autism in children", "Do vaccines cause autism?"),
            ("NEAR the border wall", "San Antonio"),
        ],
    )
    return db


HOSTILE = [
    "",
    '"',
    'unbalanced "quote',
    "NEAR(vaccine autism, 2)",
    "vaccin*",
    "-autism",
    "claim: autism",
    "^vaccines",
    "autism AND OR NOT",
    "'; DROP TABLE t; --",
    "\x00\x01\x1f vaccines",
    "vaccines " * 2000,
    "x" * 10_000,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_gives_a_query_sqlite_accepts(text):
    db = _fts5_table()
    db.execute(
        "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t)", (fts5_query(text),)
    ).fetchall()


def test_words_in_hostile_text_still_find_the_claim():
    db = _fts5_table()
    rows = db.execute(
        "SELECT claim FROM t WHERE t MATCH ?", (fts5_query('("vaccine* -autism:^'),)
    ).fetchall()
    assert rows == [("Vaccines cause autism in children",)]


@settings(max_examples=300, deadline=None)
@given(st.text() | st.text(alphabet='"*-:^()NEAR OR AND NOT{}+.,\x00\n', max_size=60))
def test_any_text_gives_a_valid_fts5_expression(text):
    db = _fts5_table()
    db.execute("SELECT rowid FROM t WHERE t MATCH ?", (fts5_query(text),)).fetchall()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_pg_terms_are_plain_letters_and_digits(text):
    terms = pg_tsquery_terms(text)
    assert all(term.isalnum() for term in terms)
    assert pg_tsquery(text) == " | ".join(terms)
    assert len(terms) <= MAX_TERMS


def test_pg_terms_drop_operators():
    assert pg_tsquery("fake & news | !vaccine <-> foo:* 'x'") == "fake | news | vaccine | foo"


def test_rerank_puts_the_same_claim_in_other_words_first():
    query = "BREAKING: the mayor said the bridge will close for 2 years #traffic"
    candidates = [
        Candidate(1, "The mayor opened a new bridge", lexical=3.0),
        Candidate(2, "The bridge will close for two years, the mayor said", lexical=2.9),
        Candidate(3, "Traffic on the ring road doubled", lexical=1.0),
    ]
    ranking = rerank(query, candidates)
    assert [key for key, _ in ranking][0] == 2
    assert all(0.0 <= score <= 1.0 for _, score in ranking)


def test_rerank_keeps_the_engine_order_on_ties():
    candidates = [Candidate(n, "unrelated words here", lexical=1.0) for n in range(5)]
    assert [key for key, _ in rerank("nothing shared", candidates)] == [0, 1, 2, 3, 4]


def test_rerank_of_nothing_is_empty():
    assert rerank("anything", []) == []


def test_rerank_uses_an_embedder_when_weighted():
    candidates = [Candidate(1, "alpha", lexical=2.0), Candidate(2, "beta", lexical=1.9)]

    def embedder(texts):
        return [[1.0, 0.0] if "beta" in t or t == "query" else [0.0, 1.0] for t in texts]

    plain = rerank("query", candidates)
    hybrid = rerank("query", candidates, embedder=embedder, weights={"lexical": 1, "embedding": 2})
    assert plain[0][0] == 1
    assert hybrid[0][0] == 2
