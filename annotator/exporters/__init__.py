"""Export formats. Each module turns ExportRecords into text chunks; EXPORTERS lists them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class ExportFilter:
    """Which annotations to export; empty tuples mean no restriction."""

    articles: tuple[int, ...] = ()
    verdicts: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class ExportRecord:
    """One annotation with its sentence and article, as plain data.

    ``sentences`` is set on the first record of each article (every sentence of it, for
    nested formats) and is None afterwards.
    """

    article: dict[str, Any]
    sentence: dict[str, Any]
    annotation: dict[str, Any]
    sentences: list[dict[str, Any]] | None = field(default=None)


@dataclass(frozen=True)
class Exporter:
    name: str
    media_type: str
    extension: str
    write: Callable[[Iterable[ExportRecord]], Iterator[str]]


def _registry() -> dict[str, Exporter]:
    from annotator.exporters import csv_format, json_format

    return {
        exporter.name: exporter
        for exporter in (csv_format.EXPORTER, json_format.EXPORTER, json_format.JSONL_EXPORTER)
    }


EXPORTERS: dict[str, Exporter] = _registry()
