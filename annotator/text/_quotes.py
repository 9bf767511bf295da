"""Quotation policy: which sentence boundaries a quotation may hide (docs/segmentation.md).

sentencex skips every boundary between a quotation mark and the next mark that could close it,
so an unclosed quotation ("multi-paragraph" news style, a lost closing mark) or a stray straight
quote swallows the sentences after it. We therefore hand sentencex the paragraph with every
quotation mark replaced by a neutral symbol (``neutral``): it splits as if there were no
quotations, and this module decides, quotation by quotation, which of those boundaries to hide:

- A boundary inside a quotation, or right after it, is hidden only when the quotation closes in
  the same paragraph, is at most ``QUOTE_LIMIT`` characters long, ends in , ! ? … or a dash (or a
  full stop followed by a lowercase word), and a short attribution ending the sentence follows
  its closing mark (``"…," he said.``, at most ``ATTRIBUTION_WORDS`` words).
- Everything else splits as plain prose: an unclosed or unbalanced mark never merges sentences.

Marks are told apart by position, not by shape, so English “…”, German „…“ and »…«, French and
Russian «…», Polish „…”, straight "…" and single ‘…’ / '…' all work: an opening mark follows a
space, a bracket, a dash or the paragraph start and precedes a non-space; a closing mark follows
a non-space and precedes a space, punctuation or the paragraph end.
"""

from __future__ import annotations

import re
from bisect import bisect_right

# Mark -> family. A quotation opens and closes with marks of the same family.
_FAMILY = {
    '"': "d", "“": "d", "”": "d", "„": "d", "‟": "d", "″": "d",
    "'": "s", "‘": "s", "’": "s", "‚": "s", "‛": "s", "`": "s",
    "«": "g", "»": "g", "‹": "a", "›": "a",
}  # fmt: skip
MARKS = "".join(_FAMILY)  # replaced by ¶ for sentencex, which reads it as a letter
_HAS_MARK = re.compile(f"[{re.escape(MARKS)}]")
_ASCII_OPENERS = ['"', " '", "\n'", "\t'", "\r'", "`"]
_OPENERS = [*_ASCII_OPENERS, *"“”„‟″«»‹›‘‚‛"]
_OPENS_QUOTE = re.compile('["“”„‟″«»‹›`]')
_BEFORE_OPENING = set(" \t\n\r\f\v([{<—–-/\u00a0") | set(MARKS)
_AFTER_CLOSING = set(" \t\n\r\f\v)]}>.,;:!?…—–-/\u00a0") | set(MARKS)
# A quotation longer than this never hides a boundary: it is no longer one claim.
QUOTE_LIMIT = 320
ATTRIBUTION_WORDS = 12
_ATTRIBUTION_CHARS = 120
# Arabic script: "؟" question mark, "۔" full stop (Urdu, Persian), "،" comma.
_QUOTE_END = set(",!?…—–-؟،")
_FINAL = set(".!?…؟۔")
_GOES_ON = set(",;:(–—-")


def mark_positions(text: str) -> list[int]:
    """Positions in ``text`` of the marks that can open a quotation for sentencex.

    A paragraph without one needs no quotation layer. "’" and "'" after a letter (apostrophes,
    mostly) open nothing: sentencex pairs "'" only after a space, and "’" only after "‘".
    """
    # One str.find pass per mark: far fewer instructions than a regex character class.
    positions = [0] if text[:1] == "'" else []
    for opening in _ASCII_OPENERS if text.isascii() else _OPENERS:
        found = text.find(opening)
        if found < 0:
            continue
        step = len(opening)
        while found >= 0:
            positions.append(found + step - 1)
            found = text.find(opening, found + step)
    positions.sort()
    return positions


def neutral(text: str) -> str:
    """Return ``text`` with every quotation mark replaced, one character for one."""
    for mark in MARKS:  # a few C-speed passes beat str.translate's lookup per character
        if mark in text:
            text = text.replace(mark, "\u00b6")
    return text


def sentence_bounds(text: str, pieces: list[str], position: int) -> list[tuple[int, int]]:
    """Return the stripped bounds of sentencex's pieces, each sentence with its closing marks.

    sentencex leaves a closing mark at the start of the next piece; it goes back, with the final
    stop after it (``«…?».``), and a piece that then starts with a comma, semicolon or colon
    (``«…», dijo.``) is no sentence of its own: it joins the one before.
    """
    result: list[tuple[int, int]] = []
    paragraph_start = position
    for piece in pieces:
        start = position + len(piece) - len(piece.lstrip())
        position += len(piece)
        end = start + len(piece.strip())
        if start == end:
            continue
        if result:
            spaced = _spaced_closer(text, paragraph_start, result[-1][1], start)
            if start == result[-1][1] or spaced:
                moved = start + 1 if spaced else start
                while moved < end and _is_closer(text, moved, end):
                    moved += 1
                if moved > start:
                    while moved < end and text[moved] in _FINAL:
                        moved += 1
                    result[-1] = (result[-1][0], moved)
                    while moved < end and text[moved].isspace():
                        moved += 1
                    if moved >= end:
                        continue
                    start = moved
            if text[start] in ",;:":
                result[-1] = (result[-1][0], end)
                continue
        result.append((start, end))
    return result


