"""The source registry as CSV: writing it, spreadsheet-safe. Pure, no Flask."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from annotator.exporters.csv_format import neutralise
from annotator.importers.registry_csv import CSV_COLUMNS, CSV_INFO_COLUMNS


def write_registry_csv(entries: Iterable[dict[str, Any]]) -> str:
    """Entries (as serialize.source_data gives them) as CSV, the import's columns first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS + CSV_INFO_COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                neutralise(cell)
                for cell in (
                    entry["name"],
                    ", ".join(entry["domains"]),
                    entry["credibility"],
                    entry["rationale"],
                    entry["rated_by"] or "",
                    entry["rated_at"],
                )
            ]
        )
    return buffer.getvalue()
