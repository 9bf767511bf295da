"""Hard limits every importer checks before its parser runs, in one linear pass each.

Third-party parsers are not all linear on hostile input: html5lib (inside bleach) walks the stack
of open elements for each start tag, so ``<div>`` x 20,000 took minutes; markdown-it scans ahead for
each ``[``; a header with tens of thousands of columns made the duplicate check quadratic. The
limits sit far above real articles (a long news page has a few thousand elements, nested a few
dozen deep) and keep the worst case of each format under a second. Refusals name the file.
"""

from __future__ import annotations

import re

from annotator.importers import ImportFailure

MAX_JSON_DEPTH = 64
MAX_HTML_DEPTH = 100
MAX_HTML_ELEMENTS = 30_000
MAX_CSV_COLUMNS = 200
MAX_MARKDOWN_MARKUP = 5_000  # link brackets, emphasis and code marks in one file
MAX_MARKDOWN_CHARS = 600_000  # markdown-it reads ~1 µs a character; an article is <= 500,000
MAX_LINE_CHARS = 1_000_000  # one line of a text or Markdown file (an article is at most 500,000)

# A JSON string (closing quote optional, so an unterminated one is consumed once) or a bracket.
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*+"?|[\[\]{}]')
# A comment's start, or a start or end tag's name (doctypes and the like are not elements).
_TAG = re.compile(r"<!--|<(/?)([A-Za-z][A-Za-z0-9:-]{0,40})[^<>]*?(/?)>")
_RAW_TEXT = frozenset({"script", "style", "textarea", "title"})  # their content holds no tags
# Elements without an end tag, or whose end tag HTML lets the parser imply: they never deepen
# the tree by themselves, so they are not counted in the nesting depth.
_NO_DEPTH = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
        "optgroup",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "caption",
        "rb",
        "rt",
        "rp",
        "html",
        "head",
        "body",
    ]
)
_MARKUP = re.compile(r"[\[*_`]")


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a JSON text nests deeper than limit: one linear pass, no recursion."""
    if text.count("[") + text.count("{") <= limit:
        return False  # fewer openers than the limit (inside strings or not): cannot nest deeper
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                return True
        elif token in ("]", "}"):
            depth -= 1
    return False


def check_json(text: str, filename: str, line: int | None = None) -> None:
    if json_depth_exceeds(text):
        raise ImportFailure(
            filename, f"JSON nested too deeply (more than {MAX_JSON_DEPTH} levels).", line=line
        )


def check_html(html: str, filename: str) -> None:
    """Refuse HTML with more elements, or open elements nested deeper, than a page has."""
    lowered = html.lower()
    elements = depth = position = 0
    while True:
        match = _TAG.search(html, position)
        if match is None:
            return
        position = match.end()
        if match.group() == "<!--":  # skip the comment (the scan only moves forward: linear)
            end = html.find("-->", position)
            position = len(html) if end < 0 else end + 3
            continue
        closing, name, self_closing = match.groups()
        name = name.lower()
        if closing:
            if name not in _NO_DEPTH and depth:
                depth -= 1
            continue
        elements += 1
        if elements > MAX_HTML_ELEMENTS:
            raise ImportFailure(
                filename,
                f"the HTML has more than {MAX_HTML_ELEMENTS:,} elements; it is not an article page.",
            )
        if name in _RAW_TEXT:  # a script's "a<b" is not a tag
            end = lowered.find(f"</{name}", position)
            position = len(html) if end < 0 else end
            continue
        if name not in _NO_DEPTH and not self_closing:
            depth += 1
            if depth > MAX_HTML_DEPTH:
                raise ImportFailure(
                    filename,
                    f"the HTML nests elements more than {MAX_HTML_DEPTH} deep (unclosed tags?).",
                    line=html.count("\n", 0, match.start()) + 1,
                )


def check_csv_header(row: list[str], filename: str, line: int) -> None:
    if len(row) > MAX_CSV_COLUMNS:
        raise ImportFailure(
            filename,
            f"the header has {len(row):,} columns; at most {MAX_CSV_COLUMNS} are read.",
            line=line,
        )


def check_markdown(text: str, filename: str) -> None:
    """Refuse Markdown with more markup than an article carries, or a line longer than one."""
    if len(text) > MAX_MARKDOWN_CHARS:
        raise ImportFailure(
            filename,
            f"the Markdown file is {len(text):,} characters long; the limit is "
            f"{MAX_MARKDOWN_CHARS:,} (an article's text is at most 500,000).",
        )
    for count, _ in enumerate(_MARKUP.finditer(text), 1):
        if count > MAX_MARKDOWN_MARKUP:
            raise ImportFailure(
                filename,
                f"the Markdown has more than {MAX_MARKDOWN_MARKUP:,} link, emphasis and code marks "
                "([ * _ `); import it as plain text.",
            )
    check_lines(text, filename)


def check_lines(text: str, filename: str) -> None:
    start = 0
    number = 1
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if end - start > MAX_LINE_CHARS:
            raise ImportFailure(
                filename,
                f"a line is {end - start:,} characters long; the limit is {MAX_LINE_CHARS:,}.",
                line=number,
            )
        start = end + 1
        number += 1
