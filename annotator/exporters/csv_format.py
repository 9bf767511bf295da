"""CSV: one row per annotation, fixed column order, RFC 4180, formula-safe cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from annotator import exporters

COLUMNS = (
    "annotation_id",
    "article_id",
    "article_title",
    "article_url",
    "sentence_id",
    "sentence_index",
    "paragraph",
    "sentence_start",
    "sentence_end",
    "sentence_text",
    "span_start",
    "span_end",
    "claim_text",
    "verdict",
    "attributed_to",
    "note",
    "links",
    "link_credibility",
    "link_stance",
    "reviewer",
    "version",
    "created_at",
    "updated_at",
)

# A spreadsheet runs a cell starting with these as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would evaluate with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def row(record: exporters.ExportRecord) -> list[object]:
    """The CSV cells of one annotation, in COLUMNS order."""
    article, sentence, ann = record.article, record.sentence, record.annotation
    span = ann["span"]
    claim = article["text"][span["start"] : span["end"]] if span else sentence["text"]
    links = ann["links"]
    cells = [
        ann["id"],
        article["id"],
        article["title"],
        article["url"] or "",
        sentence["id"],
        sentence["index"],
        sentence["paragraph"],
        sentence["start"],
        sentence["end"],
        sentence["text"],
        span["start"] if span else "",
        span["end"] if span else "",
        claim,
        ann["verdict"],
        ann["attributed_to"],
        ann["note"],
        " | ".join(link["url"] for link in links),
        " | ".join(link["credibility"] for link in links),
        " | ".join(link["stance"] or "" for link in links),
        ann["reviewer"],
        ann["version"],
        ann["created_at"],
        ann["updated_at"],
    ]
    return [neutralise(cell) for cell in cells]


def write(records: Iterable[exporters.ExportRecord]) -> Iterator[str]:
    """Yield the CSV text in chunks: header first, then a row per annotation."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for i, record in enumerate(records, 1):
        writer.writerow(row(record))
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


EXPORTER = exporters.Exporter("csv", "text/csv; charset=utf-8", "csv", write)
