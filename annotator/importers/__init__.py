"""Import formats. Each module parses bytes into article field dicts; FORMATS lists them.

detect_format() goes by the file's extension, then looks at the content: an HTML page saved as
.txt or .md is refused with a hint (extract it as HTML) rather than stored as markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from annotator.fields import limit

ArticleFields = dict[str, Any]

# The longest title an article may have (services.articles checks every title against it too).
TITLE_LIMIT = limit("article", "title")


class Draft(dict[str, Any]):
    """Article fields, remembering the line of the file they came from (for messages) and, for
    formats that take the title from the text (a first line, a heading), the line it came from."""

    def __init__(
        self,
        fields: dict[str, Any] | None = None,
        *,
        line: int | None = None,
        title_line: int | None = None,
    ) -> None:
        super().__init__(fields or {})
        self.line = line
        self.title_line = title_line


class ImportFailure(Exception):
    """A file could not be read; the message names the file and, where known, the line."""

    def __init__(
        self, filename: str, reason: str, *, line: int | None = None, field: str | None = None
    ) -> None:
        where = f"{filename}, line {line}" if line else filename
        super().__init__(f"{where}: {reason}")
        self.filename = filename
        self.line = line
        self.reason = reason
        self.field = field  # the article field at fault, when one is (a title too long)


@dataclass(frozen=True)
class Format:
    name: str
    extensions: tuple[str, ...]
    parse: Callable[[bytes, str], list[ArticleFields]]


def decode(data: bytes, filename: str) -> str:
    """UTF-8 text (a BOM is dropped); refuse empty, binary and other encodings clearly."""
    if not data.strip() or data.strip() == b"\xef\xbb\xbf":
        raise ImportFailure(filename, "the file is empty.")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise ImportFailure(
                filename, f"this is {kind}, not text; save the article as text, HTML or JSON."
            )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise ImportFailure(filename, "the file is UTF-16; save it as UTF-8 and import it again.")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ImportFailure(
            filename, "the file contains NUL bytes; it looks binary, not text.", line=line
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFailure(
            filename,
            "the file is not valid UTF-8; save it as UTF-8 and import it again.",
            line=line,
        ) from None
    return text.removeprefix("\ufeff")


_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenOffice document)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
)


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: most odd (or even) bytes of the start are NUL."""
    head = data[:400]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return odd.count(0) > 0.8 * len(odd) or even.count(0) > 0.8 * len(even)


_HTML_DOCUMENT = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
_HTML_DANGER = re.compile(
    r"<(?:script|style|iframe|object|embed)[\s>/]|<[a-z][^<>]*\son[a-z]+\s*=", re.IGNORECASE
)
_HTML_TAGS = re.compile(
    r"</?(?:p|div|span|a|br|li|ul|ol|h[1-6]|table|tr|td|img|meta|link)\b[^<>]*>", re.IGNORECASE
)


def html_line(text: str, *, pages_only: bool = False) -> int | None:
    """The line where a text shows itself to be HTML markup (a page, scripts, handlers), or None."""
    head = text[:200_000]
    match = _HTML_DOCUMENT.search(head[:5000])
    if match is None and not pages_only:
        match = _HTML_DANGER.search(head)
    if match is None and not pages_only:
        tags = list(_HTML_TAGS.finditer(head))
        if len(tags) >= 5:
            match = tags[0]
    if match is None:
        return None
    return head[: match.start()].count("\n") + 1


def refuse_html(text: str, filename: str, *, pages_only: bool = False) -> None:
    """Plain text (or Markdown: whole pages only) that is really HTML is refused, saying what to do."""
    line = html_line(text, pages_only=pages_only)
    if line is not None:
        raise ImportFailure(
            filename,
            "this looks like HTML, not plain text; save it as .html (or choose the HTML format) "
            "so that its article text is extracted and its markup and scripts dropped.",
            line=line,
        )


def printable(name: str) -> str:
    """A name with control characters (terminal escapes, new lines) shown as U+FFFD."""
    return "".join(ch if unicodedata.category(ch)[0] != "C" else "\ufffd" for ch in name)


def display_name(filename: str | None, fallback: str = "upload") -> str:
    """A file name safe to show: no folders, no control characters, at most 120 characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = printable(name).strip(" .")
    if len(name) > 120:
        name = name[:80] + "…" + name[-39:]
    return name or fallback


def _registry() -> dict[str, Format]:
    from annotator.importers import (
        csv_format,
        html_format,
        json_format,
        markdown_format,
        text_format,
    )

    formats = (
        text_format.FORMAT,
        markdown_format.FORMAT,
        html_format.FORMAT,
        json_format.FORMAT,
        json_format.JSONL_FORMAT,
        csv_format.FORMAT,
    )
    return {fmt.name: fmt for fmt in formats}


FORMATS: dict[str, Format] = _registry()


def detect_format(filename: str) -> Format:
    """The format for a file name's extension, or ImportFailure naming the file."""
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    for fmt in FORMATS.values():
        if suffix in fmt.extensions:
            return fmt
    known = ", ".join(f".{ext}" for fmt in FORMATS.values() for ext in fmt.extensions)
    raise ImportFailure(filename, f"unknown file type; use one of {known}.")


def title_too_long(title: str, hint: str = "") -> str | None:
    """The reason a title is refused for its length (worded as the article service words it)."""
    length = len(title.strip())
    if length <= TITLE_LIMIT:
        return None
    reason = f"title: Title is {length:,} characters long; the limit is {TITLE_LIMIT:,}."
    return f"{reason} {hint}" if hint else reason


def parse_file(
    data: bytes, filename: str, format_name: str = "auto", *, title: str = ""
) -> list[ArticleFields]:
    """Parse one file's bytes into article field dicts.

    ``title``, when given (the import page's title field), replaces the title a plain text or
    Markdown file would give itself; otherwise a title taken from the text that is too long refuses
    the file, naming the line it stands on."""
    if format_name == "auto":
        fmt = detect_format(filename)
        if fmt.name in ("txt", "md"):
            refuse_html(decode(data, filename), filename, pages_only=fmt.name == "md")
    elif format_name in FORMATS:
        fmt = FORMATS[format_name]
    else:
        raise ImportFailure(
            filename, f"unknown format {format_name!r}; use one of {', '.join(FORMATS)}."
        )
    drafts = fmt.parse(data, filename)
    for draft in drafts:
        if not isinstance(draft, Draft) or draft.title_line is None:
            continue
        if title.strip():
            draft["title"] = title.strip()
            continue
        reason = title_too_long(draft.get("title", ""), _TITLE_HINTS.get(fmt.name, ""))
        if reason:
            raise ImportFailure(filename, reason, line=draft.title_line, field="title")
    return drafts


_TITLE_HINTS = {
    "txt": "The first line of a text file is its title: start the file with a headline.",
    "md": "A Markdown file's title is its front matter title:, else its first heading, else its "
    "first line.",
}
