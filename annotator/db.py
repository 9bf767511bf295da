"""Declarative base, naming convention, and SQLite connection settings."""

from __future__ import annotations

import contextlib
import contextvars
import re
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from annotator.text.stemming import stems

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

BUSY_TIMEOUT_MS = 10_000

# Set by the edges (unsafe HTTP methods, CLI writes): the next transaction takes SQLite's write
# lock up front, so two concurrent saves queue on busy_timeout instead of failing with
# "database is locked" when a read transaction tries to upgrade to a write.
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


# Tables the migrations make by hand beside the models: full-text indexes that triggers keep
# (and, on SQLite, FTS5's own shadow tables, named after them).
UNMANAGED_TABLES = ("claim_index", "claim_vocab")


def is_managed(name: str | None, type_: str, _parents: object = None) -> bool:
    """Alembic's include_name: leave the hand-made index tables out of autogenerate."""
    return not (type_ == "table" and name is not None and name.startswith(UNMANAGED_TABLES))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def set_write_intent(value: bool = True) -> contextvars.Token[bool]:
    """Declare that the coming transaction will write (matters on SQLite only)."""
    return _write_intent.set(value)


@contextlib.contextmanager
def write_intent() -> Iterator[None]:
    """Context manager form of set_write_intent."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


SYNCHRONOUS = ("OFF", "NORMAL", "FULL", "EXTRA")
_WRITES = re.compile(
    r"\s*(?:INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|VACUUM|PRAGMA\s+wal_checkpoint)\b",
    re.IGNORECASE,
)


def sqlite_engine_options(options: dict[str, Any]) -> dict[str, Any]:
    """Engine options for an SQLite URL: connections that take the shared write lock, handed out
    last-in first-out. Saves take turns, so the next one gets the connection the one before it gave
    back, whose page cache that save's own commit left valid; first-in first-out gave each the
    oldest idle connection, which had seen seven other connections' commits since and read its
    pages again: 42 page reads a save instead of 2 under eight writers."""
    from annotator.sqlite_lock import LockedConnection

    connect_args = {"factory": LockedConnection, **options.get("connect_args", {})}
    return {"pool_use_lifo": True, **options, "connect_args": connect_args}


def postgresql_engine_options(options: dict[str, Any], uri: str = "") -> dict[str, Any]:
    """Engine options for a PostgreSQL URL: sessions without the JIT compiler.

    PostgreSQL compiles a query to machine code when its estimated cost passes jit_above_cost;
    a search's count over a common word did, and spent 190 of its 245 ms compiling, on every
    request (nothing keeps the compiled code). These are short queries: plain execution is faster.
    Settings given in connect_args (or the URL's ``options``, such as a search_path) still win:
    connect_args would replace the URL's, so they are carried over."""
    from sqlalchemy.engine import make_url

    connect_args = dict(options.get("connect_args", {}))
    in_url = make_url(uri).query.get("options") if uri else None
    in_url = " ".join(in_url) if isinstance(in_url, tuple) else in_url
    connect_args["options"] = " ".join(
        filter(None, ["-c jit=off", in_url, connect_args.get("options")])
    )
    return {**options, "connect_args": connect_args}


def configure_engines(engines: Iterable[Engine], synchronous: str = "NORMAL") -> None:
    """Attach SQLite pragmas, explicit BEGIN handling and the shared write lock to these engines."""
    synchronous = str(synchronous or "NORMAL").upper()
    if synchronous not in SYNCHRONOUS:
        raise ValueError(
            f"SQLITE_SYNCHRONOUS must be one of {', '.join(SYNCHRONOUS)} (got {synchronous!r})."
        )
    for engine in engines:
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine, synchronous)


def add_sql_functions(connection: sqlite3.Connection) -> sqlite3.Connection:
    """Give a plain sqlite3 connection the SQL functions the schema's triggers call: the search
    index stems what it indexes with ``annotator_stems`` (annotator/models/search.py). A
    connection without them can read the database but not write indexed tables."""
    connection.create_function("annotator_stems", 2, stems, deterministic=True)
    return connection


def _configure_sqlite(engine: Engine, synchronous: str = "NORMAL") -> None:
    if getattr(engine, "_annotator_configured", False):
        return
    engine._annotator_configured = True  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's begin event own transactions (pysqlite's own BEGIN is too late).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()
        add_sql_functions(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # Straight on the driver's connection: every request begins one (exec_driver_sql cost
        # ten times the statement).
        if _write_intent.get():
            take_write_lock(connection)
            connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE")
        else:
            connection.connection.dbapi_connection.execute("BEGIN")

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(connection, _cursor, statement, _parameters, _context, _many) -> None:
        if _WRITES.match(statement):  # a write in a transaction begun as a read
            take_write_lock(connection)


def take_write_lock(connection) -> None:
    """Hold the database's shared write lock until this transaction commits or rolls back."""
    take = getattr(connection.connection.dbapi_connection, "take_write_lock", None)
    if take is not None:
        take()
