"""`annotator users`: user accounts."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from annotator.cli._shared import fail, writes
from annotator.models import Role
from annotator.services.accounts import users
from annotator.services.errors import ServiceError


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
        raise fail(error) from None
    click.echo(f"Created {user.role} “{user.username}”.")


@users_group.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
@writes
def users_passwd(name: str, password_stdin: bool) -> None:
    """Set the password of user NAME (prompted, or read with --password-stdin); ends all their sessions."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        user = users.get_user(name)
        users.set_password(user, password, actor=None)
    except ServiceError as error:
        raise fail(error) from None
    click.echo(f"Password of “{user.username}” changed; their sessions ended, API tokens kept.")


@users_group.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@with_appcontext
@writes
def users_role(name: str, role: str) -> None:
    """Make user NAME an admin or a reviewer (recorded in the security log)."""
    try:
        user = users.get_user(name)
        changed = users.set_role(user, role, actor=None)
    except ServiceError as error:
        raise fail(error) from None
    click.echo(f"“{user.username}” is {'now' if changed else 'already'} {role}.")
