"""Markdown: converted to plain text that keeps paragraphs and lists; the markup itself is not stored.

The title is the front matter's `title:`, else the first heading, else the first line. Simple front
matter (`---` then `key: value` lines) may also give url, outlet, author, date, language, external_id.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from annotator.importers import ArticleFields, Draft, Format, decode
from annotator.importers.limits import check_html, check_markdown
from annotator.importers.text_format import first_line

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_FRONT_KEYS = {
    "title": "title",
    "url": "url",
    "link": "url",
    "canonical_url": "url",
    "outlet": "outlet",
    "source": "outlet",
    "author": "author",
    "date": "published_at",
    "published": "published_at",
    "published_at": "published_at",
    "language": "language",
    "lang": "language",
    "id": "external_id",
    "external_id": "external_id",
}


def _front_matter(text: str) -> tuple[dict[str, str], dict[str, int], str]:
    """(fields, the line each field stands on, the rest of the document)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, {}, text
    fields: dict[str, str] = {}
    lines: dict[str, int] = {}
    for number, line in enumerate(match.group(1).split("\n"), 2):  # line 1 is the opening ---
        key, sep, value = line.partition(":")
        name = _FRONT_KEYS.get(key.strip().lower())
        value = value.strip().strip("\"'").strip()
        if sep and name and value:
            fields[name], lines[name] = value, number
    return fields, lines, text[match.end() :]


def _inline(token: Any) -> str:
    """Words of an inline token: emphasis, links and images reduced to their text.

    Inline HTML is not simply skipped: the words between `<script>` and `</script>` are text tokens
    of their own, so a line holding HTML is rebuilt as HTML and reduced to its words by the
    sanitiser, like an HTML block."""
    children = token.children or ()
    has_html = any(child.type == "html_inline" for child in children)
    parts: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(html.escape(child.content) if has_html else child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("<br>" if has_html else "\n")
        elif kind == "html_inline":
            parts.append(child.content)
        # images, link_open/close, em/strong markers: dropped
    words = "".join(parts)
    if has_html:
        from annotator.importers.html_format import html_to_text

        words = html_to_text(words).replace("\n\n", " ")
    return re.sub(r"[ \t]+", " ", words).strip()


@dataclass(frozen=True)
class Converted:
    """A Markdown document as plain text, with where its title candidates stand (lines from 1)."""

    text: str
    heading: str
    heading_line: int | None
    first_line: int | None  # of the first block with words


def markdown_to_text(source: str) -> Converted:
    """The plain text and first heading of a Markdown document."""
    from markdown_it import MarkdownIt

    from annotator.importers.html_format import html_to_text

    tokens = MarkdownIt("commonmark").parse(source)
    blocks: list[str] = []
    heading = ""
    heading_line = first_line = None
    lists: list[list[Any]] = []  # stack of [ordered, next number]
    items: list[str] | None = None  # lines of the outermost list being built
    pending_item = False
    for index, token in enumerate(tokens):
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 0
            lists.append([kind == "ordered_list_open", start])
            if items is None:
                items = []
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists and items is not None:
                if items:
                    blocks.append("\n".join(items))
                items = None
        elif kind == "list_item_open":
            pending_item = True
        elif kind == "inline":
            words = _inline(token)
            if not words:
                continue
            if first_line is None and token.map:
                first_line = token.map[0] + 1
            if items is not None:
                ordered, number = lists[-1]
                indent = "  " * (len(lists) - 1)
                if pending_item:
                    marker = f"{number}. " if ordered else "- "
                    lists[-1][1] += 1
                    items.append(indent + marker + words.replace("\n", " "))
                    pending_item = False
                else:  # a second paragraph inside the same item
                    items.append(indent + "  " + words.replace("\n", " "))
            else:
                if tokens[index - 1].type == "heading_open" and not heading:
                    heading = words
                    heading_line = token.map[0] + 1 if token.map else None
                blocks.append(words)
        elif kind in ("fence", "code_block"):
            code = token.content.strip("\n")
            if code.strip():
                (blocks if items is None else items).append(code)
        elif kind == "html_block":
            words = html_to_text(token.content)
            if words:
                (blocks if items is None else items).append(words)
    return Converted("\n\n".join(blocks), heading, heading_line, first_line)


def parse(data: bytes, filename: str) -> list[ArticleFields]:
    """One article per file (parse_file refuses a title too long, naming its line)."""
    source = decode(data, filename)
    check_markdown(source, filename)
    check_html(source, filename)  # its HTML blocks go through the sanitiser
    fields, lines, body = _front_matter(source)
    offset = source[: len(source) - len(body)].count("\n")  # lines the front matter took
    converted = markdown_to_text(body)
    if "title" in fields:
        title, line = fields.pop("title"), lines["title"]
    elif converted.heading:
        title, line = converted.heading, offset + (converted.heading_line or 1)
    else:
        title = first_line(converted.text)[1]
        line = offset + (converted.first_line or 1)
    return [Draft({"title": title.strip(), "text": converted.text, **fields}, title_line=line)]


FORMAT = Format("md", ("md", "markdown"), parse)
