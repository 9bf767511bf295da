"""Fixtures for the page tests: a clock the session and login-throttle code can be moved on with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest


class Clock:
    """A controllable now() for the session and throttle code."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from annotator.services.accounts import sessions, throttle
    from annotator.web import security

    now = Clock()
    for module in (sessions, throttle, security):
        monkeypatch.setattr(module, "utcnow", now)
    return now
