"""Login throttling: growing delays after repeated failures, per account name *from one client*
and per client.

Kept in the database, so every server process sees the same counts. Keys are the name as typed
(folded) with the client's address, never a user id, so an unknown name is throttled exactly like
a real one and the answer tells nothing about which accounts exist. The pair is what is slowed
down first: one reviewer's typos slow that reviewer at that address, not the colleagues behind the
same office address, and a failure counts against the address only while its pair is not yet slowed
(so one person contributes at most the pair's free failures to the address's count, while a client
guessing across many names is still caught). Each attempt is counted before its password is
checked (and given back if it succeeds), so a burst of parallel guesses cannot slip past the count.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from annotator.extensions import db
from annotator.models import LoginThrottle, User
from annotator.models._types import utcnow
from annotator.services.accounts import security_log


@dataclass(frozen=True)
class Attempt:
    """The keys one login attempt is counted under."""

    account: str  # the name from this client: "account:<name>|<client>"
    address: str

    @classmethod
    def of(cls, username: str, address: str) -> Attempt:
        client = client_network(address)
        return cls(account=f"{_account_prefix(username)}{client}", address=f"address:{client}")

    @property
    def keys(self) -> list[str]:
        return sorted((self.account, self.address))  # one lock order for every process


def _account_prefix(username: str) -> str:
    """The start of every key of this name (the key stays within 100 characters)."""
    return f"account:{security_log.printable((username or '').strip().casefold())[:48]}|"


def client_network(address: str) -> str:
    """The client as counted: an IPv4 address, or the /64 network of an IPv6 one."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def admit(attempt: Attempt, *, now: datetime | None = None) -> int:
    """Count one login attempt; the seconds to wait first (nothing counted then), or 0 to go on."""
    now = now or utcnow()
    rows = _locked_rows(attempt.keys, now)
    waits = [
        row.blocked_until - now for row in rows if row.blocked_until and row.blocked_until > now
    ]
    if waits:
        return max(1, math.ceil(max(waits).total_seconds()))
    reset_after = timedelta(minutes=float(current_app.config["LOGIN_THROTTLE_RESET_MINUTES"]))
    _forget_quiet_keys(attempt.keys, now - reset_after, now)
    for row in rows:
        if now - row.last_failure_at >= reset_after:
            row.failures = 0
    pair_slowed = any(row.key == attempt.account and row.failures >= _free(row.key) for row in rows)
    for row in rows:
        if row.key == attempt.address and pair_slowed:
            continue  # that person is slowed already: their retries are not the office's
        row.failures += 1
        row.last_failure_at = now
        over = row.failures - _free(row.key)
        if over > 0:
            row.blocked_until = now + timedelta(seconds=delay(over))
            if over == 1:  # logged once, when the slowing down starts
                kind, _, value = row.key.partition(":")
                name, _, client = value.rpartition("|") if kind == "account" else ("", "", value)
                security_log.record(
                    "login_slowed",
                    username=name,
                    address=client,
                    detail={"key": kind, "failures": row.failures},
                )
    db.session.flush()
    return 0


def succeeded(attempt: Attempt) -> None:
    """A correct password: forget the account's failures and give the client's attempt back."""
    db.session.execute(db.delete(LoginThrottle).where(LoginThrottle.key == attempt.account))
    row = db.session.get(LoginThrottle, attempt.address)
    if row is not None:
        row.failures = max(row.failures - 1, 0)
        if row.failures <= _free(row.key):
            row.blocked_until = None
    db.session.flush()


def failed(username: str, user: User | int | None, address: str) -> None:
    """Log a wrong password (the attempt was already counted by admit)."""
    security_log.record("login_failed", user=user, username=username, address=address)


def clear_account(username: str) -> None:
    """Forget an account's failures from every client (after an admin or the command line sets
    its password)."""
    db.session.execute(
        db.delete(LoginThrottle).where(
            LoginThrottle.key.startswith(_account_prefix(username), autoescape=True)
        )
    )


def delay(over: int) -> int:
    """Seconds to wait after the n-th failure past the free ones: 1, 2, 4, ... up to the cap."""
    cap = int(current_app.config["LOGIN_MAX_DELAY_SECONDS"])
    return min(2 ** min(over - 1, 30), cap)


def _free(key: str) -> int:
    """Failures allowed before slowing down: few per account, more per client (shared offices)."""
    name = (
        "LOGIN_FREE_FAILURES_ACCOUNT"
        if key.startswith("account:")
        else "LOGIN_FREE_FAILURES_ADDRESS"
    )
    return int(current_app.config[name])


def _forget_quiet_keys(keep: list[str], before: datetime, now: datetime) -> None:
    """Drop keys with no failure since ``before`` and no delay running (a name sprayer's leftovers).

    Rows another login holds are skipped, not waited for, so two logins never deadlock here."""
    quiet = (
        db.select(LoginThrottle.key)
        .where(
            LoginThrottle.last_failure_at < before,
            db.or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until <= now),
            LoginThrottle.key.not_in(keep),
        )
        .limit(1000)
        .with_for_update(skip_locked=True)
    )
    db.session.execute(
        db.delete(LoginThrottle)
        .where(LoginThrottle.key.in_(quiet.scalar_subquery()))
        .execution_options(synchronize_session=False)
    )


def _locked_rows(keys: list[str], now: datetime) -> list[LoginThrottle]:
    """The throttle rows for these keys, created if missing, locked until the transaction ends."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(LoginThrottle)
    db.session.execute(
        insert.on_conflict_do_nothing(index_elements=["key"]),
        [{"key": key, "failures": 0, "last_failure_at": now} for key in keys],
    )
    return list(
        db.session.scalars(
            db.select(LoginThrottle)
            .where(LoginThrottle.key.in_(keys))
            .order_by(LoginThrottle.key)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
