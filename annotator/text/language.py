"""Detect an article's language offline: py3langid, whose 4 MB model ships inside its package.

py3langid (a maintained fork of langid.py: 97 languages, naive Bayes over byte n-grams) was
chosen for size and speed on short news text; no model is downloaded at run time. Anything it is
not sure of gives None, and the caller falls back to its default (``language_or``).
"""

from __future__ import annotations

import re
from functools import cache

from annotator.text._languages import normalise

# What an article whose language is unknown is segmented as (the rules this app began with).
DEFAULT_LANGUAGE = "en"

# Below this many letters a guess is noise ("OK", a headline of two words).
MIN_LETTERS = 20
# Normalised probability the best language needs to be trusted.
MIN_CONFIDENCE = 0.80
# The detector reads at most this much: the opening of an article decides its language.
SAMPLE = 2_000
_LETTER = re.compile(r"[^\W\d_]")
_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


@cache
def _identifier():  # py3langid has no type hints
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:  # the detector is optional: without it every text is "unsure"
        return None
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """Return the ISO 639-1 code of ``text``'s language, or None when unsure."""
    sample = text[:SAMPLE]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return None
    identifier = _identifier()
    if identifier is None:
        return None
    language, confidence = identifier.classify(sample)
    return language if confidence >= MIN_CONFIDENCE else None


def language_or(text: str, default: str = "en") -> str:
    """Return the detected language of ``text``, or ``default`` when the detector is unsure."""
    return detect_language(text) or default


def segmenting_language(language: str | None) -> str:
    """The language code to segment an article stored with ``language`` ("pt-BR" -> "pt")."""
    return normalise(language) or DEFAULT_LANGUAGE


def is_english(language: str | None) -> bool:
    """Whether English-only analysis (attribution and hedge cues) applies to this article."""
    return segmenting_language(language) == "en"


def is_language_code(value: str) -> bool:
    """Whether ``value`` looks like a BCP 47 language tag ("en", "pt-BR", "uk")."""
    return _TAG.fullmatch(value) is not None


_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "ru": "Russian", "uk": "Ukrainian",
}  # fmt: skip


def language_label(language: str | None) -> str:
    """A reader's name for ``language``: "Spanish (es)", "sv", or "not known" when unset."""
    if not language:
        return "not known (segmented as English)"
    name = _NAMES.get(normalise(language))
    return f"{name} ({language})" if name else language
