"""Accounts, passwords and personal API tokens."""

from __future__ import annotations

import functools
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from annotator.extensions import db
from annotator.fields import USER, USERNAME_RE
from annotator.models import ApiToken, Role, User
from annotator.models._types import utcnow
from annotator.services.errors import Invalid, NotFound

# argon2id with OWASP's first recommended profile (m=19 MiB, t=2, p=1).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this keeps a login with an unknown name as slow as a real one."""
    return _hasher.hash("not a real password")


MIN_PASSWORD = 10
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


def validate_password(password: str) -> None:
    """Refuse passwords too short to resist guessing."""
    if len(password) < MIN_PASSWORD:
        raise Invalid({"password": f"must be at least {MIN_PASSWORD} characters long."})
    if len(password) > PASSWORD.limit:
        raise Invalid({"password": f"must be at most {PASSWORD.limit:,} characters long."})


def create_user(username: str, password: str, role: Role | str = Role.REVIEWER) -> User:
    """Add an active user; the username must be new and the password long enough."""
    username = (username or "").strip()
    problems: dict[str, str] = {}
    if not USERNAME_RE.match(username):
        problems["username"] = "use 2 to 64 letters, digits, dots, dashes or underscores."
    elif find_user(username) is not None:
        problems["username"] = f"“{username}” is already taken."
    if role not in set(Role):
        problems["role"] = "must be admin or reviewer."
    if problems:
        raise Invalid(problems)
    validate_password(password)
    user = User(username=username, password_hash=hash_password(password), role=Role(role))
    db.session.add(user)
    db.session.flush()
    return user


def find_user(username: str) -> User | None:
    """The user with this name, compared without regard to case."""
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
    user = find_user(username)
    if check_password(user, password) and user is not None and user.active:
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        return user
    return None


def list_users() -> list[User]:
    """Every account, by name."""
    return list(db.session.scalars(db.select(User).order_by(User.username)))


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Activate or deactivate an account; nobody can deactivate themselves."""
    if user.id == actor.id and not active:
        raise Invalid({"active": "you cannot deactivate your own account."})
    user.active = active


def create_token(user: User, name: str = "") -> str:
    """Make a personal API token, store only its hash, and return the token once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(user=user, name=name[:100], prefix=token[:12], token_hash=_token_hash(token))
    )
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active user owning this unrevoked token, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return db.session.scalar(
        db.select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == _token_hash(token),
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    )


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
