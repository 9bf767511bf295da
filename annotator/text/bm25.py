"""Claim candidates at desk scale: rare words pick the rows, BM25 in Python scores them.

A full-text engine ranking an OR of every word of a sentence scores every row that shares any
word with it: with a million claims that is most of the index (SQLite FTS5's ``bm25()`` and
PostgreSQL's ``ts_rank_cd`` both cost a little per matching row, and FTS5 also counts each word's
rows on every query). So matching runs in two steps:

1. :func:`rare_terms` keeps the query's rarest words, as many as fit a budget of rows (their
   document frequencies summed), and the engine ranks only the rows holding one of them;
2. :func:`score` re-scores that pool with BM25 over *all* the query's words, with the document
   frequencies the engine reports (cached by the caller), in Python.

A claim sharing only common words with the sentence is found only when no rarer word fills
the budget, which is what the ranking would have put last anyway. docs/matching.md has the
figures. Pure: no Flask, no database.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache, lru_cache
from typing import Any

import snowballstemmer

from annotator.text import similarity

K1 = 1.2  # the constants of SQLite FTS5's bm25() and of most engines
B = 0.75


@cache
def stemmer(engine: str) -> Callable[[str], str]:
    """The stemmer whose output matches the engine's index terms for one lower-case word.

    SQLite FTS5's ``porter`` tokenizer (with ``remove_diacritics``) and PostgreSQL's ``english``
    configuration (Snowball's English stemmer); both are in ``snowballstemmer``.
    """
    sqlite = engine == "sqlite"
    algorithm = snowballstemmer.stemmer("porter" if sqlite else "english")

    @lru_cache(maxsize=65536)
    def stem(word: str) -> str:
        if sqlite and not word.isascii():
            decomposed = unicodedata.normalize("NFKD", word)
            word = "".join(c for c in decomposed if not unicodedata.combining(c))
        return algorithm.stemWord(word)

    return stem


@lru_cache(maxsize=16384)
def _terms(engine: str, text: str) -> tuple[str, ...]:
    """The index terms of one claim; kept, since a desk's pools share many claims."""
    stem = stemmer(engine)
    return tuple(stem(word) for word in similarity.words(text))


def idf(documents: int, frequency: int) -> float:
    """Inverse document frequency of a term found in ``frequency`` of ``documents`` rows.

    The always-positive form (Lucene's): a word in most rows still counts a little.
    """
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))


def rare_terms(frequencies: Mapping[str, int], budget: int, least: int = 1) -> list[str]:
    """The rarest terms whose document frequencies sum to at most ``budget``, rarest first.

    At least ``least`` terms are kept whatever their frequency, so a sentence of common words
    still finds candidates. Terms the engine has never seen (frequency 0) cost nothing.
    """
    chosen: list[str] = []
    spent = 0
    for term in sorted(frequencies, key=lambda t: (frequencies[t], t)):
        cost = frequencies[term]
        if len(chosen) >= least and spent + cost > budget:
            break
        chosen.append(term)
        spent += cost
    return chosen


def score(
    query: Iterable[str],
    documents: Mapping[int, Sequence[str]],
    frequencies: Mapping[str, int],
    total: int,
) -> dict[int, float]:
    """BM25 of each document (a list of terms) against the distinct ``query`` terms.

    ``frequencies`` maps terms to the number of rows of the whole index holding them and
    ``total`` is the index's row count; the average length is the pool's own, which is all
    the length normalisation needs to compare the pool's rows with each other.
    """
    terms = set(query)
    if not documents:
        return {}
    average = sum(len(words) for words in documents.values()) / len(documents) or 1.0
    weights = {term: idf(max(total, 1), frequencies.get(term, 0)) for term in terms}
    scores = {}
    for key, words in documents.items():
        counts = Counter(word for word in words if word in terms)
        norm = K1 * (1 - B + B * len(words) / average)
        scores[key] = sum(
            weights[term] * count * (K1 + 1) / (count + norm) for term, count in counts.items()
        )
    return scores


def top(
    scores: Mapping[int, float], keep: int, order: Callable[[int], int] | None = None
) -> list[int]:
    """The ``keep`` best keys by score, ties in the engine's order (``order``: key -> position)."""
    position = order or (lambda key: 0)
    return sorted(scores, key=lambda key: (-scores[key], position(key)))[:keep]


def candidates(
    query: str,
    *,
    engine: str,
    frequencies: Callable[[dict[str, str]], dict[str, int]],
    total: Callable[[], int],
    fetch: Callable[[str], list[tuple[Any, ...]]],
    budget: int,
    keep: int,
    texts: Callable[[list[int]], dict[int, tuple[str, str]]] | None = None,
) -> list[similarity.Candidate]:
    """The ``keep`` claims closest to ``query`` by BM25, found the two-step way.

    ``engine`` is ``"sqlite"`` or ``"postgresql"``; ``frequencies`` maps ``{word: term}`` to
    ``{term: rows holding it}``; ``total`` gives the index's row count; ``fetch`` takes a MATCH
    expression (FTS5) or tsquery text (PostgreSQL) of the rarer words and returns the engine's
    pool as ``(id, claim, context)`` rows, best first. With ``texts``, ``fetch`` returns
    ``(id, terms)`` rows instead (the engine's own terms, as PostgreSQL's tsvector holds them) and
    ``texts`` gives the words of just the ``keep`` best: the pool's text is never read.
    """
    sqlite = engine == "sqlite"
    stem = stemmer(engine)
    words = similarity.query_words(query) if sqlite else similarity.pg_tsquery_terms(query)
    terms = {word: stem(word) for word in words}
    if not terms:
        return []
    counted = frequencies(terms)
    chosen = set(rare_terms(counted, budget))
    rare = " ".join(word for word, term in terms.items() if term in chosen)
    match = similarity.fts5_query(rare) if sqlite else similarity.pg_tsquery(rare)
    if match in ("", '""'):
        return []
    rows = fetch(match)
    if texts is None:
        found = {key: (claim, context) for key, claim, context in rows}
        documents = {
            key: _terms(engine, claim + " " + context) for key, (claim, context) in found.items()
        }
    else:
        documents = {key: words for key, words in rows}
    scores = score(terms.values(), documents, counted, total())
    order = {key: position for position, (key, *_rest) in enumerate(rows)}
    best = top(scores, keep, order.__getitem__)
    if texts is not None:
        found = texts(best)
    return [
        similarity.Candidate(key, found[key][0], scores[key], found[key][1])
        for key in best
        if key in found
    ]


_LEXEME = re.compile(r"'((?:[^']|'')*)'(?::([0-9A-D,]+))?")


def tsvector_terms(document: str) -> tuple[str, ...]:
    """The terms of a PostgreSQL tsvector's text form, each once per position it holds.

    ``'barrier':3 'council':1,5`` -> ``('barrier', 'council', 'council')``.
    """
    found: list[str] = []
    for lexeme, positions in _LEXEME.findall(document):
        found += [lexeme.replace("''", "'")] * (positions.count(",") + 1 if positions else 1)
    return tuple(found)
