"""Import formats. Each module parses bytes into article field dicts; FORMATS lists them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

ArticleFields = dict[str, Any]


class ImportFailure(Exception):
    """A file could not be read; the message names the file and, where known, the line."""

    def __init__(self, filename: str, reason: str, *, line: int | None = None) -> None:
        where = f"{filename}, line {line}" if line else filename
        super().__init__(f"{where}: {reason}")
        self.filename = filename
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Format:
    name: str
    extensions: tuple[str, ...]
    parse: Callable[[bytes, str], list[ArticleFields]]


def decode(data: bytes, filename: str) -> str:
    """UTF-8 text (a BOM is dropped); refuse empty, binary and other encodings clearly."""
    if not data.strip():
        raise ImportFailure(filename, "the file is empty.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailure(filename, "the file is UTF-16; save it as UTF-8 and import it again.")
    if b"\x00" in data:
        raise ImportFailure(filename, "the file contains NUL bytes; it looks binary, not text.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFailure(
            filename, "the file is not valid UTF-8; save it as UTF-8 and import it again.", line=line
        ) from None
    return text.removeprefix("\ufeff")


def _registry() -> dict[str, Format]:
    from annotator.importers import json_format, text_format

    return {fmt.name: fmt for fmt in (text_format.FORMAT, json_format.FORMAT, json_format.JSONL_FORMAT)}


FORMATS: dict[str, Format] = _registry()


def detect_format(filename: str) -> Format:
    """The format for a file name's extension, or ImportFailure naming the file."""
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    for fmt in FORMATS.values():
        if suffix in fmt.extensions:
            return fmt
    known = ", ".join(f".{ext}" for fmt in FORMATS.values() for ext in fmt.extensions)
    raise ImportFailure(filename, f"unknown file type; use one of {known}.")


def parse_file(data: bytes, filename: str, format_name: str = "auto") -> list[ArticleFields]:
    """Parse one file's bytes into article field dicts."""
    if format_name == "auto":
        fmt = detect_format(filename)
    elif format_name in FORMATS:
        fmt = FORMATS[format_name]
    else:
        raise ImportFailure(filename, f"unknown format {format_name!r}; use one of {', '.join(FORMATS)}.")
    return fmt.parse(data, filename)
