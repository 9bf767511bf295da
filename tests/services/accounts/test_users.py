"""Accounts: creation, passwords (changed, set, reset), activation and API tokens."""

from __future__ import annotations

import pytest

from annotator.extensions import db
from annotator.services.accounts import security_log, sessions, users
from annotator.services.errors import Invalid
from tests.conftest import PASSWORD


def test_a_new_user_logs_in_with_their_password_only(app) -> None:
    user = users.create_user("carol", "violet tundra kayak", "reviewer")
    db.session.commit()
    assert users.authenticate("carol", "violet tundra kayak") == user
    assert users.authenticate("carol", "wrong password here") is None
    assert users.authenticate("nobody", "violet tundra kayak") is None


def test_an_admin_resets_a_password_to_a_one_time_one_and_ends_the_sessions(
    admin, reviewer
) -> None:
    started = sessions.start(reviewer)
    db.session.commit()
    one_time = users.reset_password(reviewer, actor=admin)
    db.session.commit()
    assert users.check_password(reviewer, one_time) and not users.check_password(reviewer, PASSWORD)
    assert reviewer.must_change_password
    assert sessions.resume(started.token) is None
    assert "password_reset" in [e.event for e in security_log.events(reviewer)]


def test_an_admin_cannot_reset_their_own_password(admin) -> None:
    with pytest.raises(Invalid) as caught:
        users.reset_password(admin, actor=admin)
    assert caught.value.fields == {"password": "change your own password on your account page."}
    assert users.check_password(admin, PASSWORD)


def test_a_token_names_its_user_until_revoked(reviewer) -> None:
    token = users.create_token(reviewer, "script")
    db.session.commit()
    assert token.startswith(users.TOKEN_PREFIX)
    assert users.user_for_token(token) == reviewer
    assert users.revoke_all_tokens(reviewer) == 1
    db.session.commit()
    assert users.user_for_token(token) is None
    assert users.user_for_token("ann_made-up") is None


def test_a_deactivated_user_cannot_log_in(admin, reviewer) -> None:
    users.set_active(reviewer, False, actor=admin)
    db.session.commit()
    assert users.authenticate("alice", PASSWORD) is None
