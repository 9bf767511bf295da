"""Detect an article's language offline: py3langid, whose 4 MB model ships inside its package.

py3langid (a maintained fork of langid.py: 97 languages, naive Bayes over byte n-grams) was
chosen for size and speed on short news text; no model is downloaded at run time. Anything it is
not sure of gives None, and the caller falls back to its default (``language_or``).
"""

from __future__ import annotations

import re
from functools import cache

# Below this many letters a guess is noise ("OK", a headline of two words).
MIN_LETTERS = 20
# Normalised probability the best language needs to be trusted.
MIN_CONFIDENCE = 0.80
# The detector reads at most this much: the opening of an article decides its language.
SAMPLE = 2_000
_LETTER = re.compile(r"[^\W\d_]")


@cache
def _identifier():  # noqa: ANN202 (py3langid has no type hints)
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
