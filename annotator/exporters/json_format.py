"""JSON (articles -> sentences -> annotations -> links) and JSONL (one annotation per line)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from annotator import exporters


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def write_json(records: Iterable[exporters.ExportRecord]) -> Iterator[str]:
    """Stream one JSON document, an article at a time."""
    yield '{"schema_version": ' + _dump(exporters.SCHEMA_VERSION) + ', "articles": ['
    first = True
    for article in _nest(records):
        yield ("" if first else ", ") + _dump(article)
        first = False
    yield "]}\n"


def _nest(records: Iterable[exporters.ExportRecord]) -> Iterator[dict[str, Any]]:
    """Group consecutive records of one article into its nested form."""
    current: dict[str, Any] | None = None
    by_sentence: dict[int, dict[str, Any]] = {}
    for record in records:
        if current is None or current["id"] != record.article["id"]:
            if current is not None:
                yield current
            current = dict(record.article)
            sentences = record.sentences or [record.sentence]
            current["sentences"] = [dict(s, annotations=[]) for s in sentences]
            by_sentence = {s["id"]: s for s in current["sentences"]}
        by_sentence[record.sentence["id"]]["annotations"].append(record.annotation)
    if current is not None:
        yield current


def write_jsonl(records: Iterable[exporters.ExportRecord]) -> Iterator[str]:
    """One annotation per line, with its sentence and article context."""
    for record in records:
        line = dict(record.annotation)
        line["schema_version"] = exporters.SCHEMA_VERSION
        line["article_id"] = record.article["id"]
        line["article_title"] = record.article["title"]
        line["sentence"] = {k: record.sentence[k] for k in ("id", "index", "paragraph", "start", "end", "text")}
        yield _dump(line) + "\n"


EXPORTER = exporters.Exporter("json", "application/json", "json", write_json)
JSONL_EXPORTER = exporters.Exporter("jsonl", "application/x-ndjson", "jsonl", write_jsonl)
