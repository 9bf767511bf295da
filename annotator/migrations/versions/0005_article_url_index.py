"""index articles.url: the duplicate check looks articles up by URL on every import

Without it the check scanned the whole table for each new article, so a bulk import slowed down
quadratically with the number of articles already stored.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 19:30:00
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f("ix_articles_url"), "articles", ["url"])


def downgrade():
    op.drop_index(op.f("ix_articles_url"), table_name="articles")
