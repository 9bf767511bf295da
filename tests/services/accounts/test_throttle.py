"""Login throttling: free failures, then doubling delays per account and per client network."""

from __future__ import annotations

from datetime import timedelta

import pytest

from annotator.extensions import db
from annotator.models._types import utcnow
from annotator.services.accounts import security_log, throttle


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8::1", "2001:db8::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("not an address", "unknown"),
    ],
)
def test_clients_are_counted_by_address_or_ipv6_network(address, network) -> None:
    assert throttle.client_network(address) == network


def test_after_the_free_failures_the_account_waits_and_the_slowdown_is_logged(app) -> None:
    app.config["LOGIN_FREE_FAILURES_ACCOUNT"] = 2
    attempt = throttle.Attempt.of("Alice", "192.0.2.7")
    now = utcnow()
    assert [throttle.admit(attempt, now=now) for _ in range(3)] == [0, 0, 0]
    assert throttle.admit(attempt, now=now) == 1  # the third failure started a 1 s delay
    assert throttle.admit(attempt, now=now + timedelta(seconds=2)) == 0
    assert throttle.admit(attempt, now=now + timedelta(seconds=2)) == 2  # doubled
    db.session.commit()
    assert [e.event for e in security_log.events()].count("login_slowed") == 1


def test_a_correct_password_forgets_the_account_s_failures(app) -> None:
    app.config["LOGIN_FREE_FAILURES_ACCOUNT"] = 1
    attempt = throttle.Attempt.of("alice", "192.0.2.7")
    now = utcnow()
    throttle.admit(attempt, now=now)
    throttle.admit(attempt, now=now)
    assert throttle.admit(attempt, now=now) > 0
    throttle.succeeded(attempt)
    assert throttle.admit(attempt, now=now) == 0


def test_delays_double_up_to_the_cap(app) -> None:
    app.config["LOGIN_MAX_DELAY_SECONDS"] = 900
    assert [throttle.delay(n) for n in (1, 2, 3, 10, 11, 40)] == [1, 2, 4, 512, 900, 900]
