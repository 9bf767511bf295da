"""Passwords: long enough, not a common or guessable one (NIST SP 800-63B, no composition rules),
changed by their owner, reset by an admin with a one-time password, set from the command line."""

from __future__ import annotations

import re

import pytest

from annotator.extensions import db
from annotator.models import ApiToken, User
from annotator.services.accounts import passwords, users
from annotator.services.errors import Invalid
from tests.conftest import PASSWORD, csrf_from, login

NEW = "plum kettle orbit meadow"


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("aaaaaaaaaa", "at least 12 characters"),  # the example
        ("elevenchars", "at least 12 characters"),
        ("aaaaaaaaaaaaaaaa", "repeated or sequential"),
        ("abcabcabcabcabc", "repeated or sequential"),
        ("121212121212", "repeated or sequential"),
        ("abcdefghijklmn", "repeated or sequential"),
        ("987654321098", "repeated or sequential"),
        ("qwerty123456", "most common passwords"),  # on the shipped list...
        ("LeaveMeAlone", "most common passwords"),  # ... whatever the case
        ("1qaz2wsx3edc", "most common passwords"),
        ("Annotator2026", "username or the application's name"),
        ("bobby2026bobby", "username or the application's name"),
        ("bobbybobbybobby", "repeated or sequential"),
        ("x" * 1001, "at most 1,000 characters"),
        # 12 characters or more and on no list, but guessed early: refused by zxcvbn (score < 3)
        ("iloveyou2024", "too easy to guess"),
        ("Password2024", "too easy to guess"),
        ("football1234", "too easy to guess"),
        ("johnsmith1980", "too easy to guess"),
        ("my name is bobby!", "must not contain your username"),
    ],
)
def test_weak_passwords_are_refused_naming_the_field(app, password, says):
    with pytest.raises(Invalid) as refused:
        users.validate_password(password, "bobby")
    assert says in refused.value.fields["password"]


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery",  # the test accounts' password: long, memorable
        "plum kettle orbit meadow",
        "Tr0ub4dor&3xyz",
        "日本語のパスフレーズです",  # any script counts: characters, not bytes
        "  lantern  quiet  ",  # spaces count too (NIST: allow all printing characters)
    ],
)
def test_long_uncommon_passwords_pass_without_composition_rules(app, password):
    users.validate_password(password, "bobby")


def test_the_minimum_length_is_configurable_but_never_below_eight(app):
    app.config["PASSWORD_MIN_LENGTH"] = 16
    assert "at least 16" in (passwords.problem("fifteen chars!!") or "")
    app.config["PASSWORD_MIN_LENGTH"] = 4
    assert "at least 8" in (passwords.problem("short7!") or "")
    assert "at least" not in (passwords.problem("Xq8!vT3#") or "")  # long enough; strength apart
    assert passwords.problem("Xq8!vT3#Lm") is None


def test_the_common_password_list_ships_with_the_package():
    common = passwords.common_passwords()
    assert 5_000 <= len(common) <= 20_000
    assert {"123456", "password", "qwerty123456"} <= common
    assert all(word == word.strip().casefold() for word in common)


def test_the_users_page_refuses_a_common_password(client, admin):
    login(client, admin)
    response = client.post(
        "/admin/users",
        data={
            "username": "bob",
            "password": "qwerty123456",
            "role": "reviewer",
            "csrf_token": client.csrf,
        },
    )
    assert response.status_code == 422
    assert "most common passwords" in response.get_data(as_text=True)
    assert users.find_user("bob") is None


