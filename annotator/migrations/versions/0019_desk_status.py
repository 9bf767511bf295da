"""desk status and near-duplicates: unassigned work moves on; articles' near-duplicate buckets

1. Articles nobody assigned move on when the desk's number of reviewers finished them. The
   status is stored (article_states) and the rule is new: a desk that judged without assignments
   has every such article still "in review". The rule needs the services (standing verdicts, open
   disagreements), so the migration leaves a marker and `annotator init`, which runs it, works out
   every article's status once (services.status.recompute_all) and removes the marker.
2. article_buckets: each article's MinHash LSH buckets (annotator.text.near_duplicates), so an
   import finds near-duplicates by an index lookup; filled here for the articles already stored.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 03:30:00
"""

import sqlalchemy as sa
from alembic import op

from annotator.text.near_duplicates import buckets, shingles

revision = "0019"
down_revision = "0018"  # after the merges of main (0017 and 0018 came first): one head
branch_labels = None
depends_on = None

MARKER = "status_recompute_pending"


def upgrade() -> None:
    settings = sa.table(
        "desk_settings", sa.column("name", sa.String), sa.column("value", sa.String)
    )
    op.bulk_insert(settings, [{"name": MARKER, "value": "yes"}])
    table = op.create_table(
        "article_buckets",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("bucket", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_buckets_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "band", name=op.f("pk_article_buckets")),
    )
    op.create_index("ix_article_buckets_bucket", "article_buckets", ["bucket"])
    connection = op.get_bind()
    articles = sa.table("articles", sa.column("id", sa.Integer), sa.column("text", sa.Text))
    last = 0
    while True:  # a thousand articles at a time: the texts are never all in memory
        rows = connection.execute(
            sa.select(articles.c.id, articles.c.text)
            .where(articles.c.id > last)
            .order_by(articles.c.id)
            .limit(1000)
        ).all()
        if not rows:
            break
        values = [
            {"article_id": article_id, "band": band, "bucket": bucket}
            for article_id, text in rows
            for band, bucket in enumerate(buckets(shingles(text or "")))
        ]
        if values:
            op.bulk_insert(table, values)
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_article_buckets_bucket", table_name="article_buckets")
    op.drop_table("article_buckets")
    op.execute(sa.text("DELETE FROM desk_settings WHERE name = :name").bindparams(name=MARKER))
