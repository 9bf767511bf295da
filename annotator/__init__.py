"""annotator: claim and source-credibility annotation for fact-checking desks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

_PACKAGE = Path(__file__).resolve().parent


def _asset_folder(name: str) -> str:
    """Installed wheels carry templates/static inside the package; a checkout keeps them at the top."""
    inside = _PACKAGE / name
    return str(inside if inside.is_dir() else _PACKAGE.parent / name)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, error handlers."""
    from annotator import api, config, db, errors, i18n, inputs
    from annotator.extensions import csrf, login_manager, migrate
    from annotator.extensions import db as database
    from annotator.uow import UnitOfWorkFlask
    from annotator.web import register_blueprints

    app = UnitOfWorkFlask(
        __name__,
        instance_path=(test_config or {}).get("INSTANCE_PATH") or config.instance_path(),
        template_folder=_asset_folder("templates"),
        static_folder=_asset_folder("static"),
    )
    config.load(app, test_config)
    inputs.install(app)  # before any route is added: the bounded <int:...> converter

    database.init_app(app)
    with app.app_context():
        db.configure_engines(database.engines.values(), app.config.get("SQLITE_SYNCHRONOUS"))
    migrate.init_app(app, database, directory=str(_PACKAGE / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)

    register_blueprints(app)
    api.register(app)
    errors.register(app)

    from annotator import cli

    cli.register(app)
    return app
