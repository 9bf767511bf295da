"""Accounts, passwords and personal API tokens."""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

from annotator import uow
from annotator.extensions import db
from annotator.fields import USER, USERNAME_RE
from annotator.locales import number
from annotator.models import ApiToken, Role, User
from annotator.models._types import utcnow
from annotator.services import guards
from annotator.services.accounts import passwords, security_log, sessions, throttle
from annotator.services.errors import Invalid, NotFound

# argon2id with OWASP's first recommended profile (m=19 MiB, t=2, p=1).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this keeps a login with an unknown name as slow as a real one."""
    return _hasher.hash("not a real password")


PASSWORD = USER["password"]
UNUSABLE_PASSWORD = "!restored-account-no-password"  # noqa: S105 - not an argon2 hash: no password matches it
TOKEN_PREFIX = "ann_"  # noqa: S105 - a prefix, not a secret


def hash_password(password: str) -> str:
    """argon2id hash of a password."""
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """True when the password matches; constant work whether or not the user exists."""
    try:
        return (
            _hasher.verify(user.password_hash if user else _dummy_hash(), password)
            and user is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def validate_password(password: str, username: str = "") -> None:
    """Refuse passwords that are too long to hash, short, common or guessable (services.accounts.passwords)."""
    if len(password) > PASSWORD.limit:
        raise Invalid(
            {"password": _("must be at most %(n)s characters long.", n=number(PASSWORD.limit))}
        )
    passwords.validate(password, username)


def create_user(username: str, password: str, role: Role | str = Role.REVIEWER) -> User:
    """Add an active user; the username must be new and the password long enough."""
    username = (username or "").strip()
    problems: dict[str, str] = {}
    if not USERNAME_RE.match(username):
        problems["username"] = _("use 2 to 64 letters, digits, dots, dashes or underscores.")
    elif find_user(username) is not None:
        problems["username"] = _("“%(name)s” is already taken.", name=username)
    if role not in set(Role):
        problems["role"] = _("must be admin or reviewer.")
    if problems:
        raise Invalid(problems)
    validate_password(password, username)
    user = User(username=username, password_hash=hash_password(password), role=Role(role))
    db.session.add(user)
    db.session.flush()
    return user


def find_user(username: str) -> User | None:
    """The user with this name, compared without regard to case."""
    if not USERNAME_RE.match((username or "").strip()):
        return None  # no account can have it (and PostgreSQL refuses NUL in a query)
    return db.session.scalar(
        db.select(User).where(db.func.lower(User.username) == username.strip().lower())
    )


def get_user(username: str) -> User:
    """Like find_user, but a missing user is an error."""
    user = find_user(username)
    if user is None:
        raise NotFound(f"There is no user named “{username}”.")
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    candidate = login_candidate(username)
    return finish_login(candidate, password) if password_matches(candidate, password) else None


@dataclass(frozen=True)
class LoginCandidate:
    """What a login needs to know about a typed name: plain values, usable after the transaction
    that read them has ended (the slow password check then holds no database lock)."""

    user_id: int | None
    password_hash: str | None
    active: bool


def login_candidate(username: str) -> LoginCandidate:
    """Read the account behind a typed name (or the lack of one) in one query."""
    user = find_user(username)
    if user is None:
        return LoginCandidate(None, None, False)
    return LoginCandidate(user.id, user.password_hash, user.active)


def password_matches(candidate: LoginCandidate, password: str) -> bool:
    """The argon2 check, with the same work whether or not the account exists; no database."""
    try:
        matched = _hasher.verify(candidate.password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and candidate.user_id is not None and candidate.active


def finish_login(candidate: LoginCandidate, password: str) -> User | None:
    """The user whose password was just checked, rehashed if the hashing settings changed; None if
    the account was deactivated or changed its password meanwhile."""
    user = db.session.get(User, candidate.user_id)
    if user is None or not user.active or user.password_hash != candidate.password_hash:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def list_users() -> list[User]:
    """Every account, by name."""
    return list(db.session.scalars(db.select(User).order_by(User.username)))


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Activate or deactivate an account; nobody can deactivate themselves.

    Deactivating ends the user's sessions and revokes their API tokens, so reactivating the
    account later brings none of them back."""
    if user.id == actor.id and not active:
        raise Invalid({"active": _("you cannot deactivate your own account.")})
    if user.active == active:
        return
    user.active = active
    if not active:
        sessions.end_all(user, actor=actor, reason="deactivated")
        revoke_all_tokens(user)
    security_log.record("activated" if active else "deactivated", user=user, actor=actor)


def set_role(user: User, role: object, *, actor: User | None) -> bool:
    """An admin (or the command line, actor None) makes a user an admin or a reviewer; nobody
    changes their own role, so a desk always keeps the admin who acts. Returns whether it changed.

    The user's sessions stay: every page checks the role on each request."""
    if actor is not None:  # (the command line acts as the desk itself)
        guards.require_admin(actor, _("Only admins can change a user's role."))
    if role not in {r.value for r in Role}:
        raise Invalid({"role": _("must be admin or reviewer.")})
    if actor is not None and user.id == actor.id:
        raise Invalid({"role": _("you cannot change your own role; ask another admin.")})
    if user.role == role:
        return False
    before = str(user.role)
    user.role = Role(role)
    db.session.flush()
    security_log.record(
        "role_changed", user=user, actor=actor, detail={"from": before, "to": str(role)}
    )
    return True


def change_password(
    user: User,
    current: str,
    new: str,
    *,
    keep: object | None = None,
    revoke_tokens: bool = False,
) -> int:
    """The user replaces their own password (the current one is required).

    Ends the user's other sessions (all but ``keep``, the one making the change); API tokens stay
    unless ``revoke_tokens``. Returns how many sessions were ended."""
    if not check_password(user, current or ""):
        raise Invalid({"current_password": _("is not your current password.")})
    if new == current:
        raise Invalid({"password": _("must differ from your current password.")})
    validate_password(new, user.username)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    ended = sessions.end_all(user, actor=user, reason="password changed", keep=keep)
    if revoke_tokens:
        revoke_all_tokens(user)
    security_log.record("password_changed", user=user, actor=user)
    return ended


def set_password(user: User, new: str, *, actor: User | None) -> None:
    """Set a user's password without the current one (the command line); ends every session."""
    validate_password(new, user.username)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    sessions.end_all(user, actor=actor, reason="password set")
    throttle.clear_account(user.username)
    security_log.record("password_set", user=user, actor=actor)


def reset_password(user: User, *, actor: User) -> str:
    """An admin's reset: a random one-time password, returned once, to be replaced at next login.

    Ends every session of the user; their API tokens stay. Not one's own: that is set on the
    account page, with the current password."""
    if user.id == actor.id:
        raise Invalid({"password": "change your own password on your account page."})
    one_time = secrets.token_urlsafe(12)
    user.password_hash = hash_password(one_time)
    user.must_change_password = True
    sessions.end_all(user, actor=actor, reason="password reset")
    throttle.clear_account(user.username)
    security_log.record("password_reset", user=user, actor=actor)
    return one_time


def revoke_all_tokens(user: User) -> int:
    """Revoke every API token of a user; returns how many were live."""
    result = db.session.execute(
        db.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount or 0


def create_token(user: User, name: str = "") -> str:
    """Make a personal API token, store only its hash, and return the token once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(user=user, name=name[:100], prefix=token[:12], token_hash=_token_hash(token))
    )
    db.session.flush()
    return token


# Built once: the token check runs on every API request, and building the statement cost more
# than running it.
_USER_FOR_TOKEN = (  # every API call asks: the table's columns, made into a User by uow.load
    db.select(*User.__table__.columns)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(
        ApiToken.token_hash == db.bindparam("token_hash"),
        ApiToken.revoked_at.is_(None),
        User.active.is_(True),
    )
)


def user_for_token(token: str) -> User | None:
    """The active user owning this unrevoked token, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return uow.load(User, _USER_FOR_TOKEN, {"token_hash": _token_hash(token)})


def _token_hash(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(token.encode()).hexdigest()


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Stop one of the user's own tokens from working (kept, marked revoked)."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound(f"You have no API token #{token_id}.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    return row


def placeholder_users(names: set[str]) -> tuple[dict[str, int], list[str]]:
    """username -> id for these names; the unknown ones become deactivated reviewer accounts that
    no password opens (loading an export names people this instance may not have). Also returns
    the names created."""
    rows = db.session.execute(
        db.select(User.username, User.id).where(User.username.in_(sorted(names)))
    )
    users = {name: user_id for name, user_id in rows}
    created = []
    for name in sorted(names - set(users)):
        user = User(
            username=name,
            password_hash=UNUSABLE_PASSWORD,
            role=Role.REVIEWER,
            active=False,
            created_at=utcnow(),
        )
        db.session.add(user)
        db.session.flush()
        users[name] = user.id
        created.append(name)
    return users, created
