"""The `annotator` command: a thin shell over the services."""

from __future__ import annotations

import functools
import glob
import secrets
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from annotator.db import write_intent
from annotator.desk_cli import assign_command
from annotator.extensions import db
from annotator.importers import FORMATS, ImportFailure, parse_file, printable
from annotator.models import Article, Role, User
from annotator.services import articles, exports, imports, restore, users
from annotator.services.errors import ServiceError

ADMIN_NAME = "admin"


def writes(command: Callable[..., None]) -> Callable[..., None]:
    """Run a command's transactions as writes (SQLite takes its write lock up front)."""

    @functools.wraps(command)
    def wrapped(*args: object, **kwargs: object) -> None:
        with write_intent():
            command(*args, **kwargs)

    return wrapped


def _fail(error: ServiceError) -> click.ClickException:
    db.session.rollback()
    fields = "; ".join(f"{name}: {problem}" for name, problem in error.fields.items())
    return click.ClickException(
        fields if fields and error.message in ("", fields) else error.message
    )


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database to the latest schema (safe to run again; never drops data)."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo(f"Database is up to date: {_safe_url()}")


@click.command("bootstrap")
@with_appcontext
@writes
def bootstrap_command() -> None:
    """Create the first admin (random password, printed once) and the sample article, if missing."""
    if db.session.scalar(db.select(User).where(User.role == Role.ADMIN).limit(1)) is None:
        password = secrets.token_urlsafe(12)
        users.create_user(ADMIN_NAME, password, Role.ADMIN)
        db.session.commit()
        click.echo("=" * 60)
        click.echo(f"Created admin account “{ADMIN_NAME}” with password: {password}")
        click.echo("It is shown only this once: write it down now.")
        click.echo("=" * 60)
    else:
        click.echo("An admin account already exists; not creating another.")
    if db.session.scalar(db.select(Article.id).limit(1)) is None:
        text = resources.files("annotator").joinpath("sample/sample-article.txt").read_text("utf-8")
        data = parse_file(text.encode(), "sample-article.txt")[0]
        article = articles.create_article(data | {"outlet": "Annotator sample"}, actor=None)
        db.session.commit()
        click.echo(f"Loaded the sample article #{article.id} ({len(article.sentences)} sentences).")


@click.group("users")
def users_group() -> None:
    """Manage user accounts."""


