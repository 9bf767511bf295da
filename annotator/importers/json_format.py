"""JSON (one object or a list of objects) and JSONL (one object per line)."""

from __future__ import annotations

import json
import re
from typing import Any

from annotator.importers import ArticleFields, Draft, Format, ImportFailure, decode
from annotator.importers.limits import check_json

FIELDS = ("title", "text", "url", "outlet", "author", "published_at", "language", "external_id")
_LONG_NUMBER = re.compile(r"\d{4000,}")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON number")


def _loads(text: str, filename: str, line_offset: int = 0) -> Any:
    check_json(text, filename, line_offset + 1 if line_offset else None)
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ImportFailure(
            filename, f"malformed JSON: {error.msg}.", line=line_offset + error.lineno
        ) from None
    except RecursionError:
        raise ImportFailure(
            filename, "JSON nested too deeply.", line=line_offset + 1 if line_offset else None
        ) from None
    except ValueError as error:
        line = line_offset + 1 if line_offset else None
        reason = f"{error}."
        if "digits" in reason:  # Python's int parsing limit (sys.get_int_max_str_digits)
            reason = "a number has thousands of digits; numbers that long are refused."
            long_number = _LONG_NUMBER.search(text)
            if long_number:
                line = line_offset + text[: long_number.start()].count("\n") + 1
        raise ImportFailure(filename, reason, line=line) from None


def article_fields(item: Any, filename: str, line: int | None = None) -> ArticleFields:
    """Pick our fields from one JSON object; refuse anything else clearly."""
    if not isinstance(item, dict):
        raise ImportFailure(
            filename, "each article must be a JSON object with title and text.", line=line
        )
    fields = Draft({name: item[name] for name in FIELDS if item.get(name) is not None}, line=line)
    for name, value in fields.items():
        if not isinstance(value, str):
            raise ImportFailure(filename, f"field {name!r} must be a string.", line=line)
        _refuse_unstorable(value, name, filename, line)
    html = item.get("html")
    if html is not None and not isinstance(html, str):
        raise ImportFailure(filename, "field 'html' must be a string.", line=line)
    if html:
        _refuse_unstorable(html, "html", filename, line)
    if html and not (fields.get("text") or "").strip():
        from annotator.importers.html_format import html_to_text

        fields["text"] = html_to_text(html, filename)
    return fields


def _refuse_unstorable(value: str, name: str, filename: str, line: int | None) -> None:
    """JSON escapes can spell what UTF-8 files cannot: NUL and lone surrogates (\\ud800)."""
    if "\x00" in value:
        raise ImportFailure(filename, f"field {name!r} contains a NUL character.", line=line)
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ImportFailure(
                filename,
                f"field {name!r} contains an invalid Unicode character (a lone surrogate).",
                line=line,
            ) from None


def parse(data: bytes, filename: str) -> list[ArticleFields]:
    """A JSON object, or a list of them."""
    document = _loads(decode(data, filename), filename)
    items = document if isinstance(document, list) else [document]
    if not items:
        raise ImportFailure(filename, "the JSON list is empty.")
    return [article_fields(item, filename) for item in items]


def parse_lines(data: bytes, filename: str) -> list[ArticleFields]:
    """One JSON object per non-empty line."""
    articles = []
    for number, line in enumerate(decode(data, filename).splitlines(), 1):
        if line.strip():
            articles.append(article_fields(_loads(line, filename, number - 1), filename, number))
    return articles


FORMAT = Format("json", ("json",), parse)
JSONL_FORMAT = Format("jsonl", ("jsonl", "ndjson"), parse_lines)
