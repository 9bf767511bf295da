"""Migrations: the models and the migrated schema agree, and `annotator init` upgrades a database
that holds data without losing any of it."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import Column, create_engine, text

from annotator.db import is_managed
from annotator.extensions import db
from tests.conftest import make_test_app

# SQLAlchemy cannot reflect SQLite's expression indexes (the articles' lower(title)), so
# autogenerate skips them there; test_models_and_migrated_schema_agree looks them up by name.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index"),
    pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based"),
]


def _mapped(obj, name, type_, reflected, compare_to) -> bool:
    """The search index's full-text parts live outside the ORM (see annotator/models/search.py)."""
    from annotator.models.search import UNMAPPED

    return not (name in UNMAPPED or (name or "").startswith("search_fts"))


def _differences(connection) -> list[object]:
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "compare_server_default": False,
            "include_object": _mapped,
            "include_name": is_managed,
        },
    )
    return compare_metadata(context, db.metadata)


def test_models_and_migrated_schema_agree(app: Flask) -> None:
    expressions = [
        index.name
        for table in db.metadata.tables.values()
        for index in table.indexes
        if any(not isinstance(column, Column) for column in index.expressions)
    ]
    assert "ix_articles_lower_title" in expressions
    with db.engine.connect() as connection:
        diff = _differences(connection)
        listed = (
            "SELECT name FROM sqlite_master WHERE type = 'index'"
            if connection.dialect.name == "sqlite"
            else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        )
        indexes = set(connection.execute(text(listed)).scalars())
    assert set(expressions) <= indexes, "an expression index of the models has no migration"
    assert diff == [], "models and migrations differ; add a migration:\n" + "\n".join(
        map(repr, diff)
    )


@pytest.fixture
def empty_database(database_uri: str, tmp_path: Path) -> Iterator[str]:
    """A database of its own: a new SQLite file, or a new schema on the PostgreSQL server."""
    if not database_uri.startswith("postgresql"):
        yield "sqlite:///" + str(tmp_path / "old.sqlite3")
        return
    schema = f"migrate_{uuid.uuid4().hex[:8]}"
    engine = create_engine(database_uri.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in database_uri else "?"
    try:
        yield f"{database_uri}{separator}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def test_init_upgrades_a_0001_database_keeping_its_data(
    empty_database: str, tmp_path: Path
) -> None:
    old = make_test_app(empty_database, tmp_path)
    with old.app_context():
        directory = old.extensions["migrate"].directory
        upgrade(directory=directory, revision="0001")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, username, password_hash, role, active, created_at) "
                    "VALUES (1, 'alice', 'x', 'reviewer', true, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO articles (id, title, text, content_hash, created_at, updated_at) "
                    "VALUES (1, 'T', 'One. Two.', 'h', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO sentences (id, article_id, position, paragraph, start_offset, end_offset) "
                    "VALUES (1, 1, 0, 0, 0, 4)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO annotations (id, sentence_id, reviewer_id, verdict, attributed_to, note, version, "
                    "created_at, updated_at) VALUES (1, 1, 1, 'disputed', '', '', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO evidence_links (id, annotation_id, position, url, title, credibility) "
                    "VALUES (1, 1, 0, 'https://www.reuters.com/a', 'Wire', 'medium')"
                )
            )
        db.engine.dispose()

    result = old.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    again = old.test_cli_runner().invoke(args=["init"])  # idempotent
    assert again.exit_code == 0, again.output

    with old.app_context():
        with db.engine.connect() as connection:
            head = ScriptDirectory.from_config(
                old.extensions["migrate"].migrate.get_config(directory)
            ).get_current_head()
            assert (
                connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
                == head
            )
            link = connection.execute(
                text(
                    "SELECT url, title, credibility, credibility_source, override_reason, source_id FROM evidence_links"
                )
            ).one()
            assert tuple(link) == (
                "https://www.reuters.com/a",
                "Wire",
                "medium",
                "reviewer",
                "",
                None,
            )
            assert connection.execute(text("SELECT count(*) FROM annotations")).scalar_one() == 1
            assert _differences(connection) == []
        db.engine.dispose()


@contextlib.contextmanager
def _upgraded_from(
    revision: str, database: str, tmp_path: Path, title: str, body: str, language: str
) -> Iterator[str]:
    """An app on a database migrated to ``revision``, given an admin and a one-sentence article
    there, then upgraded to the newest: inside its app context, the migrations' directory."""
    old = make_test_app(database, tmp_path)
    with old.app_context():
        directory = old.extensions["migrate"].directory
        upgrade(directory=directory, revision=revision)
        _admin_and_one_sentence(title, body, language)
        upgrade(directory=directory)
        yield directory


