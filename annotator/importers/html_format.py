"""Saved web pages: trafilatura finds the article's main text and metadata; we keep plain text only.

Nothing here touches the network: trafilatura and htmldate read the given bytes and nothing else.
No HTML is stored: scripts, styles, event handlers and links are gone once the page is text, and
the templates escape what is shown. HTML fragments outside a page (the `html` field of JSON and CSV
imports, HTML blocks in Markdown) are passed through annotator.text.sanitize before their words are
taken (html_to_text).
"""

from __future__ import annotations

import re
from typing import Any

from annotator.importers import TITLE_LIMIT, ArticleFields, Format, ImportFailure, decode
from annotator.importers.limits import check_html
from annotator.text.sanitize import DROPPED_TAGS, text_html

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
# Block elements of trafilatura's output tree (and of plain HTML, for fragments).
_BLOCKS = frozenset(
    {
        "p",
        "head",
        "quote",
        "code",
        "pre",
        "div",
        "section",
        "article",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "row",
        "tr",
        "figure",
        "main",
        "body",
    }
)
_LISTS = frozenset({"list", "ul", "ol"})
_ITEMS = frozenset({"item", "li"})
_BREAKS = frozenset({"lb", "br"})
# What carries no article text: what the sanitiser drops, plus page furniture.
_SKIP = DROPPED_TAGS | {"head_meta", "nav", "aside", "footer", "form", "button"}
FIELD_LIMITS = {"title": TITLE_LIMIT, "author": 200, "outlet": 200, "language": 16}


def _decode_page(data: bytes, filename: str) -> str:
    """UTF-8, or the charset the page declares in a <meta> tag (saved pages often use one)."""
    try:
        return decode(data, filename)
    except ImportFailure as failure:
        declared = _META_CHARSET.search(data[:4096])
        if not declared or "UTF-8" not in failure.reason:
            raise
        try:
            return data.decode(declared.group(1).decode("ascii")).removeprefix("\ufeff")
        except (LookupError, UnicodeDecodeError):
            raise failure from None


def _text_of(element: Any) -> str:
    """An element's words on one line, with <br>/<lb> kept as line breaks."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _SKIP:
            if node.tail:
                parts.append(node.tail)
            return
        if tag in _BREAKS:
            parts.append("\n")
        elif node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if node is not element and node.tail:
            parts.append(node.tail)

    walk(element)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def tree_to_text(root: Any) -> str:
    """Blocks become paragraphs (blank line between), list items lines starting '- ' or 'N. '."""
    blocks: list[str] = []

    def walk(node: Any, depth: int = 0) -> None:
        for child in node:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag in _SKIP or not tag:  # a script, a menu or a comment: only the words after it
                tail = _SPACES.sub(" ", child.tail or "").strip()
                if tail:
                    blocks.append(tail)
                continue
            if tag in _LISTS:
                ordered = tag == "ol" or child.get("rend") == "ol"
                items = []
                for number, item in enumerate(
                    (c for c in child if isinstance(c.tag, str) and c.tag.lower() in _ITEMS), 1
                ):
                    words = _text_of(item).replace("\n", " ")
                    if words:
                        items.append(("  " * depth) + (f"{number}. " if ordered else "- ") + words)
                if items:
                    blocks.append("\n".join(items))
            elif tag in _BLOCKS and any(
                isinstance(c.tag, str) and c.tag.lower() in _BLOCKS | _LISTS for c in child
            ):
                lead = _SPACES.sub(" ", child.text or "").strip()
                if lead:
                    blocks.append(lead)
                walk(child, depth)
            else:
                words = _text_of(child)
                if words:
                    blocks.append(words)
            tail = _SPACES.sub(" ", child.tail or "").strip()
            if tail and tag in _BLOCKS | _LISTS:
                blocks.append(tail)

    lead = _SPACES.sub(" ", root.text or "").strip()
    if lead:
        blocks.append(lead)
    walk(root)
    return "\n\n".join(blocks)


def html_to_text(fragment: str, filename: str = "the HTML") -> str:
    """Plain text of an HTML fragment (a JSON or CSV `html` field, a Markdown HTML block).

    The fragment goes through the sanitiser first (scripts, styles and embedded objects dropped
    with their content, every attribute dropped), and the words are taken from what it returns."""
    import lxml.html
    from lxml import etree

    check_html(fragment, filename)  # the sanitiser's parser is quadratic in nesting depth
    safe = text_html(fragment) if fragment.strip() else ""
    if not safe.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(safe, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    return tree_to_text(root)


def _clean(value: Any, name: str) -> str | None:
    if not isinstance(value, str):
        return None
    value = _SPACES.sub(" ", value).strip()
    return value[: FIELD_LIMITS[name]].strip() or None if name in FIELD_LIMITS else value or None


def _language(page: str) -> str | None:
    match = re.search(
        r"<html\b[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})?)", page[:5000], re.I
    )
    return match.group(1) if match else None


def extract(page: str, filename: str) -> ArticleFields:
    """The main text and metadata of a whole web page."""
    check_html(page, filename)
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            page,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            favor_precision=True,
        )
    except (
        ValueError,
        TypeError,
        RecursionError,
    ) as error:  # malformed markup trafilatura gives up on
        raise ImportFailure(filename, f"the page could not be read as HTML ({error}).") from None
    text = tree_to_text(document.body) if document is not None and document.body is not None else ""
    if not text.strip():
        raise ImportFailure(filename, "no article text was found in this page.")
    url = (
        document.url
        if isinstance(document.url, str) and re.match(r"https?://[^/\s]", document.url)
        else None
    )
    fields: dict[str, Any] = {
        "title": _clean(document.title, "title"),
        "text": text,
        "url": url,
        "outlet": _clean(document.sitename, "outlet"),
        "author": _clean(document.author, "author"),
        "published_at": _clean(document.date, "published_at"),
        "language": _clean(_language(page), "language"),
    }
    if not fields["title"]:
        fields["title"] = text.split("\n", 1)[0][:500].strip()
    return {name: value for name, value in fields.items() if value}


def parse(data: bytes, filename: str) -> list[ArticleFields]:
    """One article per page."""
    return [extract(_decode_page(data, filename), filename)]


FORMAT = Format("html", ("html", "htm", "xhtml"), parse)