def change(client, current: str = PASSWORD, new: str = NEW, confirm: str | None = None, **extra):
    token = csrf_from(client.get("/account/password").get_data(as_text=True))
    data = {
        "current_password": current,
        "password": new,
        "confirm": new if confirm is None else confirm,
        "csrf_token": token,
        **extra,
    }
    return client.post("/account/password", data=data)


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field_says"),
    [
        ("wrong current password", NEW, None, "is not your current password"),
        (PASSWORD, "too short", None, "at least 12 characters"),
        (PASSWORD, NEW, "something else entirely", "does not match"),
        (PASSWORD, PASSWORD, None, "must differ"),
    ],
)
def test_a_refused_change_names_the_field_and_changes_nothing(
    app, client, reviewer, current, new, confirm, field_says
):
    login(client, reviewer)
    response = change(client, current, new, confirm)
    assert response.status_code == 422 and field_says in response.get_data(as_text=True)
    assert log_in_works(app, reviewer.username, PASSWORD)


def log_in_works(app, name: str, password: str) -> bool:
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"username": name, "password": password, "csrf_token": token}
    )
    return response.status_code == 302


def test_changing_your_password_keeps_this_session_and_your_tokens(
    app, client, reviewer, token_for
):
    headers = token_for(reviewer)
    login(client, reviewer)
    response = change(client)
    assert response.status_code == 302
    assert "1 other session" not in client.get("/account").get_data(as_text=True)
    assert client.get("/account").status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 200, "tokens stay"
    assert log_in_works(app, reviewer.username, NEW)
    assert not log_in_works(app, reviewer.username, PASSWORD)


def test_changing_your_password_can_revoke_your_tokens(app, client, reviewer, token_for):
    headers = token_for(reviewer)
    login(client, reviewer)
    assert change(client, revoke_tokens="y").status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert db.session.scalar(db.select(ApiToken.revoked_at)) is not None


def test_an_admin_reset_gives_a_one_time_password_that_must_be_replaced(
    app, client, admin, reviewer, token_for
):
    headers = token_for(reviewer)
    login(client, admin)
    page = client.post(
        f"/admin/users/{reviewer.id}/password", data={"csrf_token": client.csrf}
    ).get_data(as_text=True)
    one_time = re.search(r'<code id="one-time-password">([^<]+)</code>', page).group(1)
    assert one_time not in client.get("/admin/users").get_data(as_text=True), "shown once"
    assert client.get("/api/v1/me", headers=headers).status_code == 200, "tokens stay"
    assert not log_in_works(app, reviewer.username, PASSWORD)

    user = app.test_client()
    token = csrf_from(user.get("/login").get_data(as_text=True))
    response = user.post(
        "/login", data={"username": reviewer.username, "password": one_time, "csrf_token": token}
    )
    assert response.headers["Location"].endswith("/account/password")
    for elsewhere in ("/", "/export", "/account"):
        assert user.get(elsewhere).headers["Location"].endswith("/account/password")
    assert user.get("/api/v1/me").status_code == 403
    assert change(user, current=one_time).status_code == 302
    assert user.get("/").status_code == 200
    assert log_in_works(app, reviewer.username, NEW)
    db.session.expire_all()
    assert not db.session.get(User, reviewer.id).must_change_password


def test_admins_cannot_reset_their_own_password_on_the_users_page(client, admin):
    login(client, admin)
    response = client.post(f"/admin/users/{admin.id}/password", data={"csrf_token": client.csrf})
    assert response.status_code == 422 and "account page" in response.get_data(as_text=True)


def test_users_passwd_sets_a_password_from_the_command_line(app, runner, reviewer):
    weak = runner.invoke(
        args=["users", "passwd", reviewer.username, "--password-stdin"], input="qwerty123456\n"
    )
    assert weak.exit_code == 1 and "most common passwords" in weak.output
    missing = runner.invoke(
        args=["users", "passwd", "nobody", "--password-stdin"], input=NEW + "\n"
    )
    assert missing.exit_code == 1 and "no user named" in missing.output
    done = runner.invoke(
        args=["users", "passwd", reviewer.username, "--password-stdin"], input=NEW + "\n"
    )
    assert done.exit_code == 0 and "sessions ended" in done.output
    assert log_in_works(app, reviewer.username, NEW)
