"""The search box's little language, parsed once and written out for each full-text engine.

- words match whole words, case and (on SQLite) accents ignored: ``footage``
- ``"unproven footage"``: a phrase, the words next to each other in that order
- ``foot*``: any word starting with ``foot``
- ``-word`` or ``-"a phrase"``: leave out what contains it
- anything else (``NEAR``, ``AND``, ``:``, ``^``, brackets, a URL) is text, never syntax: punctuation
  splits words, so ``reuters.com`` is the phrase ``reuters com``.

An unclosed quote runs to the end of the query. The result is always a valid FTS5 MATCH expression
and a valid PostgreSQL ``to_tsquery`` string, built only from word characters, whatever was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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

    @property
    def positive(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if not term.negated)


def parse(raw: str) -> Query:
    """Parse what was typed; raise QueryProblem with a sentence when there is nothing to search."""
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
    return Query(tuple(terms))


def fts5(query: Query) -> str:
    """An SQLite FTS5 MATCH expression: every positive term, then NOT each negated one."""

    def one(term: Term) -> str:
        phrase = '"' + " ".join(term.words) + '"'
        return phrase + ("*" if term.prefix else "")

    positive = " AND ".join(one(term) for term in query.positive)
    expression = f"({positive})"
    for term in query.terms:
        if term.negated:
            expression += f" NOT {one(term)}"
    return expression


def tsquery(query: Query) -> str:
    """A PostgreSQL to_tsquery('simple', ...) string with the same meaning as ``fts5``."""

    def one(term: Term) -> str:
        parts = [f"'{word}'" for word in term.words]
        if term.prefix:
            parts[-1] += ":*"
        inner = " <-> ".join(parts)
        body = f"({inner})" if len(parts) > 1 else inner
        return f"!{body}" if term.negated else body

    return " & ".join(one(term) for term in query.terms)


def highlight(text: str, query: Query) -> list[tuple[str, bool]]:
    """The text cut into (piece, matched) so a template can mark the words the query matched."""
    patterns = []
    for term in query.positive:
        for index, word in enumerate(term.words):
            tail = r"\w*" if term.prefix and index == len(term.words) - 1 else r"(?!\w)"
            patterns.append(r"(?<!\w)" + re.escape(word) + tail)
    if not patterns:
        return [(text, False)]
    finder = re.compile("|".join(sorted(set(patterns), key=len, reverse=True)), re.IGNORECASE)
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in finder.finditer(text):
        if match.start() > last:
            pieces.append((text[last : match.start()], False))
        pieces.append((match.group(0), True))
        last = match.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces
