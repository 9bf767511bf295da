"""Markdown: converted to plain text that keeps paragraphs and lists; the markup itself is not stored.

The title is the front matter's `title:`, else the first heading, else the first line. Simple front
matter (`---` then `key: value` lines) may also give url, outlet, author, date, language, external_id.
"""

from __future__ import annotations

import re
from typing import Any

from annotator.importers import ArticleFields, Format, decode

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


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    fields: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        name = _FRONT_KEYS.get(key.strip().lower())
        value = value.strip().strip("\"'").strip()
        if sep and name and value:
            fields[name] = value
    return fields, text[match.end() :]


def _inline(token: Any) -> str:
    """Words of an inline token: emphasis, links and images reduced to their text."""
    parts: list[str] = []
    for child in token.children or ():
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        # images, html_inline, link_open/close, em/strong markers: dropped
    return re.sub(r"[ \t]+", " ", "".join(parts)).strip()


def markdown_to_text(source: str) -> tuple[str, str]:
    """(plain text, first heading) of a Markdown document."""
    from markdown_it import MarkdownIt

    from annotator.importers.html_format import html_to_text

    tokens = MarkdownIt("commonmark").parse(source)
    blocks: list[str] = []
    heading = ""
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
                blocks.append(words)
        elif kind in ("fence", "code_block"):
            code = token.content.strip("\n")
            if code.strip():
                (blocks if items is None else items).append(code)
        elif kind == "html_block":
            words = html_to_text(token.content)
            if words:
                (blocks if items is None else items).append(words)
    return "\n\n".join(blocks), heading


def parse(data: bytes, filename: str) -> list[ArticleFields]:
    """One article per file."""
    source = decode(data, filename)
    fields, body = _front_matter(source)
    text, heading = markdown_to_text(body)
    title = (
        fields.pop("title", "")
        or heading
        or next((line.strip() for line in text.splitlines() if line.strip()), "")
    )
    return [{"title": title[:500].strip(), "text": text, **fields}]


FORMAT = Format("md", ("md", "markdown"), parse)
