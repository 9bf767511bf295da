"""annotations keep the words they judged when an article's text edit leaves them unplaced

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 18:30:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lost_quote", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.drop_column("lost_quote")
