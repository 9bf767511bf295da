"""Flask extensions, created unbound, attached in create_app."""

from __future__ import annotations

import functools
from typing import Any

import click
from flask import Flask
from flask_babel import Babel, lazy_gettext
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from annotator.db import Base


class _MigrateConfig:
    """What Flask-Migrate keeps in ``app.extensions["migrate"]`` (its commands, ``annotator init``
    and migrations/env.py read it), with its ``Migrate`` made when first asked for."""

    def __init__(self, db: SQLAlchemy, directory: str, configure_args: dict[str, Any]) -> None:
        self.db = db
        self.directory = directory
        self.configure_args = configure_args

    @functools.cached_property
    def migrate(self) -> Any:
        from flask_migrate import Migrate

        return Migrate(db=self.db, directory=self.directory, **self.configure_args)

    @property
    def metadata(self) -> Any:
        return self.db.metadata


class _MigrationCommands(click.Group):
    """`db`: Flask-Migrate's own command group, imported when it is run."""

    def __init__(self) -> None:
        super().__init__("db", help="Perform database migrations.")

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ):
        from flask_migrate.cli import db as migrate_commands

        return migrate_commands.make_context(info_name, args, parent, **extra)


class Migrations:
    """Flask-Migrate, imported on first use: importing it imports alembic, about a quarter of a
    second of every CLI start, and only `annotator init`, the `db` commands and the tests' schema
    use it. Attached like Flask-Migrate's ``Migrate``, it leaves the same ``app.extensions["migrate"]``
    and `db` commands."""

    def __init__(self, **configure_args: Any) -> None:
        self.configure_args = configure_args

    def init_app(self, app: Flask, db: SQLAlchemy, directory: str) -> None:
        app.extensions["migrate"] = _MigrateConfig(db, directory, self.configure_args)
        app.cli.add_command(_MigrationCommands())


db = SQLAlchemy(model_class=Base)
migrate = Migrations(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = lazy_gettext("Please log in to see that page.")
login_manager.login_message_category = "info"
babel = Babel()
