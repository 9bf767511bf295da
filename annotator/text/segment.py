"""Split article text into paragraphs and sentences with exact character offsets.

Four layers, each small enough to reason about (docs/segmentation.md explains every rule):

1. Lines and paragraphs (ours): blank lines break; a single line break breaks too unless the line
   before it ends in punctuation that carries a sentence on; list items start a paragraph.
2. Sentences (sentencex, Rust, with the article's language): abbreviations, initials, numbers,
   ellipses. It reads quotation marks as neutral symbols.
3. Quotations (ours, ``_quotes.py``): a closed quotation with a short attribution after it stays
   one sentence; an unclosed or unbalanced one never merges sentences.
4. Corrections (ours), each where its evidence is strong: list markers; abbreviations of the
   language before a lowercase word; for English also news titles, dates and clock times,
   boundaries missed before a title, MLA ellipses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from annotator.text import _abbreviations as abbr
from annotator.text import _languages, _quotes
from annotator.text._core import safe_text, split_sentences


class Span(NamedTuple):
    """One sentence: ``text[start:end]`` without surrounding whitespace."""

    start: int
    end: int
    paragraph: int


# A line ending in one of these (before closing quotes and brackets) carries its sentence on to
# the next line (a hard wrap), so the two lines stay one paragraph; anything else (a headline,
# "by", a dateline, a list item) breaks.
_CARRY_ON = frozenset(".!?…,;:؟۔،؛")  # Arabic script: question mark, full stop, comma, semicolon
_CLOSERS = "\"'”’»)]"

_BULLETS = "•⁃▪◦‣∙●○■□►➢✓"
# "1." "1.)" "1)" "(1)" "a." "a)" "(a)" "A)" "(A)"; not "A.", which is usually an initial.
_ENUMERATOR = r"(?:\(?(?:\d{1,3}|[a-z])(?:\.\)|[.)])|\([A-Za-z]\)|[A-Z]\))"
# A line starting like this is a list item, so a new paragraph. "-", "*" and dashes count only
# at the start of a line, where they cannot be ordinary punctuation.
_LINE_ITEM = re.compile(rf"[{_BULLETS}]|[-*–—](?=\s)|{_ENUMERATOR}(?=\s)")
# A paragraph starting like this may hold a whole list on one line ("1. one 2. two").
_ITEM_MARKER = re.compile(rf"[{_BULLETS}]|{_ENUMERATOR}(?=\s)")
_ITEM = re.compile(
    rf"(?P<bullet>[{_BULLETS}])?\s*"
    r"(?:(?P<open>\()?(?P<label>\d{1,3}|[A-Za-z])(?P<close>\.\)|[.)])(?=\s))?"
)

# A piece that is nothing but a list marker or stray punctuation ("1.", "a)", "•") is not a
# sentence: it belongs to the text after it.
_MARKER_ONLY = re.compile(r"[^\w\s]*\s*(?:\d{1,4}|[A-Za-z])?[^\w\s]*")
# The first word of a candidate sentence, after any opening marks.
_FIRST_WORD = re.compile(r"[\"'“‘„«(\[]*([^\W\d_]\w*)")
# The last word before a full stop: "etc", "e.g", "Dr", "agreement".
_LAST_WORD = re.compile(r"(?<![\w.])([^\W\d_][\w]*(?:\.[^\W\d_]+)*)\.\Z")
# MLA style: "compounds. . . . The practice" is a full stop, then an ellipsis that opens the next
# sentence; "period . . . . Next" (space before the first dot) is an ellipsis, then the stop.
_LEADING_ELLIPSIS = re.compile(r"(?<=\w[.!?])\s+\.\s\.\s\.\Z")
_NO_OPENING = frozenset("-‐/,;")
_BRACKET = re.compile(r"[()]")
_DIGITS = frozenset("0123456789")  # a set lookup costs less than str.isdigit per sentence
_CLOSING_ONLY = frozenset("\"'”’»“ .!?…")
_DIALOGUE = re.compile(r"[—–]\s*([^\W\d_]+)")
# French spaces "!" and "?" (and a closing "…") from the sentence they end: "rire... ! C'est".
# A closing bracket opens no sentence either: "¿somos machistas?) Allí" splits after it.
_SPACED_STOPS = frozenset("!?؟)]")
_STOP_RUN = re.compile(r"[!?؟…)\]]+")
# A numbered item after a sentence end, "... fest. 2." before "Soziale ...": ``space`` is the
# space before the number; ``word`` the word that the full stop ends, if any.
_LIST_NUMBER = re.compile(
    r"(?:(?<![\w.])(?P<word>[^\W\d_]+)|[)\]])[.!?][\"'”’»)\]]*(?P<space>\s+)\d{1,3}\.\Z"
)


_new_tuple = tuple.__new__


def segment(text: str, language: str | None = "en") -> list[Span]:
    """Return sentence spans in order; every non-space character lies in exactly one span.

    ``language`` is an ISO 639-1 code ("en", "de", "pt-BR" reads as "pt"); None or an unknown
    code gets sentencex's language-neutral rules and no corrections beyond list markers.
    """
    rules = _languages.rules_for(language)
    plain = safe_text(text)  # what sentencex may read: same length, same offsets
    if rules.english:
        stops = [
            stop for stop in abbr.STOP_BEFORE_TITLE.finditer(text) if _is_real_stop(text, stop)
        ]
    else:
        stops = list(rules.stops.finditer(text)) if rules.stops is not None else []
        if rules.language == "de":
            stops = sorted(stops + _languages.digit_stops(text, rules), key=_start)
    marks = _quotes.mark_positions(text)
    mark, last_mark = 0, len(marks)
    spans: list[Span] = []
    for paragraph, (start, end) in enumerate(_paragraphs(text)):
        while mark < last_mark and marks[mark] < start:
            mark += 1
        quoted = mark < last_mark and marks[mark] < end
        if _ITEM_MARKER.match(text, start, end):
            items = list(_list_items(text, start, end))
        else:
            items = [(start, end)]
        for item_start, item_end in items:
            for sentence_start, sentence_end in _sentences(
                text, plain, item_start, item_end, rules, quoted
            ):
                # tuple.__new__ skips the Python-level Span.__new__: one frame less per sentence
                spans.append(_new_tuple(Span, (sentence_start, sentence_end, paragraph)))
    if not stops:
        return spans
    # "В 2000 г. Москва выросла": a year that opens the sentence does not end it.
    return _split_before_titles(text, spans, stops, 0 if rules.english else 4)


def _start(match: re.Match[str]) -> int:
    return match.start()


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each stripped, non-empty paragraph."""
    block_start = block_end = -1
    previous = ""
    position = 0
    for line in text.splitlines(keepends=True):
        line_start = position
        position += len(line)
        content = line.strip()
        if not content:
            if block_start >= 0:
                yield block_start, block_end
                block_start = -1
            continue
        start = line_start + len(line) - len(line.lstrip())
        if block_start >= 0 and (
            previous.rstrip(_CLOSERS)[-1:] not in _CARRY_ON
            or _LINE_ITEM.match(content)
            or (previous[-1] == ":" and content.isupper())  # "Señores:" / "EMBAJADA DE ..."
        ):
            yield block_start, block_end
            block_start = -1
        if block_start < 0:
            block_start = start
        block_end = start + len(content)
        previous = content
    if block_start >= 0:
        yield block_start, block_end


