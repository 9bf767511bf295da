"""Sessions end when they should, and a captured cookie is worth nothing afterwards (OWASP ASVS
level 2, V3: session management). Each test replays what an attacker would have copied: the
session cookie, the remember-cookie, the CSRF token."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from annotator.extensions import db
from annotator.models import Revision, User, UserSession
from annotator.services.accounts import security_log, sessions, users
from annotator.web import security
from tests.conftest import PASSWORD, csrf_from, login
from tests.web.conftest import Clock

SESSION_COOKIE = "session"
REMEMBER = security.REMEMBER_COOKIE


def log_in(client: FlaskClient, name: str, *, remember: bool = False, password: str = PASSWORD):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    data = {"username": name, "password": password, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def cookie(client: FlaskClient, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found is not None else None


def logged_in(client: FlaskClient) -> bool:
    """Whether the client's cookies still open a page (no redirect to the login form)."""
    return client.get("/account").status_code == 200


def replay(client: FlaskClient, **cookies: str | None) -> FlaskClient:
    """A fresh browser holding only the given (captured) cookies."""
    thief = client.application.test_client()
    for name, value in cookies.items():
        if value is not None:
            thief.set_cookie(name, value)
    return thief


def post(client: FlaskClient, url: str, **data: str):
    token = csrf_from(client.get("/account").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_the_old_session_cookie_is_refused_after_logout(client, reviewer):
    login(client, reviewer)
    captured = cookie(client, SESSION_COOKIE)
    assert logged_in(replay(client, session=captured))
    client.post("/logout", data={"csrf_token": client.csrf})
    assert not logged_in(client)
    thief = replay(client, session=captured)
    response = thief.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert thief.get("/api/v1/me").status_code == 401


def _logout(client: FlaskClient, user: User, admin_client: FlaskClient) -> None:
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})


def _change_password(client: FlaskClient, user: User, admin_client: FlaskClient) -> None:
    # From another browser: the captured one is one of "the user's other sessions".
    other = client.application.test_client()
    login(other, user)
    response = post(
        other,
        "/account/password",
        current_password=PASSWORD,
        password="a brand new passphrase",  # noqa: S106
        confirm="a brand new passphrase",
    )
    assert response.status_code == 302
    assert logged_in(other), "the session that changed the password stays"


def _deactivate(client: FlaskClient, user: User, admin_client: FlaskClient) -> None:
    assert post(admin_client, f"/admin/users/{user.id}/active").status_code == 302


def _sign_out_everywhere(client: FlaskClient, user: User, admin_client: FlaskClient) -> None:
    other = client.application.test_client()
    login(other, user)
    assert post(other, "/account/sessions/end").status_code == 302
    assert not logged_in(other)


def _admin_signs_out(client: FlaskClient, user: User, admin_client: FlaskClient) -> None:
    assert post(admin_client, f"/admin/users/{user.id}/sessions/end").status_code == 302


def _admin_resets_password(client: FlaskClient, user: User, admin_client: FlaskClient) -> None:
    assert post(admin_client, f"/admin/users/{user.id}/password").status_code == 200


def _command_line_passwd(client: FlaskClient, user: User, admin_client: FlaskClient) -> None:
    result = client.application.test_cli_runner().invoke(
        args=["users", "passwd", user.username, "--password-stdin"],
        input="a brand new passphrase\n",
    )
    assert result.exit_code == 0, result.output


ENDINGS: dict[str, Callable[[FlaskClient, User, FlaskClient], None]] = {
    "logout": _logout,
    "password change": _change_password,
    "deactivation": _deactivate,
    "sign out everywhere": _sign_out_everywhere,
    "an admin signs them out": _admin_signs_out,
    "an admin resets the password": _admin_resets_password,
    "users passwd": _command_line_passwd,
}


@pytest.mark.parametrize("ending", ENDINGS, ids=list(ENDINGS))
def test_captured_session_and_remember_cookies_are_refused_after(
    app, client, reviewer, admin, ending
):
    assert log_in(client, reviewer.username, remember=True).status_code == 302
    captured = {"session": cookie(client, SESSION_COOKIE), REMEMBER: cookie(client, REMEMBER)}
    assert all(captured.values())
    assert logged_in(replay(client, **captured)), "the captured cookies worked before"
    admin_client = app.test_client()
    login(admin_client, admin)

    ENDINGS[ending](client, reviewer, admin_client)

    for name, value in captured.items():
        thief = replay(client, **{name: value})
        assert not logged_in(thief), f"the {name} cookie still works after {ending}"
        assert thief.get("/api/v1/me").status_code == 401
    assert not logged_in(replay(client, **captured))
    assert logged_in(admin_client), "the admin's own session is untouched"


def test_reactivating_a_user_brings_back_no_session_and_no_token(
    app, client, reviewer, admin, token_for
):
    headers = token_for(reviewer)
    log_in(client, reviewer.username, remember=True)
    captured = {"session": cookie(client, SESSION_COOKIE), REMEMBER: cookie(client, REMEMBER)}
    admin_client = app.test_client()
    login(admin_client, admin)
    post(admin_client, f"/admin/users/{reviewer.id}/active")  # off
    post(admin_client, f"/admin/users/{reviewer.id}/active")  # on again
    db.session.expire_all()
    assert db.session.get(User, reviewer.id).active
    assert not logged_in(replay(client, **captured))
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert log_in(app.test_client(), reviewer.username).status_code == 302, "a new login works"


