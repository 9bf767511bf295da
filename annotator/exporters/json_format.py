"""JSON (articles -> sentences -> annotations -> links) and JSONL (one annotation per line).

The JSON document puts each article (and each source registry entry) on a line of its own, so a
reader (and the restore of an export) can name the line where something is wrong. Its schema ships
in schema/.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from annotator import exporters

SENTENCE_KEYS = ("id", "index", "paragraph", "start", "end", "text")


def dump(value: Any) -> str:
    """Compact, key-sorted JSON that keeps every character as stored."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def write_json(
    records: Iterable[exporters.ExportRecord],
    options: exporters.ExportOptions = exporters.DEFAULT_OPTIONS,
    *,
    sources: Iterable[dict[str, Any]] | None = None,
) -> Iterator[str]:
    """Stream one JSON document, an article per line, then (if given) a registry entry per line.

    ``sources`` is read only after the last article, so it may be a lazy generator.
    """
    yield '{"schema_version": ' + dump(exporters.SCHEMA_VERSION) + ', "articles": ['
    yield from exporters.array_lines(nest(records, include_history=options.include_history), dump)
    if sources is not None:
        yield ', "sources": ['
        yield from exporters.array_lines(sources, dump)
    yield "}\n"


def nest(
    records: Iterable[exporters.ExportRecord], *, include_history: bool = False
) -> Iterator[dict[str, Any]]:
    """Group consecutive records of one article into its nested form."""
    current: dict[str, Any] | None = None
    by_sentence: dict[int, dict[str, Any]] = {}
    for record in records:
        if current is None or current["id"] != record.article["id"]:
            if current is not None:
                yield current
            current = dict(record.article)
            sentences = record.sentences or ([record.sentence] if record.sentence else [])
            current["sentences"] = [dict(s, annotations=[]) for s in sentences]
            by_sentence = {s["id"]: s for s in current["sentences"]}
        if record.annotation is None or record.sentence is None:
            continue
        annotation = record.annotation
        if include_history:
            annotation = dict(annotation, history=record.history or [])
        by_sentence[record.sentence["id"]]["annotations"].append(annotation)
    if current is not None:
        yield current


def write_jsonl(
    records: Iterable[exporters.ExportRecord],
    options: exporters.ExportOptions = exporters.DEFAULT_OPTIONS,
) -> Iterator[str]:
    """One annotation per line, with its sentence and article context."""
    for record in records:
        if record.annotation is None or record.sentence is None:
            continue
        line = dict(record.annotation)
        line["schema_version"] = exporters.SCHEMA_VERSION
        line["article_id"] = record.article["id"]
        line["article_title"] = record.article["title"]
        line["sentence"] = {key: record.sentence[key] for key in SENTENCE_KEYS}
        yield dump(line) + "\n"


EXPORTER = exporters.Exporter(
    "json",
    "application/json",
    "json",
    write_json,
    label="JSON",
    needs=frozenset({"history", "sources"}),
)
JSONL_EXPORTER = exporters.Exporter(
    "jsonl", "application/x-ndjson", "jsonl", write_jsonl, label="JSONL"
)
