"""Configuration, read in a fixed order: defaults, instance/config.py, environment, test_config."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

from annotator.fields import ANNOTATION, ARTICLE

MAX_ARTICLE_CHARS = ARTICLE["text"].limit

DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_DATABASE_URI": None,  # filled in from the instance folder below
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "MAX_ARTICLE_CHARS": MAX_ARTICLE_CHARS,
    "MAX_FILES_PER_BATCH": 50,  # files in one upload on the import page
    "MAX_ARTICLES_PER_BATCH": 100,  # articles previewed and imported at once on the page (CLI: no limit)
    "MAX_IMPORT_FILE_BYTES": 64 * 1024 * 1024,  # one file read by `annotator import`
    "MAX_FIELD_CHARS": 2_000,
    "MAX_NOTE_CHARS": ANNOTATION["note"].limit,
    "MAX_LINKS": ANNOTATION["links"].limit,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session
    # Accounts and sessions (docs/security.md). The defaults follow OWASP ASVS level 2.
    "PASSWORD_MIN_LENGTH": 12,
    "SESSION_IDLE_MINUTES": 30,  # a session unused this long ends
    "SESSION_LIFETIME_HOURS": 12,  # and every session ends this long after its login
    "REMEMBER_HOURS": 12,  # "keep me logged in" survives idle time and browser restarts; 0: no box
    "LOGIN_FREE_FAILURES_ACCOUNT": 5,  # wrong passwords for one name before delays start
    "LOGIN_FREE_FAILURES_ADDRESS": 20,  # ... and from one client address (offices share one)
    "LOGIN_MAX_DELAY_SECONDS": 900,  # delays double from 1 s up to this
    "LOGIN_THROTTLE_RESET_MINUTES": 60,  # failures older than this are forgotten
    # Behind HTTPS and a reverse proxy (docs/security.md).
    "HTTPS": False,  # Secure cookies and HSTS; set when users reach the app over https
    "HSTS_SECONDS": 31_536_000,
    "PROXY_HOPS": 0,  # trusted reverse proxies in front of the app (X-Forwarded-For/-Proto)
    "PUBLIC_URL": "http://localhost/",  # absolute links in exports; never the request's Host
    "PAGE_SIZE": 100,
    # Public fact-check pages (README, "Publishing fact-checks").
    "PUBLIC_NAME": "Fact-check desk",  # the desk as readers see it, and ClaimReview's author
    "PUBLIC_BYLINE": False,  # name the admin who settled each claim
    "PUBLIC_MAX_AGE": 60,  # seconds readers' caches (and CDNs) keep a page
    "PUBLIC_CACHE_SECONDS": 5,  # seconds each process keeps a rendered page
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

    _private_folder(Path(app.instance_path))
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not uri:
        uri = "sqlite:///" + str(Path(app.instance_path) / "annotator.sqlite3")
    if uri.startswith("postgres://"):  # Heroku-style URLs
        uri = "postgresql://" + uri.removeprefix("postgres://")
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite:///") and ":memory:" not in uri:
        _private_file(Path(uri.removeprefix("sqlite:///").split("?")[0]))
    if app.config["HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        if app.config["SESSION_COOKIE_NAME"] == "session":  # Flask's default name
            app.config["SESSION_COOKIE_NAME"] = "__Host-session"  # Secure, Path=/, no Domain
    if not str(app.config["PUBLIC_URL"]).endswith("/"):
        app.config["PUBLIC_URL"] = str(app.config["PUBLIC_URL"]) + "/"
    if uri.startswith("sqlite"):
        from annotator.db import sqlite_engine_options

        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = sqlite_engine_options(
            app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        )
    elif uri.startswith("postgresql"):
        from annotator.db import postgresql_engine_options

        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = postgresql_engine_options(
            app.config["SQLALCHEMY_ENGINE_OPTIONS"], uri
        )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")


def _private_folder(path: Path) -> None:
    """Create the instance folder readable by its owner only (it holds the secret key and data)."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.chmod(0o700)  # mkdir's mode is reduced by the umask, never widened


def _private_file(path: Path) -> None:
    """Make the SQLite database (and so its -wal and -shm files, which copy its mode) owner-only.

    Created empty here if missing, so it never exists with the umask's wider mode."""
    if not path.parent.is_dir():
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(path, 0o600)
        for suffix in ("-wal", "-shm"):
            sidecar = path.with_name(path.name + suffix)
            if sidecar.exists():
                os.chmod(sidecar, 0o600)
    except PermissionError:  # not ours to change (a read-only copy): leave it as it is
        return


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
