"""adjudications: an admin's final verdict on a sentence

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 10:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "adjudications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sentence_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("adjudicator_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "verdict IN ('verified', 'unproven', 'disputed')", name=op.f("ck_adjudications_verdict")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_adjudications_version")),
        sa.ForeignKeyConstraint(
            ["adjudicator_id"], ["users.id"], name=op.f("fk_adjudications_adjudicator_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["sentence_id"],
            ["sentences.id"],
            name=op.f("fk_adjudications_sentence_id_sentences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjudications")),
        sa.UniqueConstraint("sentence_id", name=op.f("uq_adjudications_sentence_id")),
    )
    with op.batch_alter_table("adjudications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_adjudications_adjudicator_id"), ["adjudicator_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("adjudications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adjudications_adjudicator_id"))

    op.drop_table("adjudications")
