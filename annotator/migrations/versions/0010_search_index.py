"""search_index: full-text search over articles, sentences, annotations, links and sources

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 05:00:00

The index is kept by database triggers (see annotator/models/search.py, whose DDL as of this
revision is installed here) and filled from the existing rows.
"""

import sqlalchemy as sa
from alembic import op

from annotator.migrations.search_ddl_v1 import (
    install_statements,
    rebuild_statements,
    uninstall_statements,
)

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_index",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("sentence_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name="fk_search_index_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_index")),
        sa.UniqueConstraint("kind", "ref_id", name="uq_search_index_kind_ref"),
    )
    op.create_index("ix_search_index_article", "search_index", ["article_id"])
    op.create_index("ix_search_index_sentence", "search_index", ["sentence_id"])
    dialect = op.get_bind().dialect.name
    for statement in install_statements(dialect) + rebuild_statements(dialect):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in uninstall_statements(dialect):
        op.execute(statement)
    op.drop_index("ix_search_index_sentence", table_name="search_index")
    op.drop_index("ix_search_index_article", table_name="search_index")
    op.drop_table("search_index")
