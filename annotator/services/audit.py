"""Write revision rows in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import selectinload

from annotator import uow
from annotator.extensions import db
from annotator.models import Revision, User

_INSERT = db.insert(Revision.__table__)  # built once: every change writes one


def record(
    entity: str,
    entity_id: int,
    action: str,
    *,
    actor: User | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Write one revision row; it commits or rolls back with the change it describes.

    A plain INSERT on the session's connection rather than a pending ORM object: the row needs no
    identity in the session, and skipping a second unit-of-work flush halves the cost of a save."""
    uow.run(
        _INSERT,
        {
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "actor_id": actor.id if actor else None,
            "before": before,
            "after": after,
        },
    )


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


def insert_revisions(rows: list[dict[str, Any]]) -> int:
    """Bulk path for loading an export: revision rows as given (entity, entity_id, action,
    actor_id, created_at, before, after) in one statement; how many."""
    if rows:
        db.session.execute(db.insert(Revision.__table__), rows)
    return len(rows)
