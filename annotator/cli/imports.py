"""`annotator import`: shows the progress and the summary of services.import_files."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import with_appcontext

from annotator.cli._shared import writes
from annotator.importers import FORMATS
from annotator.services.exchange import import_files
from annotator.services.exchange.imports import Outcome

# The rate (and so the ETA) is shown once a few items are done or half a second has passed:
# measured on the first item alone it is mostly noise.
RATE_AFTER_ITEMS = 5
RATE_AFTER_SECONDS = 0.5


@click.command("import")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "format_name",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", *FORMATS]),
    help="File format; auto goes by extension, then content.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Import duplicates and near-duplicates (same story trimmed, re-pasted) too.",
)
@with_appcontext
@writes
def import_command(paths: tuple[str, ...], format_name: str, force: bool) -> None:
    """Import articles from files, folders or globs; one transaction per article; exit 1 if any failed.

    A JSON export of this app (with its annotations) is reloaded whole, in one transaction.
    """
    report = import_files.FilesReport()
    bar = ProgressBar()
    try:
        import_files.import_files(
            paths,
            format_name=format_name,
            force=force,
            actor=None,
            report=report,
            on_reloaded=_tell_reloaded,
            on_outcome=_tell_duplicate,
            on_progress=bar.show,
        )
    except BaseException as error:
        bar.close()
        click.echo(
            f"{report.articles.summary()} before stopping: the articles imported so far are kept.",
            err=True,
        )
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        raise click.ClickException(f"Import stopped by an unexpected error: {error}") from error
    bar.close()
    if not report.files:  # only exports, reloaded or refused: they have said so already
        sys.exit(1 if report.failed else 0)
    articles = report.articles
    click.echo(f"{articles.summary()} ({report.files} files in {articles.elapsed:.1f} s).")
    for outcome in articles.failures:
        click.echo(f"  failed: {outcome.where}: {outcome.message}", err=True)
    if report.failed:
        kept = articles.count("imported")
        if kept:
            click.echo(
                f"The {kept} articles imported are kept; fix the failed ones and import them again.",
                err=True,
            )
        sys.exit(1)


def _tell_duplicate(outcome: Outcome) -> None:
    if outcome.status == "duplicate":
        click.echo(f"{outcome.where}: skipped, {outcome.message}", err=True)


def _tell_reloaded(reloaded: import_files.Reloaded) -> None:
    if reloaded.summary is None:
        click.echo(
            f"  failed: {reloaded.path}: not restored, nothing was changed: {reloaded.problem}",
            err=True,
        )
        return
    summary = reloaded.summary
    click.echo(
        f"{reloaded.path}: restored {summary.articles} articles, {summary.sentences} sentences, "
        f"{summary.annotations} annotations, {summary.links} links, {summary.revisions} revisions, "
        f"{summary.adjudications} final verdicts, {summary.sources} sources"
        + ("" if summary.ids_kept else " (under new ids: the old ones are taken)")
        + ("" if summary.source_ids_kept else " (sources under new ids)")
    )
    for name in summary.users_created:
        click.echo(f"  created the deactivated account “{name}” for its annotations", err=True)
    for name in summary.sources_matched:
        click.echo(f"  source “{name}” is already in the registry: kept as it is", err=True)


class ProgressBar:
    """A progress bar with the count, rate and ETA, drawn as the import reports its progress (only
    on a terminal; elsewhere click writes the label once)."""

    def __init__(self) -> None:
        self.bar: click.progressbar | None = None  # type: ignore[valid-type]
        self.started = 0.0

    def show(self, done: int, total: int, unit: str) -> None:
        if self.bar is None:
            self.started = time.monotonic()
            bar = click.progressbar(
                length=total, label="Importing", show_eta=False, file=sys.stderr
            )
            bar.item_show_func = lambda _item: progress_info(
                bar.pos, total, time.monotonic() - self.started, unit
            )
            self.bar = bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def progress_info(done: int, total: int, elapsed: float, unit: str) -> str:
    """The words after the progress bar: "120/3,000 files  45 files/s  ETA 1:04"."""
    parts = [f"{done:,}/{total:,} {unit}"]
    if elapsed > 0 and (done >= RATE_AFTER_ITEMS or (done and elapsed >= RATE_AFTER_SECONDS)):
        rate = done / elapsed
        parts.append(f"{rate:,.0f} {unit}/s" if rate >= 10 else f"{rate:.1f} {unit}/s")
        if done < total:
            parts.append(f"ETA {_duration((total - done) / rate)}")
    return "  ".join(parts)


def _duration(seconds: float) -> str:
    """0:42, 12:05 or 1:02:03."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"
