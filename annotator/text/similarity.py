"""Claim matching: normalise text, build safe full-text queries, re-rank candidates.

Matching runs in two steps. The database's own full-text engine finds candidates (SQLite FTS5
``bm25()`` or PostgreSQL ``ts_rank_cd``) with a query built here from the words of the
sentence; then :func:`rerank` orders the top few dozen in Python with features that a bag of
words misses: how much of the earlier claim the new sentence covers, shared word pairs, shared
numbers and names, and (given an ``embedder``, e.g. over annotator.text.encoder) the cosine of
sentence embeddings. docs/matching.md has the figures behind the weights.

Pure: no Flask, no models, nothing downloaded.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# The FTS5 tokenizer of every claims index. ``porter`` stems the indexed words and the query's
# words alike, so the query below needs no stemming of its own.
FTS5_TOKENIZE = "porter unicode61 remove_diacritics 2"
# The PostgreSQL text search configuration of every claims index.
PG_CONFIG = "english"

# A query keeps at most this many distinct words: a 10,000-character paste costs no more than a
# long tweet, and a candidate query stays cheap.
MAX_TERMS = 48
# Words shorter than this never reach a query; longer ones are cut to the upper bound.
_MIN_LEN, _MAX_LEN = 2, 40

_STOPWORD_TEXT = """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each even ever every few for from further get gets got had
    hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
    himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself just let's
    like me more most mustn't my myself no nor not now of off on once only or other ought our ours
    ourselves out over own really same shan't she she'd she'll she's should shouldn't so some
    still such than that that's the their theirs them themselves then there there's these they
    they'd they'll they're they've this those through to too under until up us very via was
    wasn't we we'd we'll we're we've were weren't what what's when when's where where's which
    while who who's whom why why's will with won't would wouldn't yet you you'd you'll you're
    you've your yours yourself yourselves rt amp via pic twitter com www http https today
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_URL = re.compile(r"(?:https?://|www\.)\S+|\bpic\.twitter\.com/\S+|\b[\w-]+\.(?:com|org|net)/\S*")
_HANDLE = re.compile(r"(?<![\w@])[@#](\w+)")
# "camelCase", "HTMLParser", "Covid19": where a word written without spaces splits.
_CAMEL = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])"
)
_THOUSANDS = re.compile(r"(?<=\d)[,.](?=\d{3}\b)")
_PERCENT = re.compile(r"(?<=\d)\s*%")
_APOSTROPHES = str.maketrans("’‘`´", "'" * 4)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

_stemmer = snowballstemmer.stemmer("english")


def _split_handle(match: re.Match[str]) -> str:
    return " " + _CAMEL.sub(" ", match.group(1).replace("_", " ")) + " "


def normalize(text: str) -> str:
    """Lower-case plain words of ``text``: no URLs, handles and hashtags split into words."""
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", text))
    # Each pattern runs only where it could match: most claims hold no link, handle or number,
    # and matching normalises a few hundred claims a query.
    if "/" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text or "#" in text:
        text = _HANDLE.sub(_split_handle, text)
    if "," in text or "." in text:
        text = _THOUSANDS.sub("", text)
    if "%" in text:
        text = _PERCENT.sub(" percent", text)
    text = text.translate(_APOSTROPHES)
    return " ".join(_WORD.findall(text.casefold()))


