"""Login sessions: start, resume, idle and absolute ends, remember tokens, ending them."""

from __future__ import annotations

from datetime import timedelta

from annotator.extensions import db
from annotator.models._types import utcnow
from annotator.services.accounts import security_log, sessions


def test_a_session_resumes_until_it_idles_or_reaches_its_end(app, reviewer) -> None:
    now = utcnow()
    started = sessions.start(reviewer, address="192.0.2.7", now=now)
    db.session.commit()
    assert sessions.resume(started.token, now=now + timedelta(minutes=5)) == (
        reviewer,
        started.session,
    )
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    assert sessions.resume(started.token, now=now + idle) is None
    assert sessions.resume("not-a-token", now=now) is None
    assert security_log.events(reviewer)[0].event == "login"


def test_a_deactivated_user_s_session_does_not_resume(reviewer) -> None:
    started = sessions.start(reviewer)
    reviewer.active = False
    db.session.commit()
    assert sessions.resume(started.token) is None


def test_a_remember_token_renews_once_with_new_secrets(app, reviewer) -> None:
    app.config["REMEMBER_HOURS"] = 24
    started = sessions.start(reviewer, remember=True)
    db.session.commit()
    assert started.remember_token and sessions.remembered(started.remember_token)
    renewed = sessions.renew(started.remember_token)
    assert renewed is not None and renewed.user_id == reviewer.id
    assert renewed.token != started.token
    assert sessions.renew(started.remember_token) is None  # replaced: it cannot win twice
    assert sessions.resume(renewed.token) is not None


def test_ending_all_sessions_keeps_the_one_asked_for(reviewer, admin) -> None:
    first, second = sessions.start(reviewer), sessions.start(reviewer)
    db.session.commit()
    assert sessions.end_all(reviewer, actor=admin, reason="test", keep=second.session) == 1
    db.session.commit()
    assert sessions.resume(first.token) is None and sessions.resume(second.token) is not None
    sessions.end(second.token, actor=reviewer)
    db.session.commit()
    assert sessions.list_for(reviewer) == []
