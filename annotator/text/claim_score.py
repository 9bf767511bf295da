"""How likely a sentence makes the same claim as an earlier one: a calibrated probability, and tiers.

:func:`probability` fuses the cosine of the two texts' sentence vectors (annotator.text.encoder)
with a lexical signal computed here from the two texts alone: how much of each text's content
words the other holds, shared word pairs, and whether their names and numbers agree. Nothing
in it depends on the other candidates of a query or on the size of the desk, so a score means
the same thing for every sentence: a logistic model fitted on the CheckThat! training claims'
half A and on unrelated news sentences (bench/bench_claims.py --fit; docs/matching.md).

When the two texts are in different languages the shared words say nothing, so a second model
fitted on the cosine alone decides: a Spanish paraphrase of an English claim is not punished for
sharing no English words.

:func:`tier` turns a probability into what the panel offers: ``"same"`` (``m`` copies at once),
``"related"`` (shown apart, ``m`` asks first) or None (not offered). A short sentence is never
"same": a few words leave too little to be sure of.

Pure: no Flask, no database models, no encoder call (the caller passes the cosine).
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

from annotator.text import similarity

# Logistic weights over the features of :func:`features` and the cosine, fitted on half A of the
# CheckThat! 2020 Task 2 training tweets (each with its right claim and the other candidates the
# app would score: the dense top 40 and the lexical top 40) and on the sentences of 12 Wikinews
# articles of the GUM corpus (every candidate wrong). bench/bench_claims.py --fit prints them.
WEIGHTS: dict[str, float] = {
    "bias": -92.011,
    "cosine": 100.327,
    "shared": 2.601,
    "claim_covered": 5.105,
    "sentence_covered": -2.395,
    "pairs": 0.133,
    "names_missing": -0.276,
    "numbers_differ": -0.911,
}
# The cosine-only model used across languages (same data, the cosine its one feature).
CROSS_WEIGHTS: dict[str, float] = {"bias": -121.248, "cosine": 139.362}

# Default tiers (a desk's settings may override them). RELATED: the lowest probability at which
# at most 2 % of the fitted news sentences get an offer. SAME_CLAIM: the lowest at which 95 % of
# the fitted "same claim" offers are right. Below RELATED nothing is offered.
SAME_CLAIM = 0.704
RELATED = 0.158
# A sentence of fewer words (any words, stop words included) is never "same claim".
MIN_WORDS_SAME = 6

# Below this confidence of the language detector a text's language counts as unknown, and two
# texts count as one language.
_LANGUAGE_CONFIDENCE = 0.5
_TOKEN = re.compile(r"\d+(?:[.,]\d{3})+(?!\d)|[^\W_]+(?:['’][^\W_]+)*")
_CAMEL_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+|[^\W\d_]+")


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@lru_cache(maxsize=16384)
def _analysed(text: str) -> tuple[tuple[str, ...], frozenset[str], frozenset[str]]:
    """The text's content stems in order, its names' stems and its numbers."""
    stems = tuple(similarity.stems(text))
    names: set[str] = set()
    numbers: set[str] = set()
    for start, _end, key, original in _tokens(text):
        if key is None:
            continue
        if key.isdigit():
            numbers.add(key)
        elif original[:1].isupper() and start > 0 and not _sentence_start(text, start):
            names.add(key)
    return stems, frozenset(names), frozenset(numbers)


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in '.!?:"“«¿¡(-—'


def _key(word: str) -> str | None:
    """The stem that stands for ``word`` when texts are compared; None for a stop word."""
    word = unicodedata.normalize("NFKC", word).casefold().replace("’", "'")
    if word in similarity.STOPWORDS:
        return None
    word = word.removesuffix("'s").replace("'", "")
    if re.fullmatch(r"\d+(?:[.,]\d{3})+", word):
        word = re.sub(r"[.,]", "", word)
    if not word or (len(word) < 2 and not word.isdigit()) or word in similarity.STOPWORDS:
        return None
    return similarity.stem(word)


def _tokens(text: str) -> list[tuple[int, int, str | None, str]]:
    """Each word of ``text`` with its character offsets, comparison key and original spelling.

    A word written as one (``#FakeNews``, ``@Sara_Kelhi``, ``Covid19``) gives one token per part,
    as :func:`annotator.text.similarity.normalize` splits it.
    """
    found = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        parts = [(match.start(), word)]
        handle = match.start() > 0 and text[match.start() - 1] in "#@"
        if handle and any(c.isupper() or c.isdigit() for c in word[1:]):
            parts = [
                (match.start() + part.start(), part.group()) for part in _CAMEL_PART.finditer(word)
            ]
        for start, part in parts:
            found.append((start, start + len(part), _key(part), part))
    return found


def features(sentence: str, claim: str) -> dict[str, float]:
    """The lexical features of a pair: log(1 + shared stems), the rest in [0, 1]; see WEIGHTS."""
    s_stems, s_names, s_numbers = _analysed(sentence)
    c_stems, c_names, c_numbers = _analysed(claim)
    s_set, c_set = set(s_stems), set(c_stems)
    shared = s_set & c_set
    s_pairs = set(zip(s_stems, s_stems[1:], strict=False))
    c_pairs = set(zip(c_stems, c_stems[1:], strict=False))
    return {
        "shared": math.log1p(len(shared)),
        "claim_covered": len(shared) / len(c_set) if c_set else 0.0,
        "sentence_covered": len(shared) / len(s_set) if s_set else 0.0,
        "pairs": len(s_pairs & c_pairs) / len(c_pairs) if c_pairs else 0.0,
        "names_missing": (
            float(not (c_names & s_set) and not (s_names & c_set)) if c_names and s_names else 0.0
        ),
        "numbers_differ": float(bool(s_numbers and c_numbers and not s_numbers & c_numbers)),
    }


@lru_cache(maxsize=16384)
def _language(text: str) -> str | None:
    from annotator.text import language

    identifier = language._identifier()
    if identifier is None:
        return None
    guess, confidence = identifier.classify(text[: language.SAMPLE])
    return guess if confidence >= _LANGUAGE_CONFIDENCE else None


@lru_cache(maxsize=16384)
def _script(text: str) -> str | None:
    """The script of the text's first letter that is not Latin, or "Latn"."""
    if text.isascii():
        return "Latn"
    for char in text:
        if ord(char) >= 0x250 and char.isalpha():
            name = unicodedata.name(char, "")
            if not name.startswith("LATIN"):
                return name.split(" ")[0]
    return "Latn"


def cross_language(sentence: str, claim: str) -> bool:
    """Whether the two texts are, as far as can be told, written in different languages."""
    if _script(sentence) != _script(claim):
        return True
    first, second = _language(sentence), _language(claim)
    return first is not None and second is not None and first != second


def probability(sentence: str, claim: str, cosine: float) -> float:
    """The calibrated probability in [0, 1] that ``sentence`` makes the same claim as ``claim``.

    ``cosine`` is the dot product of their unit vectors from annotator.text.encoder.
    """
    if cross_language(sentence, claim):
        weights: dict[str, float] = CROSS_WEIGHTS
        values = {"cosine": cosine}
    else:
        weights = WEIGHTS
        values = {"cosine": cosine, **features(sentence, claim)}
    logit = weights["bias"] + sum(weights.get(name, 0.0) * value for name, value in values.items())
    return _sigmoid(logit)


def word_count(sentence: str) -> int:
    """How many words ``sentence`` has, stop words included (what MIN_WORDS_SAME counts)."""
    return len(similarity.normalize(sentence).split())


def tier(
    p: float, sentence: str, *, same: float = SAME_CLAIM, related: float = RELATED
) -> str | None:
    """What the panel offers for a match of probability ``p``: "same", "related" or None."""
    if p >= same and word_count(sentence) >= MIN_WORDS_SAME:
        return "same"
    if p >= related:
        return "related"
    return None


def shared_spans(sentence: str, claim: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans of the words and names the two texts share: (in sentence, in claim).

    Offsets index the Python strings as given (code points), start inclusive, end exclusive,
    in order; words match by stem (``endorsed`` / ``endorsement``), stop words never count.
    """
    sentence_tokens, claim_tokens = _tokens(sentence), _tokens(claim)
    shared = {key for *_, key, _ in sentence_tokens if key} & {
        key for *_, key, _ in claim_tokens if key
    }
    return (
        [(start, end) for start, end, key, _ in sentence_tokens if key in shared],
        [(start, end) for start, end, key, _ in claim_tokens if key in shared],
    )
