"""Accounts: admins change roles (page, service, log, command line); the forced password change
says why. (Resetting, deactivating and re-running segmentation ask first: tests/browser/test_admin_pages.py.)"""

from __future__ import annotations

import re

import pytest

from annotator.extensions import db
from annotator.models import AuthEvent, User
from annotator.services.accounts import users
from annotator.services.errors import Forbidden, Invalid
from tests.conftest import csrf_from, login


def test_admins_change_a_users_role_on_the_users_page(client, admin, reviewer) -> None:
    login(client, admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert f'action="/admin/users/{reviewer.id}/role"' in page
    answer = client.post(
        f"/admin/users/{reviewer.id}/role",
        data={"csrf_token": client.csrf, "role": "admin"},
        follow_redirects=True,
    )
    assert "“alice” is now an admin." in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, reviewer.id).role == "admin"
    event = db.session.scalar(db.select(AuthEvent).where(AuthEvent.event == "role_changed"))
    assert event.actor_id == admin.id and event.detail == {"from": "reviewer", "to": "admin"}
    bad = client.post(
        f"/admin/users/{reviewer.id}/role",
        data={"csrf_token": client.csrf, "role": "owner"},
        follow_redirects=True,
    )
    assert "Role must be admin or reviewer." in bad.get_data(as_text=True)


def test_nobody_changes_their_own_role_and_reviewers_change_none(app, admin, reviewer) -> None:
    with pytest.raises(Invalid) as own:
        users.set_role(admin, "reviewer", actor=admin)
    assert "your own role" in own.value.fields["role"]
    with pytest.raises(Forbidden):
        users.set_role(admin, "reviewer", actor=reviewer)


def test_users_role_from_the_command_line(runner, reviewer) -> None:
    result = runner.invoke(args=["users", "role", "alice", "admin"])
    assert result.exit_code == 0 and "“alice” is now admin." in result.output
    db.session.expire_all()
    assert db.session.get(User, reviewer.id).role == "admin"


def test_the_forced_password_change_says_why(app, admin, reviewer) -> None:
    one_time = users.reset_password(reviewer, actor=admin)
    db.session.commit()
    user = app.test_client()
    token = csrf_from(user.get("/login").get_data(as_text=True))
    user.post("/login", data={"username": "alice", "password": one_time, "csrf_token": token})
    page = user.get("/account/password").get_data(as_text=True)
    assert re.search(r"An admin reset your password\.", page)
    assert "one-time password for this login only" in page
