"""desk: assignments of articles to reviewers, article status, desk settings

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 04:40:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("priority BETWEEN 0 AND 3", name=op.f("ck_assignments_priority")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_assignments_version")),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_assignments_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["users.id"],
            name=op.f("fk_assignments_reviewer_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["users.id"],
            name=op.f("fk_assignments_assigned_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint("article_id", "reviewer_id", name="uq_assignments_article_reviewer"),
    )
    op.create_index(op.f("ix_assignments_reviewer_id"), "assignments", ["reviewer_id"])
    op.create_table(
        "article_states",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=11), nullable=False),
        sa.Column("by_hand", sa.Boolean(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('new', 'in_review', 'ready', 'adjudicated', 'archived')",
            name=op.f("ck_article_states_status"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_article_states_version")),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_states_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_article_states_changed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_states")),
    )
    op.create_index(op.f("ix_article_states_status"), "article_states", ["status"])
    op.create_table(
        "desk_settings",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_desk_settings")),
    )


def downgrade():
    op.drop_table("desk_settings")
    op.drop_index(op.f("ix_article_states_status"), table_name="article_states")
    op.drop_table("article_states")
    op.drop_index(op.f("ix_assignments_reviewer_id"), table_name="assignments")
    op.drop_table("assignments")
