"""Login sessions kept in the database, so ending one holds in every server process.

A browser holds two random secrets: the session token (inside Flask's signed session cookie) and,
if the user ticked "keep me logged in", a remember token in a cookie of its own. The database
keeps only their SHA-256 hashes. A session ends when its row is deleted (logout, password change,
deactivation, "sign out everywhere"), when it has been idle too long, or at its absolute end.
The remember token revives an idle session until that absolute end, and is replaced each time.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.engine import Connection

from annotator.extensions import db
from annotator.models import User, UserSession
from annotator.models._types import utcnow
from annotator.services.accounts import security_log

TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often


@dataclass(frozen=True)
class Renewed:
    """A session revived by its remember token, with both its secrets replaced."""

    user_id: int
    token: str
    remember_token: str
    expires_at: datetime


@dataclass(frozen=True)
class Started:
    """The secrets of a new (or renewed) session, for the cookies; never stored in clear."""

    session: UserSession
    token: str
    remember_token: str | None


def idle_limit() -> timedelta:
    """SESSION_IDLE_MINUTES: how long a session lasts without a request."""
    return timedelta(minutes=float(current_app.config["SESSION_IDLE_MINUTES"]))


def absolute_limit(remember: bool) -> timedelta:
    """SESSION_LIFETIME_HOURS, or REMEMBER_HOURS when the user asked to be remembered."""
    if remember:
        return timedelta(hours=float(current_app.config["REMEMBER_HOURS"]))
    return timedelta(hours=float(current_app.config["SESSION_LIFETIME_HOURS"]))


def remember_allowed() -> bool:
    """Whether "keep me logged in" is offered at all (REMEMBER_HOURS > 0)."""
    return float(current_app.config["REMEMBER_HOURS"]) > 0


def start(
    user: User,
    *,
    remember: bool = False,
    address: str = "",
    agent: str = "",
    now: datetime | None = None,
) -> Started:
    """Open a session for a user who just proved who they are (audited)."""
    now = now or utcnow()
    remember = remember and remember_allowed()
    token = _secret()
    remember_token = _secret() if remember else None
    row = UserSession(
        user_id=user.id,
        token_hash=_hash(token),
        remember_hash=_hash(remember_token) if remember_token else None,
        created_at=now,
        last_seen_at=now,
        expires_at=now + absolute_limit(remember),
        address=address[:64],
        agent=agent[:200],
    )
    db.session.add(row)
    _prune(now)
    db.session.flush()
    security_log.record(
        "login", user=user, actor=user, address=address, detail={"remember": remember}
    )
    return Started(row, token, remember_token)


def resume(token: str, *, now: datetime | None = None) -> tuple[User, UserSession] | None:
    """The active user and session behind a session token, unless it ended, idled or expired."""
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    found = db.session.execute(
        db.select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _hash(token))
    ).first()
    if found is None:
        return None
    user, row = found
    if not user.active or now >= row.expires_at or now - row.last_seen_at >= idle_limit():
        return None
    return user, row


def touch_due(row: UserSession, now: datetime | None = None) -> bool:
    """Whether last_seen_at is old enough to be worth writing again."""
    return (now or utcnow()) - row.last_seen_at >= TOUCH_EVERY


def touch(
    row_id: int, *, now: datetime | None = None, connection: Connection | None = None
) -> None:
    """Record that a session was used now (on its own connection, when one is given)."""
    statement = (
        db.update(UserSession).where(UserSession.id == row_id).values(last_seen_at=now or utcnow())
    )
    (connection or db.session).execute(statement)


def remembered(remember_token: str, *, now: datetime | None = None) -> bool:
    """Whether a remember token belongs to a session that has not reached its end (a read)."""
    if not remember_token or len(remember_token) > 100:
        return False
    found = db.session.scalar(
        db.select(UserSession.id).where(
            UserSession.remember_hash == _hash(remember_token),
            UserSession.expires_at > (now or utcnow()),
        )
    )
    return found is not None


def renew(
    remember_token: str, *, now: datetime | None = None, connection: Connection | None = None
) -> Renewed | None:
    """Revive a session from its remember token, replacing both its secrets.

    None when the token is unknown, already replaced, or past the session's absolute end. The
    swap is one conditional UPDATE, so two requests presenting the same token cannot both win.
    """
    if not remember_token or len(remember_token) > 100:
        return None
    now = now or utcnow()
    token, new_remember = _secret(), _secret()
    result = (connection or db.session).execute(
        db.update(UserSession)
        .where(UserSession.remember_hash == _hash(remember_token), UserSession.expires_at > now)
        .values(token_hash=_hash(token), remember_hash=_hash(new_remember), last_seen_at=now)
        .returning(UserSession.user_id, UserSession.expires_at)
    )
    row = result.first()
    if row is None:
        return None
    return Renewed(row[0], token, new_remember, row[1])


def rotate(row: UserSession) -> str:
    """Give a live session a new token (after a password change); its remember token is dropped."""
    token = _secret()
    row.token_hash = _hash(token)
    row.remember_hash = None
    db.session.flush()
    return token


def end(token: str, *, actor: User | None) -> None:
    """End the session behind this token (logging out), if it still exists (audited)."""
    row = db.session.scalar(db.select(UserSession).where(UserSession.token_hash == _hash(token)))
    if row is not None:
        security_log.record("logout", user=row.user_id, actor=actor, address=row.address)
        db.session.delete(row)
        db.session.flush()


def end_all(user: User, *, actor: User | None, reason: str, keep: UserSession | None = None) -> int:
    """End every session of a user (but ``keep``, if given), with their remember-cookies."""
    statement = db.delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    ended = db.session.execute(statement).rowcount or 0
    security_log.record(
        "sessions_ended", user=user, actor=actor, detail={"reason": reason, "sessions": ended}
    )
    return ended


def list_for(user: User) -> list[UserSession]:
    """A user's sessions, newest first."""
    return list(
        db.session.scalars(
            db.select(UserSession)
            .where(UserSession.user_id == user.id)
            .order_by(UserSession.created_at.desc(), UserSession.id.desc())
        )
    )


def _prune(now: datetime) -> None:
    """Forget sessions past their absolute end (idle ones go when their absolute end comes)."""
    db.session.execute(db.delete(UserSession).where(UserSession.expires_at <= now))


def _secret() -> str:
    return secrets.token_urlsafe(32)


def _hash(token: str) -> str:
    # 256 random bits: a fast hash is enough, there is no dictionary to attack.
    return hashlib.sha256(token.encode()).hexdigest()
