"""Export formats. Each module turns ExportRecords into text chunks; EXPORTERS lists them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import Any

SCHEMA_VERSION = "1.0"
SCHEMA_FILE = "export-1.0.schema.json"


@dataclass(frozen=True)
class ExportFilter:
    """Which annotations to export; empty tuples mean no restriction.

    ``credibility`` keeps annotations with at least one evidence link of one of these ratings;
    ``adjudicated`` keeps annotations on sentences an admin gave a final verdict.
    """

    articles: tuple[int, ...] = ()
    verdicts: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    credibility: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    adjudicated: bool = False


@dataclass(frozen=True)
class ExportOptions:
    """How to lay the export out (not which annotations: that is ExportFilter).

    rows: CSV "annotations" (one row per annotation) or "sentences" (every sentence of the
    articles in scope, annotated or not). bom: start the CSV with a UTF-8 byte order mark.
    include_history: JSON annotations carry their revisions. all_articles: JSON also lists
    articles in scope that hold no matching annotation. base_url: where this instance is
    served, for the IRIs of the JSON-LD formats. organisation: the desk as readers know it
    (PUBLIC_NAME), the author of its ClaimReviews. public_pages: the published articles, article
    id -> (the public page's address, sentence start -> claim number on that page), filled in for
    the exporters that need "publications".
    """

    rows: str = "annotations"
    bom: bool = False
    include_history: bool = False
    all_articles: bool = False
    base_url: str = "http://localhost/"
    organisation: str = "Fact-check desk"
    public_pages: dict[int, tuple[str, dict[int, int]]] = field(default_factory=dict)


@dataclass(slots=True)
class ExportRecord:
    """One annotation with its sentence and article, as plain data.

    ``sentences`` is set on the first record of each article (every sentence of it, for
    nested formats) and is None afterwards. A record whose ``annotation`` (and ``sentence``)
    is None stands for an article in scope without matching annotations; it is only produced
    when the options ask for every article (CSV rows=sentences, JSON all_articles).
    """

    article: dict[str, Any]
    sentence: dict[str, Any] | None
    annotation: dict[str, Any] | None
    sentences: list[dict[str, Any]] | None = field(default=None)
    revision_count: int | None = None
    history: list[dict[str, Any]] | None = None


Writer = Callable[[Iterable[ExportRecord], ExportOptions], Iterator[str]]


@dataclass(frozen=True)
class Exporter:
    name: str
    media_type: str
    extension: str
    write: Writer
    label: str = ""
    needs: frozenset[str] = frozenset()  # extra data the writer reads: "revision_count", "history"


DEFAULT_OPTIONS = ExportOptions()


def schema_text(name: str = SCHEMA_FILE) -> str:
    """A file shipped in annotator/exporters/schema (JSON Schema or JSON-LD context)."""
    return resources.files("annotator.exporters").joinpath("schema", name).read_text("utf-8")


def array_lines(items: Iterable[Any], dump: Callable[[Any], str]) -> Iterator[str]:
    """The rest of a JSON array whose "[" is already written: one item per line, then "]"."""
    first = True
    for item in items:
        yield ("\n" if first else ",\n") + dump(item)
        first = False
    yield "]" if first else "\n]"


def _registry() -> dict[str, Exporter]:
    from annotator.exporters import claimreview, csv_format, json_format, webannotation

    return {
        exporter.name: exporter
        for exporter in (
            csv_format.EXPORTER,
            json_format.EXPORTER,
            json_format.JSONL_EXPORTER,
            webannotation.EXPORTER,
            claimreview.EXPORTER,
        )
    }


EXPORTERS: dict[str, Exporter] = _registry()
