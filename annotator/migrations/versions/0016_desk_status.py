"""desk status: articles nobody assigned move on when the desk's number of reviewers finished them

The status is stored (article_states), and the rule is new: a desk that judged without assignments
has every such article still "in review". The rule needs the services (standing verdicts, open
disagreements), so the migration leaves a marker and `annotator init`, which runs it, then works
out every article's status once (services.status.recompute_all) and removes the marker.

Revision ID: 0016
Revises: 0012
Create Date: 2026-12-06 03:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0012"
branch_labels = None
depends_on = None

MARKER = "status_recompute_pending"


def upgrade() -> None:
    settings = sa.table("desk_settings", sa.column("name", sa.String), sa.column("value", sa.String))
    op.bulk_insert(settings, [{"name": MARKER, "value": "yes"}])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM desk_settings WHERE name = :name").bindparams(name=MARKER))
