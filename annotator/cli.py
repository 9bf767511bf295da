"""The `annotator` command: a thin shell over the services."""

from __future__ import annotations

import functools
import glob
import secrets
import sqlite3
import sys
import time
from importlib import resources
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from annotator.db import write_intent
from annotator.extensions import db
from annotator.importers import ImportFailure, parse_file
from annotator.models import Article, Role, User
from annotator.services import articles, exports, users
from annotator.services.errors import Duplicate, ServiceError

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
    return click.ClickException(fields if fields and error.message in ("", fields) else error.message)


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
@click.option("--role", type=click.Choice([r.value for r in Role]), default="reviewer", show_default=True)
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
                    if child.is_file() and not child.name.startswith("."):
                        found[child] = None
            else:
                found[path] = None
    return list(found)


@click.command("import")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format", "format_name", default="auto", show_default=True,
    type=click.Choice(["auto", "txt", "json", "jsonl"]), help="File format; auto goes by extension.",
)
@click.option("--force", is_flag=True, help="Import duplicates too.")
@with_appcontext
@writes
def import_command(paths: tuple[str, ...], format_name: str, force: bool) -> None:
    """Import articles from files, folders or globs; one transaction per article; exit 1 if any failed."""
    files = _expand(paths)
    imported, duplicates, failed = 0, 0, []
    started = time.monotonic()
    with click.progressbar(files, label="Importing", show_pos=True, show_eta=True, file=sys.stderr) as bar:
        for path in bar:
            try:
                if not path.is_file():
                    raise ImportFailure(str(path), "no such file.")
                drafts = parse_file(path.read_bytes(), str(path), format_name)
            except (ImportFailure, OSError) as error:
                failed.append(str(error))
                continue
            for number, draft in enumerate(drafts, 1):
                where = str(path) if len(drafts) == 1 else f"{path} (article {number})"
                try:
                    articles.create_article(draft, actor=None, force=force)
                    db.session.commit()
                    imported += 1
                except Duplicate as error:
                    db.session.rollback()
                    duplicates += 1
                    click.echo(f"{where}: skipped, {error.message}", err=True)
                except ServiceError as error:
                    db.session.rollback()
                    fields = "; ".join(f"{k}: {v}" for k, v in error.fields.items()) or error.message
                    failed.append(f"{where}: {fields}")
    elapsed = time.monotonic() - started
    click.echo(f"Imported {imported}, duplicates skipped {duplicates}, failed {len(failed)} "
               f"({len(files)} files in {elapsed:.1f} s).")
    for line in failed:
        click.echo(f"  failed: {line}", err=True)
    if failed:
        sys.exit(1)


@click.command("export")
@click.option("--format", "format_name", default="csv", show_default=True, type=click.Choice(sorted(exports.EXPORTERS)))
@click.option("--article", multiple=True, help="Only these article ids (repeat or comma-separate).")
@click.option("--verdict", multiple=True, help="Only these verdicts.")
@click.option("--reviewer", multiple=True, help="Only these reviewers' annotations.")
@click.option("--since", help="Only annotations changed on or after this date (ISO 8601).")
@click.option("--until", help="Only annotations changed on or before this date (ISO 8601).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here instead of stdout.")
@with_appcontext
def export_command(format_name, article, verdict, reviewer, since, until, output) -> None:  # noqa: ANN001
    """Export every annotation (all reviewers) matching the filters."""
    try:
        flt = exports.parse_filter(
            {"article": list(article), "verdict": list(verdict), "reviewer": list(reviewer), "since": since, "until": until}
        )
    except ServiceError as error:
        raise _fail(error) from None
    everyone = User(username="command line", role=Role.ADMIN)  # reads only, never added to the session
    chunks = exports.export_chunks(format_name, flt, viewer=everyone)
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
        raise click.ClickException("On PostgreSQL use pg_dump; this command copies SQLite databases.")
    target = Path(file)
    if target.exists():
        raise click.ClickException(f"{file} already exists; choose a new file name.")
    source = sqlite3.connect(engine.url.database)
    try:
        with sqlite3.connect(target) as destination:
            source.backup(destination, pages=1024)
        destination.close()
    finally:
        source.close()
    click.echo(f"Backed up {engine.url.database} to {file}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads in this one process.")
@with_appcontext
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the app with waitress, a production WSGI server (one process; see the README for PostgreSQL)."""
    from waitress import serve

    click.echo(f"Serving on http://{host}:{port} (Ctrl+C to stop)")
    serve(current_app._get_current_object(), host=host, port=port, threads=threads, ident="annotator")


def _safe_url() -> str:
    return db.engine.url.render_as_string(hide_password=True)


COMMANDS = (init_command, bootstrap_command, users_group, tokens_group, import_command, export_command, backup_command, serve_command)


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
