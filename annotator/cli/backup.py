"""`annotator backup`: a consistent copy of a live SQLite database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask.cli import with_appcontext

from annotator.extensions import db
from annotator.sqlite_lock import LockedConnection


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
    # Its close may checkpoint the WAL: under the shared write lock, like every writer.
    source = sqlite3.connect(engine.url.database, timeout=30, factory=LockedConnection)
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
