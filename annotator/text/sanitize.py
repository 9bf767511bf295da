"""The only module that imports bleach (end of life): swap it here if it ever must go.

bleach removes disallowed tags but keeps their content, so the words of a <script> or <style> would
survive as text; _DropContent takes out those elements whole before anything is serialised.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import bleach
from bleach.html5lib_shim import Filter

ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "i", "b", "ul", "ol", "li", "blockquote", "a", "q"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https"})

# Elements holding code, embedded media or form values rather than article text: removed with
# everything inside them.
DROPPED_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "canvas",
        "audio",
        "video",
        "title",
        "textarea",
        "select",
    }
)
# The tags that shape text (blocks, lists, line breaks), kept without any attribute for
# text_html(); the importers' text extraction also skips the clutter among them (nav, aside, footer).
TEXT_TAGS = frozenset(
    {
        "p",
        "br",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "nav",
        "aside",
        "form",
        "button",
        "figure",
        "figcaption",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "hr",
    }
)


class _DropContent(Filter):
    """Leave out the dropped elements and everything between their start and end tags."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        depth = 0
        for token in super().__iter__():
            kind, name = token["type"], token.get("name")
            if name in DROPPED_TAGS and kind in ("StartTag", "EndTag", "EmptyTag"):
                if kind == "StartTag":
                    depth += 1
                elif kind == "EndTag":
                    depth = max(depth - 1, 0)
                continue
            if depth == 0:
                yield token


def _clean(html: str, tags: frozenset[str], attributes: dict[str, list[str]]) -> str:
    # The dropped elements are let through the sanitiser (stripped of attributes) only so that
    # _DropContent sees where they start and end, and removes them with their content. A Cleaner
    # per call: bleach's cleaners are not thread-safe, and the server runs threads.
    cleaner = bleach.Cleaner(
        tags=tags | DROPPED_TAGS,
        attributes=attributes,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[_DropContent],
    )
    return cleaner.clean(html)


def clean_html(html: str) -> str:
    """HTML safe to show: scripts and styles (with their content), event handlers, and links other
    than http(s) removed."""
    return _clean(html, ALLOWED_TAGS, ALLOWED_ATTRIBUTES)


def text_html(html: str) -> str:
    """HTML reduced to the tags that shape text, with no attributes at all: scripts, styles and
    embedded objects gone with their content, event handlers and links (javascript: or not) gone.
    The importers take the words of imported HTML from this, never from the HTML as given."""
    return _clean(html, TEXT_TAGS, {})


def strip_tags(html: str) -> str:
    """Text only: every tag removed, scripts and styles with their content (entities stay escaped
    for HTML output)."""
    return _clean(html, frozenset(), {})
