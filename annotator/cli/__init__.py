"""The `annotator` command: thin commands over the services, one module per group.

Each command's docstring is its help and its entry in the README's command reference. Commands that
write run as one unit of work (``cli._shared.writes``); they never commit themselves.
"""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup

from annotator.cli.backup import backup_command
from annotator.cli.bootstrap import bootstrap_command, init_command
from annotator.cli.desk import assign_command
from annotator.cli.exports import export_command
from annotator.cli.imports import import_command
from annotator.cli.publish import publish_command
from annotator.cli.search import reindex_command, search_command
from annotator.cli.serve import serve_command
from annotator.cli.tokens import tokens_group
from annotator.cli.users import users_group

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
    publish_command,
    search_command,
    reindex_command,
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
