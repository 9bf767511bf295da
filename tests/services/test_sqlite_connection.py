"""SQLite connections are set up as db.py promises: WAL, foreign keys on, a busy timeout."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy.exc import IntegrityError

from annotator.db import BUSY_TIMEOUT_MS, add_sql_functions, write_intent
from annotator.extensions import db
from annotator.models import Sentence


@pytest.fixture
def sqlite_engine(app):
    if db.engine.dialect.name != "sqlite":
        reason = f"SQLite connection pragmas; this run uses {db.engine.dialect.name}"
        print(reason)
        pytest.skip(reason)
    db.engine.dispose()  # every connection below is a new one, set up by the connect hook
    return db.engine


def test_a_new_connection_has_wal_foreign_keys_and_a_busy_timeout(sqlite_engine):
    with sqlite_engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == BUSY_TIMEOUT_MS >= 5000
        assert pragma("synchronous") == 1  # NORMAL: safe with WAL, faster than FULL


def test_foreign_keys_are_enforced(sqlite_engine, make_article):
    make_article()
    db.session.add(Sentence(article_id=999_999, index=0, paragraph=0, start=0, end=1))
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        db.session.flush()
    db.session.rollback()


def raw_connection(engine):
    """Another process's view of the file: a plain sqlite3 connection that never waits."""
    return add_sql_functions(
        sqlite3.connect(
            engine.url.database, isolation_level=None, timeout=0, check_same_thread=False
        )
    )


def title_of(connection, article_id: int) -> str:
    return connection.exec_driver_sql(
        "SELECT title FROM articles WHERE id = ?", (article_id,)
    ).scalar()


def test_a_long_read_does_not_block_a_save(sqlite_engine, make_article):
    """WAL: a save commits while an export is still reading (a rollback journal refuses it)."""
    article = make_article()
    db.session.commit()
    writer = raw_connection(sqlite_engine)
    try:
        with sqlite_engine.connect() as reader, reader.begin():
            assert title_of(reader, article.id) == article.title  # a read transaction is open
            writer.execute(
                "UPDATE articles SET title = 'saved meanwhile' WHERE id = ?", (article.id,)
            )
            assert title_of(reader, article.id) == article.title  # its snapshot is unchanged
        with sqlite_engine.connect() as later:
            assert title_of(later, article.id) == "saved meanwhile"
    finally:
        writer.close()


def test_a_second_writer_waits_for_the_first_instead_of_failing(sqlite_engine, make_article):
    """busy_timeout: a save queues while another holds the write lock, then goes through."""
    article = make_article()
    db.session.commit()
    writer = raw_connection(sqlite_engine)
    release = threading.Timer(0.5, writer.execute, ("COMMIT",))
    try:
        writer.execute("BEGIN IMMEDIATE")  # holds the write lock for half a second
        writer.execute("UPDATE articles SET title = 'first' WHERE id = ?", (article.id,))
        release.start()
        started = time.monotonic()
        with write_intent(), sqlite_engine.begin() as second:  # as every save declares itself
            second.exec_driver_sql(
                "UPDATE articles SET outlet = 'second' WHERE id = ?", (article.id,)
            )
        waited = time.monotonic() - started
    finally:
        release.cancel()
        if release.is_alive():
            release.join()
        writer.close()
    assert 0.3 < waited < BUSY_TIMEOUT_MS / 1000
    with sqlite_engine.connect() as check:
        row = check.exec_driver_sql(
            "SELECT title, outlet FROM articles WHERE id = ?", (article.id,)
        ).one()
    assert tuple(row) == ("first", "second")


def test_a_request_gets_the_connection_used_last_with_its_pages_still_cached(sqlite_engine):
    """Saves take turns: each should get the connection the one before it gave back, whose page
    cache that save's own commit left valid. The oldest idle connection would have seen other
    connections' commits since, and read its pages again (42 reads a save instead of 2)."""
    held = [sqlite_engine.connect() for _ in range(3)]
    drivers = [connection.connection.dbapi_connection for connection in held]
    for connection in held:
        connection.close()  # the third is given back last
    with sqlite_engine.connect() as connection:
        assert connection.connection.dbapi_connection is drivers[-1]
