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
_UNSAFE = re.compile(r"[^\S \t\n\r]|[\ud800-\udfff]")
_CUT = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=\S)")
_FALLBACK_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")


def split_sentences(text: str) -> list[int]:
    """Return the lengths of consecutive pieces that tile ``text``, one sentence each."""
    lengths: list[int] = []
    position = 0
    while len(text) - position > CHUNK:
        cut = _CUT.search(text, position + CHUNK)
        if cut is None:
            break
        lengths += _split_chunk(text[position : cut.end()])
        position = cut.end()
    lengths += _split_chunk(text[position:])
    return lengths


def _split_chunk(chunk: str) -> list[int]:
    if _UNSAFE.search(chunk):
        chunk = _UNSAFE.sub(_safe_character, chunk)
    try:
        pieces = sentencex.segment("en", chunk)
    except BaseException as error:  # a Rust panic arrives as pyo3's PanicException
        if type(error).__name__ != "PanicException":
            raise
        return _fallback(chunk)
    if "".join(pieces) != chunk:
        return _fallback(chunk)
    return [len(piece) for piece in pieces]


def _safe_character(match: re.Match[str]) -> str:
    return " " if match[0].isspace() else "\ufffd"


def _fallback(chunk: str) -> list[int]:
    """Split after terminal punctuation and space: crude, but never fails and never loses text."""
    lengths = []
    position = 0
    for match in _FALLBACK_END.finditer(chunk):
        lengths.append(match.end() - position)
        position = match.end()
    lengths.append(len(chunk) - position)
    return lengths
