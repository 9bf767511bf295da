"""A guarded call into sentencex: exact tiling, bounded cost, and no way to raise.

sentencex 1.0.32 has two defects this module contains (docs/segmentation.md, "sentencex"):
it panics (a ``BaseException``) on a capital letter, a non-ASCII space and a full stop ("A\\xa0."),
and an unclosed opening quotation mark makes it scan to the end of its input, so many of them in
one long input cost quadratic time.
"""

from __future__ import annotations

import re

import sentencex

# Longest text handed to sentencex in one call. Real paragraphs are far shorter; a longer run
# (a transcript pasted without line breaks) is cut at a likely sentence end after this many
# characters, which bounds the quadratic cost of unclosed quotation marks.
CHUNK = 10_000

# Everything sentencex handles unsafely, replaced one character for one so offsets still hold:
# non-ASCII whitespace (the panic above) and lone surrogates (not encodable for Rust).
_UNSAFE = re.compile(
    "[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"  # str.isspace() beyond ASCII
    "|[\ud800-\udfff]"
)
_CUT = re.compile(r"[.!?…؟۔][\"'”’»)\]]*\s+(?=\S)")
_FALLBACK_END = re.compile(r"[.!?…؟۔]+[\"'”’»)\]]*\s+")


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Return consecutive pieces that tile ``text`` (made safe first), one sentence each."""
    if len(text) <= CHUNK:
        return _split_chunk(text, language)
    pieces: list[str] = []
    position = 0
    while len(text) - position > CHUNK:
        cut = _CUT.search(text, position + CHUNK)
        if cut is None:
            break
        pieces += _split_chunk(text[position : cut.end()], language)
        position = cut.end()
    pieces += _split_chunk(text[position:], language)
    return pieces


def safe_text(text: str) -> str:
    """Return ``text`` with what sentencex mishandles replaced, one character for one."""
    if text.isascii() or not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_safe_character, text)


def _split_chunk(chunk: str, language: str) -> list[str]:
    try:
        pieces = sentencex.segment(language, chunk)
    except BaseException as error:  # a Rust panic arrives as pyo3's PanicException
        if type(error).__name__ != "PanicException":
            raise
        return _fallback(chunk)
    if "".join(pieces) != chunk:
        return _fallback(chunk)
    return pieces


def _safe_character(match: re.Match[str]) -> str:
    return " " if match[0].isspace() else "\ufffd"


def _fallback(chunk: str) -> list[str]:
    """Split after terminal punctuation and space: crude, but never fails and never loses text."""
    pieces = []
    position = 0
    for match in _FALLBACK_END.finditer(chunk):
        pieces.append(chunk[position : match.end()])
        position = match.end()
    pieces.append(chunk[position:])
    return pieces
