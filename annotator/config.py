"""Configuration, read in a fixed order: defaults, instance/config.py, environment, test_config."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

MAX_ARTICLE_CHARS = 500_000

DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_DATABASE_URI": None,  # filled in from the instance folder below
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "MAX_ARTICLE_CHARS": MAX_ARTICLE_CHARS,
    "MAX_FILES_PER_BATCH": 50,  # files in one upload on the import page
    "MAX_ARTICLES_PER_BATCH": 100,  # articles previewed and imported at once on the page (CLI: no limit)
    "MAX_IMPORT_FILE_BYTES": 64 * 1024 * 1024,  # one file read by `annotator import`
    "MAX_FIELD_CHARS": 2_000,
    "MAX_NOTE_CHARS": 10_000,
    "MAX_LINKS": 20,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session
    "PAGE_SIZE": 100,
    # SQLite's PRAGMA synchronous: NORMAL (WAL) keeps the database consistent on power loss but may
    # lose the last transactions committed before it; FULL loses none and makes each save slower.
    "SQLITE_SYNCHRONOUS": "NORMAL",
    "SEND_FILE_MAX_AGE_DEFAULT": 31_536_000,  # static URLs carry a version query
}


def instance_path() -> str:
    """ANNOTATOR_INSTANCE_PATH if set, else ./instance of the working directory."""
    return str(Path(os.environ.get("ANNOTATOR_INSTANCE_PATH", "instance")).resolve())


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill app.config in the documented order and make sure a secret key exists."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ANNOTATOR")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config:
        app.config.from_mapping(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri:
        uri = "sqlite:///" + str(Path(app.instance_path) / "annotator.sqlite3")
    if uri.startswith("postgres://"):  # Heroku-style URLs
        uri = "postgresql://" + uri.removeprefix("postgres://")
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite"):
        from annotator.db import sqlite_engine_options

        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite_engine_options(
            app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")


def _instance_secret(path: Path) -> str:
    """Read the secret key made on first run, or make it (readable by the owner only).

    Several workers may start together on a fresh instance: the key is written to a private
    temporary file and then linked into place, so the file never shows up empty and the first
    worker's key is the one every worker uses.
    """
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0o600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        os.link(temporary, path)
    except FileExistsError:  # another worker made it first
        return path.read_text().strip()
    finally:
        os.unlink(temporary)
    return key
