"""The only module that imports bleach (end of life): swap it here if it ever must go."""

from __future__ import annotations

import bleach

ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "i", "b", "ul", "ol", "li", "blockquote", "a", "q"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https"})


def clean_html(html: str) -> str:
    """HTML safe to show: scripts, styles, event handlers and javascript: links removed."""
    return bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


def strip_tags(html: str) -> str:
    """Text only: every tag removed (entities stay escaped for HTML output)."""
    return bleach.clean(html, tags=set(), attributes={}, strip=True, strip_comments=True)