def _spaced_closer(text: str, paragraph_start: int, previous_end: int, start: int) -> bool:
    """A closing mark after a space, French style: "… fin. » Puis", "… bête ! " Les"."""
    mark = text[start]
    if (
        not text[previous_end:start].isspace()
        or start + 1 < len(text)
        and not (text[start + 1].isspace() or text[start + 1] in _FINAL)
    ):
        return False
    # It closes only a quotation still open: a « not yet closed, an odd number of straight marks.
    if mark == "»":
        return text.count("«", paragraph_start, start) > text.count("»", paragraph_start, start)
    return mark == '"' and text.count('"', paragraph_start, start) % 2 == 1


def _is_closer(text: str, index: int, end: int) -> bool:
    return (
        text[index] in _FAMILY
        and index > 0
        and not text[index - 1].isspace()
        and (index + 1 >= end or text[index + 1] in _AFTER_CLOSING)
    )


def quotations(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return (opening, closing) mark positions of the quotations closed in text[start:end]."""
    found: list[tuple[int, int]] = []
    open_at: dict[str, int] = {}
    for match in _HAS_MARK.finditer(text, start, end):
        index = match.start()
        family = _FAMILY[text[index]]
        before = text[index - 1] if index > start else " "
        after = text[index + 1] if index + 1 < end else " "
        mark = text[index]
        # French spaces its guillemets: « Bonjour » opens and closes like «Bonjour».
        opening = before in _BEFORE_OPENING and (not after.isspace() or mark == "«")
        closing = after in _AFTER_CLOSING and (
            not before.isspace()
            or mark == "»"
            or (after in _FINAL and (index + 2 >= end or text[index + 2].isspace()))  # "… ".
        )
        if closing and family in open_at:
            found.append((open_at.pop(family), index))
        elif opening:
            open_at[family] = index  # a second opening mark leaves the first one unclosed
    return found


def hide_boundaries(text: str, bounds: list[tuple[int, int]], end: int) -> list[tuple[int, int]]:
    """Merge the sentences that a closed, attributed quotation holds (the policy above)."""
    if len(bounds) < 2:
        return bounds
    merged = bounds
    starts = [start for start, _ in bounds]
    for opening, closing in quotations(text, bounds[0][0], end):
        if closing - opening > QUOTE_LIMIT:
            continue
        first = bisect_right(starts, opening) - 1
        last = bisect_right(starts, closing) - 1
        after = closing + 1
        if after < merged[last][1]:
            attribution_piece = last
        elif last + 1 < len(merged):
            attribution_piece = last + 1
        else:
            continue  # nothing follows the quotation in this paragraph
        if attribution_piece <= first:
            continue  # no boundary to hide
        if not _attributes(text, closing, after, merged[attribution_piece][1]):
            continue
        merged[first : attribution_piece + 1] = [(merged[first][0], merged[attribution_piece][1])]
        del starts[first + 1 : attribution_piece + 1]
    return merged


def _attributes(text: str, closing: int, after: int, sentence_end: int) -> bool:
    """Tell whether text[after:sentence_end] shows the quotation belongs to one sentence.

    Either the sentence's own stop comes right after the closing mark (``«…».``), or a short
    attribution ending the sentence does: one that goes on from the quotation (a comma, a dash,
    a bracket or a lowercase word: ``,” he said.``, ``” (Manzoni).``), or a capitalised one after
    a quotation that ends in , ! ? … or a dash (``“Where?” John asked.``). ``“We won.” He left.``
    is two sentences.
    """
    attribution = text[after:sentence_end].strip()
    if not attribution or attribution[-1] not in _FINAL:
        return False
    if attribution[0] in _FINAL:
        return attribution.strip(".!?…") == ""
    opening = attribution[0]
    if opening in _GOES_ON or opening.islower():
        # The sentence goes on after the quotation ("« LL.AA. » pour l'abréviation de ...").
        return len(attribution.split()) <= 3 * ATTRIBUTION_WORDS
    if text[closing - 1] not in _QUOTE_END:
        return False
    return (
        len(attribution.split()) <= ATTRIBUTION_WORDS
        and len(attribution) <= _ATTRIBUTION_CHARS
        and not _OPENS_QUOTE.search(attribution)
    )
