"""search stems: the search index finds other forms of a word in the article's language

Each entry of search_index gets its article's language, and the full-text engines index the body a
second time, stemmed in that language (Snowball): SQLite through the view search_content and the
SQL function annotator_stems, PostgreSQL in a generated tsvector column ``stv`` whose
configuration follows the row's language. The triggers are installed again to keep the language.
Progress is printed as the entries are filled, in steps of 20,000.

Revision ID: 0017
Revises: 0012
Create Date: 2026-12-06 03:30:00
"""

import sys

import sqlalchemy as sa
from alembic import op

from annotator.migrations import search_ddl_v1 as v1
from annotator.models.search import (
    SQLITE_CONTENT,
    SQLITE_FTS,
    pg_stemmed_statements,
    trigger_statements,
)

revision = "0017"
down_revision = "0012"
branch_labels = None
depends_on = None

STEP = 20_000


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _in_steps(statement: str, what: str) -> None:
    """Run ``statement`` (with :low and :high bounds on search_index.id) over every entry."""
    bind = op.get_bind()
    top = bind.execute(sa.text("SELECT coalesce(max(id), 0) FROM search_index")).scalar() or 0
    for low in range(0, top + 1, STEP):
        bind.execute(sa.text(statement), {"low": low, "high": low + STEP})
        if top > STEP:
            _say(f"  {what}: {min(low + STEP, top):,} of {top:,} entries")


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in v1.uninstall_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.add_column("search_index", sa.Column("language", sa.String(length=16), nullable=True))
    _in_steps(
        "UPDATE search_index SET language = (SELECT a.language FROM articles a "
        "WHERE a.id = search_index.article_id) "
        "WHERE article_id IS NOT NULL AND id >= :low AND id < :high",
        "languages",
    )
    if sqlite:
        op.execute(SQLITE_CONTENT)
        op.execute(SQLITE_FTS)
        _in_steps(
            "INSERT INTO search_fts(rowid, body, stems) SELECT id, body, stems "
            "FROM search_content WHERE id >= :low AND id < :high",
            "stemmed index",
        )
    else:
        _say("  stemmed index: adding the column (PostgreSQL rewrites the table once)")
        for statement in pg_stemmed_statements():
            op.execute(statement)
    for statement in trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)
    if not sqlite:
        op.execute("ANALYZE search_index")


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in v1.uninstall_statements(dialect):  # the same trigger names as now
        op.execute(statement)
    if dialect == "sqlite":
        op.execute("DROP VIEW IF EXISTS search_content")
        op.drop_column("search_index", "language")
        for statement in v1.INSTALL_SQLITE:
            op.execute(statement)
        op.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    else:
        op.execute("DROP INDEX IF EXISTS ix_search_index_stv")
        op.execute("ALTER TABLE search_index DROP COLUMN stv")
        op.drop_column("search_index", "language")
        for statement in v1.INSTALL_POSTGRESQL[2:]:  # tsv and its index are still there
            op.execute(statement)
