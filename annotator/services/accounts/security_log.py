"""The security log (auth_events): who logged in, failed, was slowed down or signed out, and by whom.

Written in the caller's transaction, like the revision history, but kept apart from it: the
history records changes to the desk's content, this records what happened to accounts."""

from __future__ import annotations

from typing import Any

from annotator.extensions import db
from annotator.models import AuthEvent, User


def record(
    event: str,
    *,
    user: User | int | None = None,
    actor: User | None = None,
    username: str = "",
    address: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Write one event (a plain INSERT: the row needs no identity in the session)."""
    user_id = user.id if isinstance(user, User) else user
    db.session.execute(
        db.insert(AuthEvent.__table__),
        {
            "event": event,
            "user_id": user_id,
            "actor_id": actor.id if actor is not None else None,
            "username": printable(username or (user.username if isinstance(user, User) else ""))[
                :100
            ],
            "address": (address or "")[:64],
            "detail": detail,
        },
    )


def printable(text: str) -> str:
    """Text as typed, made safe to store: control characters and lone surrogates become "?"."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(char if char.isprintable() else "?" for char in text)


def events(user: User | None = None, limit: int = 100) -> list[AuthEvent]:
    """The newest events, of one user or of everyone."""
    query = db.select(AuthEvent).order_by(AuthEvent.id.desc()).limit(limit)
    if user is not None:
        query = query.where(AuthEvent.user_id == user.id)
    return list(db.session.scalars(query))
