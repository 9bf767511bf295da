"""source registry; where each evidence link's rating came from

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:00:00

Existing links keep their ratings and are marked as set by the reviewer: the registry did not
exist when they were saved.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("credibility", sa.String(length=7), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("rated_by_id", sa.Integer(), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "credibility IN ('high', 'medium', 'low', 'unknown')",
            name=op.f("ck_sources_credibility"),
        ),
        sa.ForeignKeyConstraint(
            ["rated_by_id"],
            ["users.id"],
            name=op.f("fk_sources_rated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("name", name=op.f("uq_sources_name")),
    )
    op.create_table(
        "source_domains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_source_domains_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_domains")),
        sa.UniqueConstraint("domain", name=op.f("uq_source_domains_domain")),
    )
    with op.batch_alter_table("source_domains", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_source_domains_source_id"), ["source_id"], unique=False
        )

    with op.batch_alter_table("evidence_links", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "credibility_source", sa.String(length=8), server_default="reviewer", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("override_reason", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_evidence_links_credibility_source"),
            "credibility_source IN ('registry', 'reviewer')",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_evidence_links_source_id_sources"),
            "sources",
            ["source_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            batch_op.f("ix_evidence_links_source_id"), ["source_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("evidence_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_links_source_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_evidence_links_source_id_sources"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("ck_evidence_links_credibility_source"), type_="check")
        batch_op.drop_column("source_id")
        batch_op.drop_column("override_reason")
        batch_op.drop_column("credibility_source")

    with op.batch_alter_table("source_domains", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_domains_source_id"))

    op.drop_table("source_domains")
    op.drop_table("sources")
