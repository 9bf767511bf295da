"""CSV: a header row naming the columns (any order), then one article per row.

Columns are the JSON fields (`title`, `text` or `html`, `url`, `outlet`, `author`, `published_at`,
`language`, `external_id`); other columns are ignored. UTF-8, with or without a BOM.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

from annotator.importers import ArticleFields, Draft, Format, ImportFailure, decode
from annotator.importers.json_format import FIELDS
from annotator.importers.limits import check_csv_header

# Longest cell we read. csv's own limit is process-wide; this one is ours, and a longer article
# belongs in a .txt or JSON file.
MAX_FIELD_CHARS = 131_072


def parse(data: bytes, filename: str) -> list[ArticleFields]:
    """One article per row after the header."""
    text = decode(data, filename)
    try:
        dialect = csv.Sniffer().sniff(text[:4096].split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    articles: list[ArticleFields] = []
    line = 1
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            reason = f"malformed CSV: {error}."
            if "field larger than field limit" in str(error):
                reason = f"a field is longer than {MAX_FIELD_CHARS:,} characters; import long articles as .txt or JSON."
            raise ImportFailure(filename, reason, line=line) from None
        if not any(cell.strip() for cell in row):
            continue
        if any(len(cell) > MAX_FIELD_CHARS for cell in row):
            raise ImportFailure(
                filename,
                f"a field is longer than {MAX_FIELD_CHARS:,} characters; import long articles as .txt or JSON.",
                line=line,
            )
        if header is None:
            header = _header(row, filename, line)
            continue
        if len(row) > len(header):
            raise ImportFailure(
                filename,
                f"this row has {len(row)} fields but the header names {len(header)}.",
                line=line,
            )
        values = {
            name: cell
            for name, cell in zip(header, row, strict=False)
            if name in FIELDS or name == "html"
        }
        fields = Draft(
            {name: value for name, value in values.items() if value.strip() and name != "html"},
            line=line,
        )
        if "text" not in fields and values.get("html", "").strip():
            from annotator.importers.html_format import html_to_text

            fields["text"] = html_to_text(values["html"], filename)
        if not fields.get("text", "").strip():
            raise ImportFailure(filename, "this row has no text.", line=line)
        articles.append(fields)
    if header is None:
        raise ImportFailure(filename, "the file is empty.")
    if not articles:
        raise ImportFailure(filename, "the CSV has a header but no rows.")
    return articles


def _header(row: list[str], filename: str, line: int) -> list[str]:
    check_csv_header(row, filename, line)
    names = [cell.strip().lower() for cell in row]
    if "text" not in names and "html" not in names:
        raise ImportFailure(
            filename,
            "the first line must be a header naming the columns, with at least a “text” (or “html”) "
            f"column; known columns: {', '.join(FIELDS)}.",
            line=line,
        )
    repeated = sorted(name for name, count in Counter(names).items() if name and count > 1)
    if repeated:
        raise ImportFailure(
            filename, f"the header names the column “{repeated[0]}” twice.", line=line
        )
    return names


FORMAT = Format("csv", ("csv", "tsv"), parse)
