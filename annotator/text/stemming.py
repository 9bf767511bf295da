"""Words reduced to their stems in an article's language, so a search finds other forms of a word
("vacuna" finds "vacunas", "vaccine" finds "vaccines").

Both databases stem with Snowball: PostgreSQL with its own text search configurations
(``PG_CONFIGS``), SQLite with the same algorithms from ``snowballstemmer`` (PyStemmer's C stemmers
when present), applied to what is indexed (``stems``, called by the index's triggers as the SQL
function ``annotator_stems``) and to the query (``query_stems``). A language without a Snowball
stemmer on a database is indexed word for word there: Ukrainian on both (Snowball has none),
Polish and Persian on PostgreSQL (no configuration ships with it).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

import snowballstemmer

# ISO 639-1 code -> Snowball algorithm (snowballstemmer's names).
SNOWBALL = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}
# ISO 639-1 code -> PostgreSQL 15's built-in text search configuration.
PG_CONFIGS = {
    code: name
    for code, name in SNOWBALL.items()
    if code not in ("cs", "fa", "pl")  # PostgreSQL ships no configuration for these
}
MAX_QUERY_LANGUAGES = 8
_WORD = re.compile(r"[^\W_]+")  # the words both full-text engines index


def language_code(language: str | None) -> str:
    """The two-letter code of a stored language ("en-GB" -> "en"; empty when unknown)."""
    return (language or "").strip()[:2].lower()


@functools.lru_cache(maxsize=64)
def _stemmer(code: str) -> Callable[[list[str]], list[str]] | None:
    algorithm = SNOWBALL.get(code)
    if algorithm is None:
        return None
    return snowballstemmer.stemmer(algorithm).stemWords


def stems(text: str | None, language: str | None) -> str:
    """The text's words, lower-cased and stemmed in ``language``, one space between them (word
    for word when the language has no stemmer). Deterministic: the index deletes what it indexed
    by computing it again."""
    words = _WORD.findall((text or "").lower())
    stemmer = _stemmer(language_code(language))
    return " ".join(stemmer(words) if stemmer is not None else words)


def query_stems(word: str, languages: Iterable[str | None]) -> list[str]:
    """The stems of one query word in each of the desk's languages, without repeats."""
    found: list[str] = []
    for language in languages:
        stemmer = _stemmer(language_code(language))
        stem = stemmer([word.lower()])[0] if stemmer is not None else word.lower()
        if stem and stem not in found:
            found.append(stem)
    return found or [word.lower()]


def pg_config_case(column: str) -> str:
    """SQL choosing a row's PostgreSQL configuration from its language column (constants only, so
    a generated column may use it)."""
    whens = " ".join(
        f"WHEN '{code}' THEN '{name}'::regconfig" for code, name in sorted(PG_CONFIGS.items())
    )
    return f"CASE lower(left(coalesce({column}, ''), 2)) {whens} ELSE 'simple'::regconfig END"
