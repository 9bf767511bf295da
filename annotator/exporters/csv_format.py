"""CSV: one row per annotation (or per sentence), fixed column order, RFC 4180, formula-safe cells."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

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
    "revision_count",
    "link_credibility_source",
    "link_source",
    "link_override_reason",
    "matched_from",
    "adjudicated_verdict",
    "adjudicated_by",
)

# A spreadsheet runs a cell starting with these as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_FORMULA_CHARS = frozenset(_FORMULA_START)


def neutralise(value: object) -> object:
    """Prefix a text cell that a spreadsheet would evaluate with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _safe(text: str) -> str:
    return "'" + text if text[:1] in _FORMULA_CHARS else text


def row(record: exporters.ExportRecord) -> list[object]:
    """The CSV cells of one annotation, in COLUMNS order.

    Only free-text cells can start with a formula character; ids, numbers, verdicts, ratings,
    stances and timestamps never do, so only the text cells are checked (this is the hot loop).
    """
    article, sentence, ann = record.article, record.sentence, record.annotation
    assert sentence is not None and ann is not None
    span = ann["span"]
    claim = article["text"][span["start"] : span["end"]] if span else sentence["text"]
    urls, ratings, stances, origins, sources, reasons = _link_cells(ann["links"])
    return [
        ann["id"],
        article["id"],
        _safe(article["title"]),
        _safe(article["url"] or ""),
        sentence["id"],
        sentence["index"],
        sentence["paragraph"],
        sentence["start"],
        sentence["end"],
        _safe(sentence["text"]),
        span["start"] if span else "",
        span["end"] if span else "",
        _safe(claim),
        ann["verdict"],
        _safe(ann["attributed_to"]),
        _safe(ann["note"]),
        _safe(urls),
        ratings,
        stances,
        _safe(ann["reviewer"]),
        ann["version"],
        ann["created_at"],
        ann["updated_at"],
        "" if record.revision_count is None else record.revision_count,
        origins,
        _safe(sources),
        _safe(reasons),
        "" if ann.get("matched_from") is None else ann["matched_from"],
        *_adjudication_cells(sentence),
    ]


_NO_LINKS = ("",) * 6


def _link_cells(links: list[dict[str, Any]]) -> tuple[str, ...]:
    """The six link columns, each joining the links' values with " | " in the same order."""
    if not links:
        return _NO_LINKS
    columns = zip(
        *[
            (
                link["url"],
                link["credibility"],
                link["stance"] or "",
                link.get("credibility_source") or "",
                link.get("source") or "",
                link.get("override_reason") or "",
            )
            for link in links
        ],
        strict=True,
    )
    return tuple(" | ".join(column) for column in columns)


def _adjudication_cells(sentence: dict[str, Any]) -> list[object]:
    """The sentence's final verdict and who recorded it, empty if none."""
    adjudication = sentence.get("adjudication")
    if not adjudication:
        return ["", ""]
    return [adjudication["verdict"], _safe(adjudication["adjudicator"] or "")]


def blank_row(article: dict[str, Any], sentence: dict[str, Any]) -> list[object]:
    """A sentence nobody annotated (rows=sentences): its cells, annotation columns empty."""
    cells: list[object] = ["", *_article_cells(article), *_sentence_cells(sentence)]
    cells += [""] * (len(COLUMNS) - len(cells) - 2)
    return [neutralise(cell) for cell in cells] + _adjudication_cells(sentence)


def _article_cells(article: dict[str, Any]) -> list[object]:
    return [article["id"], article["title"], article["url"] or ""]


def _sentence_cells(sentence: dict[str, Any]) -> list[object]:
    return [
        sentence["id"],
        sentence["index"],
        sentence["paragraph"],
        sentence["start"],
        sentence["end"],
        sentence["text"],
    ]


def rows_per_annotation(records: Iterable[exporters.ExportRecord]) -> Iterator[list[object]]:
    for record in records:
        if record.annotation is not None:
            yield row(record)


def rows_per_sentence(records: Iterable[exporters.ExportRecord]) -> Iterator[list[object]]:
    """Every sentence of each article in order: a row per annotation, a blank row if none."""
    article: dict[str, Any] | None = None
    pending: list[dict[str, Any]] = []  # this article's sentences not yet written, in order
    position = 0
    for record in records:
        if article is None or record.article["id"] != article["id"]:
            if article is not None:
                yield from (blank_row(article, s) for s in pending[position:])
            article = record.article
            pending = list(record.sentences or ([record.sentence] if record.sentence else []))
            position = 0
        if record.annotation is None or record.sentence is None:
            continue
        index = record.sentence["index"]
        while position < len(pending) and pending[position]["index"] < index:
            yield blank_row(article, pending[position])
            position += 1
        if position < len(pending) and pending[position]["index"] == index:
            position += 1  # annotated: it gets annotation rows, no blank one
        yield row(record)
    if article is not None:
        yield from (blank_row(article, s) for s in pending[position:])


def write(
    records: Iterable[exporters.ExportRecord],
    options: exporters.ExportOptions = exporters.DEFAULT_OPTIONS,
) -> Iterator[str]:
    """Yield the CSV text in chunks: header first, then a row per annotation (or sentence)."""
    buffer = io.StringIO()
    if options.bom:
        buffer.write("\ufeff")  # Excel reads the file as UTF-8 only with it
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield buffer.getvalue()  # at once: the download starts before the first row is read
    buffer.seek(0)
    buffer.truncate()
    rows = (
        rows_per_sentence(records) if options.rows == "sentences" else rows_per_annotation(records)
    )
    for i, cells in enumerate(rows, 1):
        writer.writerow(cells)
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


EXPORTER = exporters.Exporter(
    "csv", "text/csv; charset=utf-8", "csv", write, label="CSV", needs=frozenset({"revision_count"})
)
