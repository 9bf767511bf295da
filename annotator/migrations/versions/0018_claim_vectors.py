"""claim_vectors: a sentence vector per distinct judged claim, for "Seen before"

One row per sentence or span that has been judged (span_start = span_end = -1: the whole
sentence), with its vector (BLOB on SQLite, bytea on PostgreSQL), the encoder's model id and a
SHA-256 of the claim's words: a missing row, another model or another hash is work for the
background encoder (annotator/services/annotations/claim_vectors.py). Nothing is filled here: `annotator
reindex` or the worker in `annotator serve` encodes the existing claims.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 03:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "claim_vectors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sentence_id", sa.Integer(), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("encoded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sentence_id"],
            ["sentences.id"],
            name=op.f("fk_claim_vectors_sentence_id_sentences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_vectors")),
        sa.UniqueConstraint("sentence_id", "span_start", "span_end", name="uq_claim_vectors_claim"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_claim_vectors_text_hash"), "claim_vectors", ["text_hash"])


def downgrade():
    op.drop_index(op.f("ix_claim_vectors_text_hash"), table_name="claim_vectors")
    op.drop_table("claim_vectors")
