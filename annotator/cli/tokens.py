"""`annotator tokens`: personal API tokens."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from annotator.cli._shared import fail, writes
from annotator.services.accounts import users
from annotator.services.errors import ServiceError


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
        raise fail(error) from None
    click.echo(token)