@users_group.command("create")
@click.argument("name")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default="reviewer", show_default=True
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
@writes
def users_create(name: str, role: str, password_stdin: bool) -> None:
    """Create a user NAME; the password is prompted for (or read with --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = users.create_user(name, password, role)
    except ServiceError as error:
        raise _fail(error) from None
    db.session.commit()
    click.echo(f"Created {user.role} “{user.username}”.")


@click.group("tokens")
def tokens_group() -> None:
    """Manage personal API tokens."""


@tokens_group.command("create")
@click.argument("name")
@click.option("--label", default="command line", help="What the token is for.")
@with_appcontext
@writes
def tokens_create(name: str, label: str) -> None:
    """Print a new API token for user NAME (shown once; only its hash is stored)."""
    try:
        token = users.create_token(users.get_user(name), label)
    except ServiceError as error:
        raise _fail(error) from None
    db.session.commit()
    click.echo(token)


def _expand(paths: tuple[str, ...]) -> list[Path]:
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


def _read(path: Path, format_name: str) -> list[imports.ImportItem] | imports.Outcome:
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


def _sources(
    files: list[Path], format_name: str, bar_for_articles: bool
) -> Iterator[imports.ImportItem | imports.Outcome]:
    """Read files one at a time (memory stays flat); a lone big file gets a bar over its articles."""
    for path in files:
        found = _read(path, format_name)
        if isinstance(found, imports.Outcome):
            yield found
        elif bar_for_articles and len(found) > 1:
            with _bar(found, "articles") as bar:
                yield from bar
        else:
            yield from found


# The rate (and so the ETA) is shown once a few items are done or half a second has passed:
# measured on the first item alone it is mostly noise.
RATE_AFTER_ITEMS = 5
RATE_AFTER_SECONDS = 0.5


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


def _bar(items: list, unit: str):  # noqa: ANN001, ANN202
    """A progress bar with the count, rate and ETA (drawn only on a terminal)."""
    started = time.monotonic()
    bar = click.progressbar(items, label="Importing", show_eta=False, file=sys.stderr)
    bar.item_show_func = lambda _item: progress_info(
        bar.pos, len(items), time.monotonic() - started, unit
    )
    return bar


def _restore_exports(files: list[Path], format_name: str) -> tuple[list[Path], bool]:
    """Restore the files that are our own JSON exports; return the other files and whether any failed."""
    others, failed = [], False
    for path in files:
        if (
            format_name not in ("auto", "json")
            or path.suffix.lower() != ".json"
            or not path.is_file()
        ):
            others.append(path)
            continue
        data = path.read_bytes()
        if not restore.is_export_document(data):
            others.append(path)
            continue
        try:
            summary = restore.restore_document(data, str(path), actor=None)
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            failed = True
            problems = (
                "; ".join(  # keys are "FILE line N": keep the line, the file is named already
                    f"{key.strip().removeprefix(str(path)).strip()}: {value}".lstrip(": ")
                    for key, value in error.fields.items()
                )
                or error.message
            )
            click.echo(f"  failed: {path}: not restored, nothing was changed: {problems}", err=True)
            continue
        click.echo(
            f"{path}: restored {summary.articles} articles, {summary.sentences} sentences, "
            f"{summary.annotations} annotations, {summary.links} links, {summary.revisions} revisions, "
            f"{summary.adjudications} final verdicts, {summary.sources} sources"
            + ("" if summary.ids_kept else " (under new ids: the old ones are taken)")
            + ("" if summary.source_ids_kept else " (sources under new ids)")
        )
        for name in summary.users_created:
            click.echo(f"  created the deactivated account “{name}” for its annotations", err=True)
        for name in summary.sources_matched:
            click.echo(f"  source “{name}” is already in the registry: kept as it is", err=True)
    return others, failed


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
@click.option("--force", is_flag=True, help="Import duplicates too.")
@with_appcontext
@writes
def import_command(paths: tuple[str, ...], format_name: str, force: bool) -> None:
    """Import articles from files, folders or globs; one transaction per article; exit 1 if any failed.

    A JSON export of this app (with its annotations) is restored whole, in one transaction.
    """
    files, restore_failed = _restore_exports(_expand(paths), format_name)
    if not files:
        sys.exit(1 if restore_failed else 0)
    report = imports.Report()

    def tell(outcome: imports.Outcome) -> None:
        if outcome.status == "duplicate":
            click.echo(f"{outcome.where}: skipped, {outcome.message}", err=True)

    try:
        if len(files) > 1:
            with _bar(files, "files") as bar:
                every = (item for path in bar for item in _sources([path], format_name, False))
                imports.import_sources(every, actor=None, force=force, report=report, on_each=tell)
        else:
            every = _sources(files, format_name, True)
            imports.import_sources(every, actor=None, force=force, report=report, on_each=tell)
    except BaseException as error:  # noqa: BLE001 - say what is kept, then stop
        db.session.rollback()
        click.echo(
            f"{report.summary()} before stopping: the articles imported so far are kept.", err=True
        )
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        raise click.ClickException(f"Import stopped by an unexpected error: {error}") from error
    click.echo(f"{report.summary()} ({len(files)} files in {report.elapsed:.1f} s).")
    for outcome in report.failures:
        click.echo(f"  failed: {outcome.where}: {outcome.message}", err=True)
    if report.failures or restore_failed:
        kept = report.count("imported")
        if kept:
            click.echo(
                f"The {kept} articles imported are kept; fix the failed ones and import them again.",
                err=True,
            )
        sys.exit(1)


@click.command("export")
@click.option(
    "--format",
    "format_name",
    default="csv",
    show_default=True,
    type=click.Choice(list(exports.EXPORTERS)),
)
@click.option("--article", multiple=True, help="Only these article ids (repeat or comma-separate).")
@click.option("--verdict", multiple=True, help="Only these verdicts.")
@click.option("--reviewer", multiple=True, help="Only these reviewers' annotations.")
@click.option(
    "--credibility", multiple=True, help="Only annotations with an evidence link rated so."
)
@click.option("--since", help="Only annotations changed on or after this date (ISO 8601).")
@click.option("--until", help="Only annotations changed on or before this date (ISO 8601).")
@click.option(
    "--adjudicated",
    is_flag=True,
    help="Only annotations on sentences an admin gave a final verdict.",
)
@click.option(
    "--rows",
    type=click.Choice(["annotations", "sentences"]),
    default="annotations",
    show_default=True,
    help="CSV: one row per annotation, or per sentence including unannotated ones.",
)
@click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 byte order mark (for Excel).")
@click.option("--include-history", is_flag=True, help="JSON: add each annotation's revisions.")
@click.option(
    "--all-articles", is_flag=True, help="JSON: also list articles without matching annotations."
)
@click.option(
    "--base-url",
    default="http://localhost/",
    show_default=True,
    help="Where the app is served, for the links in JSON-LD exports.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write here instead of stdout.",
)
@with_appcontext
def export_command(
    format_name,
    article,
    verdict,
    reviewer,
    credibility,
    since,
    until,
    adjudicated,
    rows,
    bom,  # noqa: ANN001
    include_history,
    all_articles,
    base_url,
    output,
) -> None:
    """Export every annotation (all reviewers) matching the filters."""
    try:
        flt = exports.parse_filter(
            {
                "article": list(article),
                "verdict": list(verdict),
                "reviewer": list(reviewer),
                "credibility": list(credibility),
                "since": since,
                "until": until,
                "adjudicated": str(int(adjudicated)),
            }
        )
        options = exports.parse_options(
            {
                "rows": rows,
                "bom": str(int(bom)),
                "include_history": str(int(include_history)),
                "all_articles": str(int(all_articles)),
            },
            base_url=base_url,
        )
    except ServiceError as error:
        raise _fail(error) from None
    everyone = User(
        username="command line", role=Role.ADMIN
    )  # reads only, never added to the session
    chunks = exports.export_chunks(format_name, flt, viewer=everyone, options=options)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
        click.echo(f"Wrote {output}", err=True)
    else:
        for chunk in chunks:
            sys.stdout.write(chunk)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(file: str) -> None:
    """Write a consistent copy of the live SQLite database to FILE (the server may keep running)."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise click.ClickException(
            "On PostgreSQL use pg_dump; this command copies SQLite databases."
        )
    target = Path(file)
    if target.exists():
        raise click.ClickException(f"{file} already exists; choose a new file name.")
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(engine.url.database, timeout=30)
    try:
        destination = sqlite3.connect(partial)
        try:
            # One step (pages=-1) copies a single read snapshot while writers carry on (WAL). Copying
            # in several steps restarts whenever another connection writes, so it may never finish.
            source.backup(destination, pages=-1)
        finally:
            destination.close()
        partial.replace(target)
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"Backup failed: {error}") from None
    finally:
        source.close()
    click.echo(f"Backed up {engine.url.database} to {file}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--threads", default=8, show_default=True, type=int, help="Worker threads in this one process."
)
@with_appcontext
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the app with waitress, a production WSGI server (one process; see the README for PostgreSQL)."""
    from waitress import serve

    from annotator.runtime import tune_gc

    tune_gc()
    click.echo(f"Serving on http://{host}:{port} (Ctrl+C to stop)")
    serve(
        current_app._get_current_object(), host=host, port=port, threads=threads, ident="annotator"
    )


def _safe_url() -> str:
    return db.engine.url.render_as_string(hide_password=True)


COMMANDS = (
    init_command,
    bootstrap_command,
    users_group,
    tokens_group,
    import_command,
    export_command,
    assign_command,
    backup_command,
    serve_command,
)


def register(app: Flask) -> None:
    """Add the commands to app.cli, so `flask --app annotator` has them too."""
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from annotator import create_app

    return create_app()


main = FlaskGroup(
    name="annotator",
    help="Claim and source-credibility annotator. Run `annotator COMMAND --help` for details.",
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
)