def _admin_and_one_sentence(title: str, body: str, language: str) -> None:
    """An admin (id 1) and an article of one sentence (ids 1), written as SQL: an older schema
    lacks columns the models have now."""
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, username, password_hash, role, active, created_at) "
                "VALUES (1, 'boss', 'x', 'admin', true, CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO articles (id, title, text, language, content_hash, created_at, "
                "updated_at) VALUES (1, :title, :body, :language, 'h', CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"
            ),
            {"title": title, "body": body, "language": language},
        )
        connection.execute(
            text(
                "INSERT INTO sentences (id, article_id, position, paragraph, start_offset, "
                "end_offset) VALUES (1, 1, 0, 0, 0, :end)"
            ),
            {"end": len(body)},
        )


def test_upgrading_the_search_index_stems_what_it_held(empty_database: str, tmp_path: Path) -> None:
    """0017: entries written before it get their article's language and are found by other forms."""
    from annotator.models import User
    from annotator.services import search

    with _upgraded_from("0012", empty_database, tmp_path, "Llegan", "Las vacunas llegaron.", "es"):
        boss = db.session.get(User, 1)
        page = search.search("vacuna", search.SearchFilter(kinds=("sentence",)), viewer=boss)
        assert [hit.sentence_id for hit in page.items] == [1]
        db.session.remove()
        db.engine.dispose()


def _search_schema(connection) -> set[tuple[str, str]]:
    """What the search index is made of, beside its table: indexes, triggers, functions, views."""
    if connection.dialect.name == "sqlite":
        rows = connection.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger', 'view') "
                "AND sql IS NOT NULL OR name = 'search_fts'"
            )
        )
        return {(name, sql) for name, sql in rows if "search" in name or "search" in sql}
    rows = connection.execute(
        text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = 'search_index' UNION ALL "
            "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p "
            "WHERE p.pronamespace = CAST(current_schema() AS regnamespace) UNION ALL "
            "SELECT tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class "
            "WHERE relnamespace = CAST(current_schema() AS regnamespace))"
        )
    )
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    return {
        (name, definition.replace(f"{schema}.", ""))
        for name, definition in rows
        if "search" in name or name.startswith("annotator_")
    }


def test_the_models_and_the_migrations_build_the_same_search_index(
    app: Flask, empty_database: str, tmp_path: Path
) -> None:
    """annotator/models/search.py's DDL for a new database, and the migrations' for an old one."""
    from annotator.models.search import install_statements

    with db.engine.connect() as connection:
        migrated = _search_schema(connection)
    fresh = create_engine(empty_database.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with fresh.begin() as connection:
            if connection.dialect.name == "sqlite":
                from annotator.db import add_sql_functions

                add_sql_functions(connection.connection.dbapi_connection)
            db.metadata.create_all(connection)
            for statement in install_statements(connection.dialect.name):
                connection.execute(text(statement))
            created = _search_schema(connection)
    finally:
        fresh.dispose()
    names = {name for name, _ in migrated}
    assert "articles_search_ai" in names
    assert "ix_search_index_pairs" in names or db.engine.dialect.name == "sqlite"
    assert created == migrated


def test_upgrading_finds_phrases_by_word_pairs(empty_database: str, tmp_path: Path) -> None:
    """0021: PostgreSQL indexes the word pairs of what the index held; phrases find it."""
    from annotator.models import User
    from annotator.services import search

    talks = ("Talks", "The negotiation spokesman said no.", "en")
    with _upgraded_from("0020", empty_database, tmp_path, *talks) as directory:
        postgresql = db.engine.dialect.name == "postgresql"
        if postgresql:
            pairs = db.session.execute(
                text(
                    "SELECT (annotator_word_pairs(tsv) || annotator_word_pairs(stv)) "
                    "FROM search_index WHERE kind = 'sentence'"
                )
            ).scalar_one()
            assert {"negotiation spokesman", "negoti spokesman"} <= set(pairs)
            indexes = db.session.execute(text("SELECT indexname FROM pg_indexes")).scalars()
            assert "ix_search_index_pairs" in set(indexes)
        boss = db.session.get(User, 1)
        for phrase, found in (('"negotiation spokesman"', [1]), ('"spokesman negotiation"', [])):
            page = search.search(phrase, search.SearchFilter(kinds=("sentence",)), viewer=boss)
            assert [hit.sentence_id for hit in page.items] == found
        db.session.remove()
        if postgresql:  # and back: the index and its functions go
            from flask_migrate import downgrade

            downgrade(directory=directory, revision="0020")
            with db.engine.connect() as connection:
                left = connection.execute(
                    text(
                        "SELECT count(*) FROM pg_proc WHERE proname LIKE 'annotator_%_pairs' "
                        "AND pronamespace = CAST(current_schema() AS regnamespace)"
                    )
                ).scalar_one()
                assert left == 0
            upgrade(directory=directory)
        db.engine.dispose()
