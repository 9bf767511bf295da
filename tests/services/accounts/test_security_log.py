"""The security log: one row per account event, typed text made safe, newest first."""

from __future__ import annotations

from annotator.extensions import db
from annotator.services.accounts import security_log


def test_events_are_kept_newest_first_and_per_user(admin, reviewer) -> None:
    security_log.record("login", user=reviewer, actor=reviewer, address="192.0.2.7")
    security_log.record("password_reset", user=reviewer, actor=admin)
    security_log.record("login", user=admin, actor=admin)
    db.session.commit()
    mine = security_log.events(reviewer)
    assert [(e.event, e.username, e.actor_id) for e in mine] == [
        ("password_reset", "alice", admin.id),
        ("login", "alice", reviewer.id),
    ]
    assert mine[1].address == "192.0.2.7"
    assert [e.event for e in security_log.events(limit=1)] == ["login"]


def test_a_typed_name_is_stored_printable_and_bounded(app) -> None:
    security_log.record("login_failed", username="eve\x00\x1b[31m" + "x" * 200)
    db.session.commit()
    (event,) = security_log.events()
    assert event.user_id is None
    assert event.username.startswith("eve??[31m") and len(event.username) == 100
    assert security_log.printable("a\ud800b") == "a?b"
