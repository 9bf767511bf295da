"""Plain text: the first non-empty line is the title unless one is given."""

from __future__ import annotations

from annotator.importers import ArticleFields, Draft, Format, decode
from annotator.importers.limits import check_lines


def first_line(text: str) -> tuple[int, str]:
    """(line number from 1, words) of the first non-empty line; (1, "") when there is none."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            return number, line.strip()
    return 1, ""


def parse(data: bytes, filename: str) -> list[ArticleFields]:
    """One article per file (parse_file refuses a first line too long to be its title)."""
    text = decode(data, filename)
    check_lines(text, filename)
    line, title = first_line(text)
    return [Draft({"title": title, "text": text}, title_line=line)]


FORMAT = Format("txt", ("txt", "text"), parse)