def _list_items(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split a paragraph that opens with a list marker at each later marker of the same list."""
    item = _ITEM.match(text, start, end)
    bullet, label = item["bullet"], item["label"]
    if label is not None and label.isupper() and item["close"] != ")":
        label = None  # "A. Smith" opens with an initial, not a list
    while True:
        if label is not None:
            label = _next_label(label)
        if bullet is None and label is None:
            break
        marker = "" if label is None else (item["open"] or "") + label + item["close"]
        pattern = rf"\s{re.escape(bullet)}\s*" if bullet else r"\s"
        pattern += rf"{re.escape(marker)}(?=\s)" if marker else ""
        found = re.compile(pattern).search(text, start + 1, end)
        if found is None:
            break
        cut = found.start() + 1
        yield start, _rstrip(text, start, cut)
        start = cut
    yield start, end


def _next_label(label: str) -> str | None:
    """Return the label after ``label`` in its sequence ("9" -> "10", "a" -> "b")."""
    if label.isdigit():
        return str(int(label) + 1)
    if label in "zZ":
        return None
    return chr(ord(label) + 1)


def _sentences(
    text: str, plain: str, start: int, end: int, rules: _languages.Rules, quoted: bool
) -> list[tuple[int, int]]:
    """Return stripped sentence bounds within text[start:end], quotations and corrections applied.

    ``quoted`` tells whether the paragraph holds a quotation mark: only then is the slower
    quotation layer run.
    """
    chunk = _quotes.neutral(plain[start:end]) if quoted else plain[start:end]
    # str.count parses its arguments the slow way: test for a bracket first (most have none).
    if ("(" in chunk or ")" in chunk) and chunk.count("(") != chunk.count(")"):
        chunk = _unpaired_brackets_neutral(chunk)  # pairs that all close need nothing
    pieces = split_sentences(chunk, rules.sentencex)
    if quoted:
        pieces = _quotes.hide_boundaries(text, _quotes.sentence_bounds(text, pieces, start), end)
    sentences: list[tuple[int, int]] = []
    position = start
    for piece in pieces:
        if quoted:
            piece_start, piece_end = piece
        else:  # one loop for the usual case: strip the piece here
            piece_start = position
            position += len(piece)
            content = piece.strip()
            if not content:
                continue
            piece_start += len(piece) - len(piece.lstrip())
            piece_end = piece_start + len(content)
        if sentences:
            previous_start, previous_end = sentences[-1]
            if text[piece_start] in _SPACED_STOPS:
                # "rire... ! C'est": a stop spaced French-style belongs to the sentence before.
                # (So does a closing bracket: "¿somos machistas?) Allí".)
                run = _STOP_RUN.match(text, piece_start, piece_end).end()
                sentences[-1] = (previous_start, run)
                piece_start = run
                while piece_start < piece_end and text[piece_start].isspace():
                    piece_start += 1
                if piece_start >= piece_end:
                    continue
                previous_end = run
            if _continues(text, previous_start, previous_end, piece_start, piece_end, rules):
                sentences[-1] = (previous_start, piece_end)
                continue
            if text[previous_end - 2] in _DIGITS and text[previous_end - 1] == ".":
                # "... fest. 2. Soziale Bewegungen": the number opens the next sentence.
                number = _LIST_NUMBER.search(
                    text, max(previous_start, previous_end - 40), previous_end
                )
                word = number and number["word"]
                if number is not None and not (word and rules.is_abbreviation(word)):
                    sentences[-1] = (previous_start, number.start("space"))
                    piece_start = number.end("space")
            if rules.english and text[previous_end - 1] == ".":
                window = max(previous_start, previous_end - 12)
                ellipsis = _LEADING_ELLIPSIS.search(text, window, previous_end)
                if ellipsis is not None:
                    sentences[-1] = (previous_start, ellipsis.start())
                    piece_start = previous_end - 5  # the ". . ." opens this sentence
        sentences.append((piece_start, piece_end))
    if len(sentences) > 1:
        last_start, last_end = sentences[-1]
        if last_end - last_start <= 4 and _CLOSING_ONLY.issuperset(text[last_start:last_end]):
            # A paragraph's last piece of nothing but closing marks ('savoir. "') belongs to
            # the sentence before (emoticons and "[...]" stay apart, as the treebanks have them).
            sentences[-2:] = [(sentences[-2][0], last_end)]
    return sentences


def _unpaired_brackets_neutral(chunk: str) -> str:
    """Return ``chunk`` with each bracket that pairs with none replaced, one character for one.

    sentencex hides every boundary after an opening bracket until one closes, so an unclosed one
    ("(l'aspirateur n'avait pas été passé. La carte ...") swallowed the rest of the paragraph;
    and it pairs a closing bracket with the next one ("1948) -- один ... 286) --", "1) The first
    point. That is clear. 2) The second"), hiding every boundary between them.
    """
    unpaired: list[int] = []
    opened: list[int] = []
    for bracket in _BRACKET.finditer(chunk):
        if bracket[0] == "(":
            opened.append(bracket.start())
        elif opened:
            opened.pop()
        else:
            unpaired.append(bracket.start())
    unpaired += opened
    parts = []
    position = 0
    for index in sorted(unpaired):
        parts += (chunk[position:index], "\u00b6")
        position = index + 1
    parts.append(chunk[position:])
    return "".join(parts)


def _is_real_stop(text: str, stop: re.Match[str]) -> bool:
    """Tell whether the full stop before a title ends a word that is not an abbreviation."""
    word = abbr.LAST_WORD.search(text, max(0, stop.start() - 20), stop.start())
    return word is not None and word[0].lower() not in abbr.KNOWN


def _split_before_titles(
    text: str, spans: list[Span], stops: list[re.Match[str]], min_words: int
) -> list[Span]:
    """Split the spans that hold a boundary sentencex missed (before a title, after a year).

    A cut is made only when at least ``min_words`` words precede it in its sentence.
    """
    result: list[Span] = []
    cuts = iter(stops)
    cut = next(cuts, None)
    for span in spans:
        start = span.start
        while cut is not None and cut.start(1) < span.end:
            if cut.start(1) > start and (
                not min_words or len(text[start : cut.start(1)].split()) >= min_words
            ):
                result.append(Span(start, cut.start(1), span.paragraph))
                start = cut.end(1)
            cut = next(cuts, None)
        result.append(Span(start, span.end, span.paragraph))
    return result


def _continues(
    text: str,
    previous_start: int,
    previous_end: int,
    start: int,
    end: int,
    rules: _languages.Rules,
) -> bool:
    """Tell whether the candidate at start:end belongs to the sentence before it."""
    opening = text[start]
    if opening in _NO_OPENING and (
        opening in ",;"
        or start == previous_end
        or (opening == "/" and text[start + 1 : start + 2].isspace())
    ):
        # "av. J.-C.", "7,63 hab. / km²"; but "- Beato chi" and "/r/news removed it" may start one
        return True
    if opening in "—–" and text[previous_end - 1] in "?!…":
        said = _DIALOGUE.match(text, start, end)  # "«…відносності? — запитаєте ви."
        if said is not None and said[1].islower():
            return True
    if previous_end - previous_start <= 8 and _MARKER_ONLY.fullmatch(
        text, previous_start, previous_end
    ):
        return True
    if text[previous_end - 1] != ".":
        return False
    if not (opening.isupper() or opening.isdigit()):  # the usual case needs no regex
        first = _FIRST_WORD.match(text, start, end)
        if first is not None and first[1].islower():
            # A lowercase word continues only after an abbreviation ("etc. and", "z. B. ist")
            # or when it cannot open a sentence ("the main agreement. of strategic ..."):
            # informal writers start sentences in lowercase too.
            if first[1] in rules.never_first:
                return True
            last = _LAST_WORD.search(text, max(previous_start, previous_end - 16), previous_end)
            return last is not None and rules.is_abbreviation(last[1])
    if not rules.english:
        return _languages.continues(text, previous_start, previous_end, start, end, rules)
    # A word longer than any abbreviation ends the sentence: no regex needed for it either.
    run = previous_end - 2 - abbr.LONGEST
    if run >= previous_start and text[run : previous_end - 1].isalpha():
        return False
    ending = abbr.NOT_FINAL.search(text, max(previous_start, previous_end - 12), previous_end)
    if ending is None:
        return False
    if ending["number"]:
        return abbr.DIGIT_START.match(text, start, end) is not None
    if ending["clock"]:
        return abbr.CLOCK_FOLLOWER.match(text, start, end) is not None
    if ending["title"]:
        # "I saw the Dr. He was kind": a pronoun or article after a title starts a sentence.
        first = _FIRST_WORD.match(text, start, end)
        return first is None or first[1] not in abbr.SENTENCE_STARTS
    return True


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