def test_login_rotates_the_csrf_token_and_the_session(client, reviewer):
    before_token = csrf_from(client.get("/login").get_data(as_text=True))
    before_cookie = cookie(client, SESSION_COOKIE)
    login(client, reviewer)
    assert client.csrf != before_token
    assert cookie(client, SESSION_COOKIE) != before_cookie
    stale = client.post("/account", data={"name": "x", "csrf_token": before_token})
    assert stale.status_code == 400 and "security token" in stale.get_data(as_text=True)
    fresh = client.post("/account", data={"name": "x", "csrf_token": client.csrf})
    assert fresh.status_code == 200 and 'id="new-token"' in fresh.get_data(as_text=True)


def test_two_logins_of_one_user_are_two_sessions_with_different_tokens(app, reviewer):
    first, second = app.test_client(), app.test_client()
    login(first, reviewer)
    login(second, reviewer)
    assert cookie(first, SESSION_COOKIE) != cookie(second, SESSION_COOKIE)
    assert db.session.scalar(db.select(db.func.count()).select_from(UserSession)) == 2
    first.post("/logout", data={"csrf_token": first.csrf})
    assert not logged_in(first) and logged_in(second)


def test_the_database_keeps_hashes_not_the_cookies_secrets(client, reviewer):
    log_in(client, reviewer.username, remember=True)
    row = db.session.scalar(db.select(UserSession))
    remember = cookie(client, REMEMBER)
    assert remember not in (row.token_hash, row.remember_hash)
    assert len(row.token_hash) == 64 and len(row.remember_hash) == 64


def test_an_idle_session_ends(app, client, reviewer, clock: Clock):
    login(client, reviewer)
    clock.advance(minutes=29)
    assert logged_in(client)
    clock.advance(minutes=29)  # active a minute ago: the idle time starts again
    assert logged_in(client)
    clock.advance(minutes=31)
    assert not logged_in(client)


def test_idle_time_is_configurable(app, client, reviewer, clock):
    app.config["SESSION_IDLE_MINUTES"] = 5
    login(client, reviewer)
    clock.advance(minutes=6)
    assert not logged_in(client)


def test_a_busy_session_still_ends_at_its_absolute_lifetime(app, client, reviewer, clock):
    login(client, reviewer)
    for _ in range(11 * 4):  # a request every 15 minutes for 11 hours
        clock.advance(minutes=15)
        assert logged_in(client)
    clock.advance(minutes=61)
    assert not logged_in(client)


def test_the_remember_cookie_revives_an_idle_session_and_is_replaced_each_time(
    app, client, reviewer, clock
):
    log_in(client, reviewer.username, remember=True)
    first = cookie(client, REMEMBER)
    clock.advance(minutes=45)  # idle: the session cookie alone no longer works
    assert not logged_in(replay(client, session=cookie(client, SESSION_COOKIE)))
    assert logged_in(client), "the remember-cookie brings the session back"
    second = cookie(client, REMEMBER)
    assert second and second != first, "the remember token was rotated"
    assert not logged_in(replay(client, **{REMEMBER: first})), "a used remember token is spent"
    assert logged_in(client)


def test_the_remember_cookie_ends_with_the_sessions_lifetime(app, client, reviewer, clock):
    log_in(client, reviewer.username, remember=True)
    captured = cookie(client, REMEMBER)
    assert 0 < client.get_cookie(REMEMBER).max_age <= 12 * 3600  # type: ignore[union-attr]
    clock.advance(hours=12, minutes=1)
    assert not logged_in(client)
    assert not logged_in(replay(client, **{REMEMBER: captured}))


def test_remember_me_can_be_switched_off(app, client, reviewer):
    app.config["REMEMBER_HOURS"] = 0
    assert 'name="remember"' not in client.get("/login").get_data(as_text=True)
    log_in(client, reviewer.username, remember=True)
    assert cookie(client, REMEMBER) is None and logged_in(client)


def test_a_forged_remember_cookie_is_refused_and_removed(client, reviewer):
    thief = replay(client, **{REMEMBER: "made-up-token"})
    assert not logged_in(thief)
    assert cookie(thief, REMEMBER) is None


def test_logins_and_ended_sessions_go_to_the_security_log_not_the_history(
    app, client, reviewer, admin
):
    login(client, reviewer)
    admin_client = app.test_client()
    login(admin_client, admin)
    post(admin_client, f"/admin/users/{reviewer.id}/sessions/end")
    rows = security_log.events(reviewer)
    assert [row.event for row in rows] == ["sessions_ended", "login"]
    assert rows[0].actor_id == admin.id and rows[0].detail["sessions"] == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Revision)) == 0


def test_a_reviewer_sees_their_sessions_on_the_account_page(app, client, reviewer):
    other = app.test_client()
    login(other, reviewer)
    login(client, reviewer)
    page = client.get("/account").get_data(as_text=True)
    assert page.count("UTC</td>") >= 2 and "(this browser)" in page
    assert "Sign out everywhere" in page


def test_services_end_sessions_for_every_door(app, reviewer):
    """The CLI, the pages and the API share the service: ending is not a page's job."""
    started = sessions.start(reviewer, remember=True)
    db.session.commit()
    assert sessions.resume(started.token) is not None
    users.set_password(reviewer, "a brand new passphrase", actor=None)
    db.session.commit()
    assert sessions.resume(started.token) is None
    assert sessions.renew(started.remember_token or "") is None