def words(text: str) -> list[str]:
    """The content words of ``text`` in order, unstemmed, without stop words."""
    result = []
    for word in normalize(text).split():
        if word in STOPWORDS:
            continue
        word = word.removesuffix("'s").replace("'", "")
        if _MIN_LEN <= len(word) <= _MAX_LEN and word not in STOPWORDS or word.isdigit():
            result.append(word[:_MAX_LEN])
    return result


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of one lower-case word."""
    return _stemmer.stemWord(word)


def stems(text: str) -> list[str]:
    """The stemmed content words of ``text`` in order."""
    return [stem(word) for word in words(text)]


def query_words(text: str) -> list[str]:
    """The distinct content words of ``text`` a query may hold, in order, at most MAX_TERMS."""
    seen: dict[str, None] = {}
    for word in words(text):
        if word.isascii() or word.isalnum():
            seen.setdefault(word)
        if len(seen) == MAX_TERMS:
            break
    return list(seen)


def fts5_query(text: str) -> str:
    """A MATCH expression for FTS5 that finds rows sharing any content word with ``text``.

    Every word is a quoted string, so no input can form an operator (NEAR, AND, ``*``, ``^``,
    ``-``, a ``column:`` filter) or a syntax error. Text without content words gives ``'""'``,
    which sqlite accepts and which matches nothing.
    """
    terms = query_words(text)
    if not terms:
        return '""'
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)


def pg_tsquery_terms(text: str) -> list[str]:
    """Words of ``text`` safe to join with `` | `` for ``to_tsquery('english', ...)``.

    Only letters and digits survive, so no word can be an operator, a weight or a prefix.
    """
    return [word for word in query_words(text) if word.isalnum()]


def pg_tsquery(text: str) -> str:
    """An OR query for ``to_tsquery``; empty when ``text`` has no content words."""
    return " | ".join(pg_tsquery_terms(text))


@dataclass(frozen=True, slots=True)
class Candidate:
    """One earlier claim offered by the full-text engine: its id, words and lexical score.

    ``lexical`` is higher-is-better (negate SQLite's ``bm25()``).
    """

    id: int
    text: str
    lexical: float
    context: str = ""


Embedder = Callable[[Sequence[str]], Sequence[Sequence[float]]]

# Weights of the re-ranking score over features scaled to [0, 1] within one candidate list,
# tuned on half of the CLEF 2020 CheckThat! Task 2 training queries and checked on the other
# half (docs/matching.md): the full-text engine's own score carries most of the signal; shared
# word pairs break its ties. Coverage, shared numbers and a weighted embedding did not help on
# the held-out half, so they weigh nothing by default and stay here to be measured.
WEIGHTS = {
    "lexical": 1.0,
    "pairs": 0.1,
    "coverage": 0.0,
    "numbers": 0.0,
    "embedding": 0.0,
}


def _pairs(tokens: Sequence[str]) -> set[tuple[str, str]]:
    return set(zip(tokens, tokens[1:], strict=False))


def _features(
    query: list[str], query_set: set[str], candidate: list[str], idf: Callable[[str], float]
) -> tuple[float, float, float]:
    """Coverage of the candidate's words by the query, shared word pairs, shared numbers."""
    if not candidate:
        return 0.0, 0.0, 0.0
    distinct = set(candidate)
    total = sum(idf(term) for term in distinct)
    covered = sum(idf(term) for term in distinct if term in query_set)
    coverage = covered / total if total else 0.0
    pairs = float(len(_pairs(candidate) & _pairs(query)))
    numbers = {term for term in distinct if term.isdigit()}
    shared_numbers = len(numbers & query_set) / len(numbers) if numbers else 0.0
    return coverage, pairs, shared_numbers


def _scaled(values: list[float]) -> list[float]:
    low, high = min(values), max(values)
    if high <= low:
        return [1.0 if high > 0 else 0.0] * len(values)
    return [(value - low) / (high - low) for value in values]


def rerank(
    query: str,
    candidates: Iterable[Candidate],
    *,
    idf: Mapping[str, float] | None = None,
    embedder: Embedder | None = None,
    weights: Mapping[str, float] = WEIGHTS,
) -> list[tuple[int, float]]:
    """Order ``candidates`` by closeness to ``query``: ``[(id, score)]``, best first.

    Each feature is scaled to [0, 1] across the candidates, so scores compare candidates of one
    query, not queries. ``idf`` maps stems to inverse document frequency for the coverage
    feature (absent stems count as rare); ``embedder`` maps texts to unit vectors, without it
    the score is lexical only. Ties keep the engine's order.
    """
    candidates = list(candidates)
    if not candidates:
        return []
    query_stems = stems(query)
    query_set = set(query_stems)
    rare = max(idf.values(), default=1.0) if idf else 1.0

    def weight(term: str) -> float:
        return idf.get(term, rare) if idf else 1.0

    features = [
        _features(query_stems, query_set, stems(c.text + " " + c.context), weight)
        for c in candidates
    ]
    columns = {
        "lexical": _scaled([c.lexical for c in candidates]),
        "coverage": _scaled([f[0] for f in features]),
        "pairs": _scaled([f[1] for f in features]),
        "numbers": _scaled([f[2] for f in features]),
    }
    if embedder is not None and weights.get("embedding", 0.0):
        vectors = embedder([query] + [(c.text + " " + c.context).strip() for c in candidates])
        first = vectors[0]
        columns["embedding"] = _scaled(
            [float(sum(a * b for a, b in zip(first, v, strict=True))) for v in vectors[1:]]
        )
    total = sum(weights.get(name, 0.0) for name in columns) or 1.0
    scored = [
        (
            candidate.id,
            sum(weights.get(name, 0.0) * column[index] for name, column in columns.items()) / total,
        )
        for index, candidate in enumerate(candidates)
    ]
    scored.sort(key=lambda pair: -pair[1])
    return scored


def bm25_idf(documents: int, frequency: int) -> float:
    """The BM25 inverse document frequency of a term found in ``frequency`` of ``documents``."""
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))
