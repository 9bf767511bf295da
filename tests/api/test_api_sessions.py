"""The API and the session rules: an ended session's cookie gets the 401 envelope, tokens follow
their own rules, and no API answer may be stored by a cache."""

from __future__ import annotations

import pytest

from annotator.extensions import db
from annotator.services.accounts import users
from tests.conftest import csrf_from, login


def api_write(client, csrf: str):
    """A cookie-authenticated write (PATCH of a missing annotation): a live session gets as far
    as the 404, an ended one stops at 401."""
    return client.patch(
        "/api/v1/annotations/999999",
        json={"version": 1, "verdict": "verified"},
        headers={"X-CSRFToken": csrf},
    )


def test_a_cookie_session_ended_by_logout_gets_the_401_envelope(client, reviewer):
    csrf = login(client, reviewer)
    captured = client.get_cookie("session").value
    assert api_write(client, csrf).status_code == 404
    client.post("/logout", data={"csrf_token": csrf})
    thief = client.application.test_client()
    thief.set_cookie("session", captured)
    response = api_write(thief, csrf)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/articles", "/api/v1/nowhere"])
def test_every_api_answer_is_no_store(client, reviewer, token_for, path):
    headers = token_for(reviewer)
    assert client.get(path, headers=headers).headers["Cache-Control"] == "no-store"
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_a_user_holding_a_one_time_password_gets_403_on_the_api_until_they_choose_one(
    app, client, admin, reviewer, token_for
):
    headers = token_for(reviewer)
    one_time = users.reset_password(reviewer, actor=admin)
    db.session.commit()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post(
        "/login", data={"username": reviewer.username, "password": one_time, "csrf_token": token}
    )
    refused = client.get("/api/v1/me")
    assert refused.status_code == 403
    assert "new password" in refused.get_json()["error"]["message"]
    assert client.get("/api/v1/me", headers=headers).status_code == 200, "tokens stay usable"
