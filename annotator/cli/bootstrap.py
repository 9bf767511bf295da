"""`annotator init` and `annotator bootstrap`: the schema, the first admin and the sample article."""

from __future__ import annotations

import secrets
from importlib import resources

import click
from flask import current_app
from flask.cli import with_appcontext

from annotator import uow
from annotator.cli._shared import safe_url, writes
from annotator.extensions import db
from annotator.importers import parse_file
from annotator.models import Article, Role, User
from annotator.services.accounts import users
from annotator.services.articles import articles
from annotator.services.desk import status

ADMIN_NAME = "admin"


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database to the latest schema (safe to run again; never drops data)."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo(f"Database is up to date: {safe_url()}")
    with uow.transaction():
        moved = status.recompute_if_pending()
    if moved is not None:
        click.echo(f"Worked out every article's status again: {moved} moved.")


@click.command("bootstrap")
@with_appcontext
@writes
def bootstrap_command() -> None:
    """Create the first admin (random password, printed once) and the sample article, if missing."""
    if db.session.scalar(db.select(User).where(User.role == Role.ADMIN).limit(1)) is None:
        password = secrets.token_urlsafe(12)
        with uow.transaction():  # the admin is kept even if the sample then fails to load
            users.create_user(ADMIN_NAME, password, Role.ADMIN)
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
        click.echo(f"Loaded the sample article #{article.id} ({len(article.sentences)} sentences).")
