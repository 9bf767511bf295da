"""The source registry as CSV (name,domains,credibility,rationale): reading it. Pure, no Flask.

The export (exporters.registry_csv) writes the same columns plus two for people to read
(rated_by, rated_at) that this reader accepts and ignores.
"""

from __future__ import annotations

import csv
import io

from annotator.importers import ImportFailure

CSV_COLUMNS = ("name", "domains", "credibility", "rationale")
# Written by the export for people to read; the import accepts and ignores them.
CSV_INFO_COLUMNS = ("rated_by", "rated_at")
MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CSV_ROWS = 5000


def read_registry_csv(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a registry CSV as (line, {column: cell}), the import's columns only.

    Raises ImportFailure naming the file and the line for anything that is not such a CSV."""

    def refuse(problem: str) -> ImportFailure:
        return ImportFailure(filename, problem)

    if not data.strip():
        raise refuse("the file is empty.")
    if len(data) > MAX_CSV_BYTES:
        raise refuse(f"the file is {len(data):,} bytes; the limit is {MAX_CSV_BYTES:,}.")
    if b"\x00" in data:
        raise refuse("this is not a CSV text file (it contains NUL bytes).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise refuse(f"line {line}: not UTF-8 text; save the file as CSV UTF-8.") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        raise refuse(f"line {reader.line_num}: {error}.") from None
    names = [cell.strip().lower() for cell in header]
    missing = [c for c in CSV_COLUMNS if c not in names]
    if missing:
        raise refuse(
            f"line 1: the header row must name the columns {','.join(CSV_COLUMNS)} "
            f"(missing: {', '.join(missing)})."
        )
    unknown = [c for c in names if c not in CSV_COLUMNS + CSV_INFO_COLUMNS]
    if unknown:
        raise refuse(
            f"line 1: unknown column {unknown[0]!r}; the columns are {','.join(CSV_COLUMNS)}."
        )
    rows: list[tuple[int, dict[str, str]]] = []
    while True:
        line = reader.line_num + 1  # where the row starts (a quoted cell may span lines)
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise refuse(f"line {line}: {error} (is a quote left open?).") from None
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            raise refuse(f"line {line}: {len(cells)} cells, but the header has {len(names)}.")
        if len(rows) >= MAX_CSV_ROWS:
            raise refuse(f"more than {MAX_CSV_ROWS:,} rows; split the file.")
        record = dict(zip(names, cells, strict=True))
        rows.append((line, {c: _unquote(record[c]) for c in CSV_COLUMNS}))
    if not rows:
        raise refuse("there are no rows below the header.")
    return rows


def _unquote(cell: str) -> str:
    """Undo the export's formula guard: a leading apostrophe before = + - @ is ours."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r\n":
        return cell[1:]
    return cell
