"""The search box's little language, parsed once and written out for each full-text engine.

- words match whole words, case and (on SQLite) accents ignored: ``footage``
- ``"unproven footage"``: a phrase, the words next to each other in that order
- ``foot*``: any word starting with ``foot``
- ``-word`` or ``-"a phrase"``: leave out what contains it
- anything else (``NEAR``, ``AND``, ``:``, ``^``, brackets, a URL) is text, never syntax: punctuation
  splits words, so ``reuters.com`` is the phrase ``reuters com``.

Words also match their other forms in the desk's languages (``vacuna`` finds ``vacunas``): a query
parsed with ``languages`` matches either word for word or, stemmed in one of those languages, the
index's stemmed column (annotator/text/stemming.py).

An unclosed quote runs to the end of the query. The result is always a valid FTS5 MATCH expression
and a valid PostgreSQL ``to_tsquery`` string, built only from word characters, whatever was typed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from annotator.text.stemming import PG_CONFIGS, SNOWBALL, language_code, query_stems

MAX_LENGTH = 1_000
MAX_TERMS = 32
_WORD = re.compile(r"[^\W_]+")  # letters and digits: what both engines index as words
_PIECE = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class QueryProblem(ValueError):
    """The query cannot be searched for; the message says why, for the person who typed it."""


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase
    prefix: bool = False  # the last word may continue
    negated: bool = False


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]
    languages: tuple[str, ...] = ()  # two-letter codes the words are also stemmed in

    @property
    def positive(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if not term.negated)


def parse(raw: str, languages: tuple[str, ...] = ()) -> Query:
    """Parse what was typed; raise QueryProblem with a sentence when there is nothing to search.
    ``languages``: the desk's languages, in which the words are stemmed too."""
    if len(raw) > MAX_LENGTH:
        raise QueryProblem(
            f"The search is {len(raw):,} characters long; the limit is {MAX_LENGTH:,}."
        )
    text = _CONTROL.sub(" ", raw.encode("utf-8", "replace").decode("utf-8"))
    text = text.replace("\ufffd", " ")
    terms: list[Term] = []
    for match in _PIECE.finditer(text):
        quoted_neg, phrase, bare_neg, bare = match.groups()
        negated = bool(quoted_neg or bare_neg)
        if phrase is not None:
            words = tuple(w.lower() for w in _WORD.findall(phrase))
            prefix = False
        else:
            prefix = bare.endswith("*") and bool(_WORD.search(bare))
            words = tuple(w.lower() for w in _WORD.findall(bare))
        if words:
            terms.append(Term(words, prefix, negated))
    if not terms:
        raise QueryProblem("Type a word to search for.")
    if len(terms) > MAX_TERMS:
        raise QueryProblem(f"The search has {len(terms)} terms; the limit is {MAX_TERMS}.")
    if not any(not term.negated for term in terms):
        raise QueryProblem("Say what to look for, not only what to leave out (a word without “-”).")
    codes = tuple(dict.fromkeys(language_code(lang) for lang in languages if language_code(lang)))
    return Query(tuple(terms), codes)


def _stemmed(term: Term, language: str) -> tuple[str, ...]:
    """The term's words stemmed in ``language`` (a prefix's last word stays as typed)."""
    last = len(term.words) - 1
    return tuple(
        word if term.prefix and index == last else query_stems(word, [language])[0]
        for index, word in enumerate(term.words)
    )


def _fts5_phrase(term: Term, words: tuple[str, ...]) -> str:
    return '"' + " ".join(words) + '"' + ("*" if term.prefix else "")


def fts5(query: Query) -> str:
    """An SQLite FTS5 MATCH expression: every positive term, word for word in ``body`` or stemmed
    in one of the query's languages in ``stems``; then NOT each negated term in any of those
    forms (a row stemmed in another language than one of the query's still holds the word)."""
    languages = [language for language in query.languages if language in SNOWBALL]
    forms: list[tuple[str, Callable[[Term], tuple[str, ...]]]] = [("body", lambda term: term.words)]
    forms += [("stems", lambda term, lang=lang: _stemmed(term, lang)) for lang in languages]
    branches = [
        f"{column} : (" + " AND ".join(_fts5_phrase(t, words_of(t)) for t in query.positive) + ")"
        for column, words_of in forms
    ]
    left_out = [
        f"{column} : {_fts5_phrase(term, words_of(term))}"
        for term in query.terms
        if term.negated
        for column, words_of in forms
    ]
    expression = "(" + " OR ".join(dict.fromkeys(branches)) + ")"
    if left_out:
        expression += " NOT (" + " OR ".join(dict.fromkeys(left_out)) + ")"
    return expression


def pg_configs(query: Query) -> list[str]:
    """The PostgreSQL configurations to stem the query in (its languages that have one)."""
    return list(dict.fromkeys(PG_CONFIGS[code] for code in query.languages if code in PG_CONFIGS))


def tsquery(query: Query) -> str:
    """A PostgreSQL to_tsquery string with the same meaning as ``fts5``'s word-for-word branch
    (the stemmed branch passes it to to_tsquery in each of ``pg_configs``, which stem and drop
    stop words the way the index did)."""

    def one(term: Term) -> str:
        parts = [f"'{word}'" for word in term.words]
        if term.prefix:
            parts[-1] += ":*"
        inner = " <-> ".join(parts)
        body = f"({inner})" if len(parts) > 1 else inner
        return f"!{body}" if term.negated else body

    return " & ".join(one(term) for term in query.terms)


def negated_tsquery(query: Query) -> str | None:
    """The negated terms as one PostgreSQL to_tsquery string (any of them), or None: a row that
    holds one in any form is left out, whichever configuration stemmed it."""

    def one(term: Term) -> str:
        parts = [f"'{word}'" for word in term.words]
        if term.prefix:
            parts[-1] += ":*"
        return "(" + " <-> ".join(parts) + ")"

    negated = [one(term) for term in query.terms if term.negated]
    return " | ".join(negated) if negated else None


def highlight(text: str, query: Query) -> list[tuple[str, bool]]:
    """The text cut into (piece, matched) so a template can mark the words the query matched,
    their other forms in the query's languages included."""
    patterns = []
    stems: set[str] = set()
    for term in query.positive:
        for index, word in enumerate(term.words):
            tail = r"\w*" if term.prefix and index == len(term.words) - 1 else r"(?!\w)"
            patterns.append(r"(?<!\w)" + re.escape(word) + tail)
            if not (term.prefix and index == len(term.words) - 1):
                stems.update(query_stems(word, query.languages) if query.languages else ())
    if not patterns:
        return [(text, False)]
    finder = re.compile("|".join(sorted(set(patterns), key=len, reverse=True)), re.IGNORECASE)
    found = [(m.start(), m.end()) for m in finder.finditer(text)]
    if stems:
        taken = {start for start, _ in found}
        for match in _WORD.finditer(text):
            if (
                match.start() not in taken
                and _stems_to(match.group(0).lower(), query.languages) & stems
            ):
                found.append((match.start(), match.end()))
        found.sort()
    pieces: list[tuple[str, bool]] = []
    last = 0
    for start, end in found:
        if start < last:
            continue
        if start > last:
            pieces.append((text[last:start], False))
        pieces.append((text[start:end], True))
        last = end
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


@functools.lru_cache(maxsize=65_536)
def _stems_to(word: str, languages: tuple[str, ...]) -> frozenset[str]:
    """A word's stems, kept: each result's paragraph stems all its words, mostly the same ones."""
    return frozenset(query_stems(word, languages))
