"""Write revision rows in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import selectinload

from annotator.extensions import db
from annotator.models import Revision, User


def record(
    entity: str,
    entity_id: int,
    action: str,
    *,
    actor: User | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> Revision:
    """Add one revision row; it commits or rolls back with the change it describes."""
    revision = Revision(
        entity=entity,
        entity_id=entity_id,
        action=action,
        actor_id=actor.id if actor else None,
        before=before,
        after=after,
    )
    db.session.add(revision)
    return revision


def history(entity: str, entity_id: int) -> list[Revision]:
    """Revisions of one record, oldest first."""
    return list(
        db.session.scalars(
            db.select(Revision)
            .where(Revision.entity == entity, Revision.entity_id == entity_id)
            .order_by(Revision.id)
            .options(selectinload(Revision.actor))  # pages show who made each change
        )
    )
