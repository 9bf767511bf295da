"""Importing files from disk (`annotator import`): find the files, read each within the size limit,
load this app's own JSON exports whole, and import the articles of every other file one by one.

Everything the command decides lives here; the command only draws the progress this module reports
and prints the outcomes. Transactions: an export is loaded in one (all or nothing), each article of
the other files in its own (``imports.import_one``), so a batch stopped midway keeps whole articles.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from annotator import uow
from annotator.importers import ImportFailure, printable
from annotator.models import User
from annotator.services.errors import ServiceError
from annotator.services.exchange import imports, reload

# done, total, unit ("files", or "articles" when one file holds many)
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Reloaded:
    """One of our own JSON exports: loaded whole (``summary``), or refused whole (``problem``)."""

    path: str
    summary: reload.ReloadSummary | None = None
    problem: str = ""


@dataclass
class FilesReport:
    """What an import of files did: the exports reloaded, then each article of the other files."""

    reloaded: list[Reloaded] = field(default_factory=list)
    articles: imports.Report = field(default_factory=imports.Report)
    files: int = 0  # files read for articles (exports not counted)

    @property
    def failed(self) -> bool:
        return bool(self.articles.failures) or any(r.problem for r in self.reloaded)


def import_files(
    paths: Sequence[str],
    *,
    format_name: str = "auto",
    force: bool = False,
    actor: User | None = None,
    report: FilesReport | None = None,
    on_reloaded: Callable[[Reloaded], None] | None = None,
    on_outcome: Callable[[imports.Outcome], None] | None = None,
    on_progress: Progress | None = None,
) -> FilesReport:
    """Restore the exports among ``paths`` (files, folders, globs), then import the articles of the
    rest; ``report`` (if given) holds what was done so far should something unexpected stop it."""
    report = report if report is not None else FilesReport()
    files = expand(paths)
    others = []
    for path in files:
        reloaded = reload_export_file(path, format_name, actor=actor)
        if reloaded is None:
            others.append(path)
            continue
        report.reloaded.append(reloaded)
        if on_reloaded is not None:
            on_reloaded(reloaded)
    report.files = len(others)
    if others:
        items = _items(others, format_name, on_progress or _silent)
        imports.import_sources(
            items, actor=actor, force=force, report=report.articles, on_each=on_outcome
        )
    return report


def expand(paths: Iterable[str]) -> list[Path]:
    """Files named, files inside folders, and glob matches, in order, without repeats."""
    found: dict[Path, None] = {}
    for raw in paths:
        matches = [Path(m) for m in sorted(glob.glob(raw, recursive=True))] or [Path(raw)]
        for path in matches:
            if path.is_dir():
                for child in sorted(path.rglob("*")):
                    hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                    if child.is_file() and not hidden:
                        found[child] = None
            else:
                found[path] = None
    return list(found)


def read_file(path: Path, format_name: str) -> list[imports.ImportItem] | imports.Outcome:
    """The articles in one file, or the outcome saying why it could not be read."""
    where = printable(str(path))
    limit = current_app.config["MAX_IMPORT_FILE_BYTES"]
    try:
        if not path.is_file():
            raise ImportFailure(where, "no such file.")
        if path.stat().st_size > limit:
            raise ImportFailure(where, f"the file is larger than {limit / 1024 / 1024:.0f} MB.")
        return imports.sources_from_file(path.read_bytes(), where, format_name)
    except (ImportFailure, OSError) as error:
        return imports.failed_file(error, where)


def reload_export_file(path: Path, format_name: str, *, actor: User | None) -> Reloaded | None:
    """Load ``path`` whole if it is one of our JSON exports (in one transaction); None if it is not."""
    if format_name not in ("auto", "json") or path.suffix.lower() != ".json" or not path.is_file():
        return None
    data = path.read_bytes()
    if not reload.is_export_document(data):
        return None
    try:
        with uow.transaction():
            summary = reload.reload_export(data, str(path), actor=actor)
    except ServiceError as error:
        # keys are "FILE line N": keep the line, the file is named already
        problems = "; ".join(
            f"{key.strip().removeprefix(str(path)).strip()}: {value}".lstrip(": ")
            for key, value in error.fields.items()
        )
        return Reloaded(str(path), problem=problems or error.message)
    return Reloaded(str(path), summary)


def _items(
    files: list[Path], format_name: str, progress: Progress
) -> Iterator[imports.ImportItem | imports.Outcome]:
    """Read files one at a time (memory stays flat), reporting progress over the files, or over
    the articles of a lone file that holds several."""
    if len(files) > 1:
        for done, path in enumerate(files):
            progress(done, len(files), "files")
            yield from _each(read_file(path, format_name))
        progress(len(files), len(files), "files")
        return
    found = read_file(files[0], format_name)
    if isinstance(found, imports.Outcome) or len(found) < 2:
        yield from _each(found)
        return
    for done, item in enumerate(found):
        progress(done, len(found), "articles")
        yield item
    progress(len(found), len(found), "articles")


def _each(
    found: list[imports.ImportItem] | imports.Outcome,
) -> Iterator[imports.ImportItem | imports.Outcome]:
    if isinstance(found, imports.Outcome):
        yield found
    else:
        yield from found


def _silent(_done: int, _total: int, _unit: str) -> None:
    """No one is watching the progress."""
