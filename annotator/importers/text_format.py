"""Plain text: the first non-empty line is the title unless one is given."""

from __future__ import annotations

from annotator.importers import ArticleFields, Format, decode


def split_title(text: str) -> tuple[str, str]:
    """(first non-empty line, the text as given). The title line stays in the text as its headline."""
    for line in text.splitlines():
        if line.strip():
            return line.strip(), text
    return "", text


def parse(data: bytes, filename: str) -> list[ArticleFields]:
    """One article per file."""
    text = decode(data, filename)
    title, body = split_title(text)
    return [{"title": title[:500], "text": body}]


FORMAT = Format("txt", ("txt", "text"), parse)
