"""Guessing passwords gets slower and slower, per account name and per client address, and the
answers never tell which account names exist (OWASP ASVS level 2, V2.2.1)."""

from __future__ import annotations

import threading

import pytest
from flask.testing import FlaskClient

from annotator.extensions import db
from annotator.models import AuthEvent, LoginThrottle
from annotator.services.accounts import throttle
from tests.conftest import PASSWORD, csrf_from
from tests.web.conftest import Clock

WRONG = "not the password at all"


def attempt(client: FlaskClient, name: str, password: str = WRONG, address: str = "203.0.113.7"):
    environ = {"REMOTE_ADDR": address}
    token = csrf_from(client.get("/login", environ_base=environ).get_data(as_text=True))
    return client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": token},
        environ_base=environ,
    )


def test_the_31st_attempt_with_the_right_password_is_slowed_down(
    app, client, reviewer, clock: Clock
):
    answers = [attempt(client, reviewer.username).status_code for _ in range(30)]
    assert answers[:6] == [401] * 6, "the first few mistakes are answered normally"
    assert set(answers[6:]) == {429}, "then each must wait"
    right = attempt(client, reviewer.username, PASSWORD)
    assert right.status_code == 429
    page = right.get_data(as_text=True)
    assert "Too many failed logins" in page and "Wait 1 second, then try again" in page
    assert right.headers["Retry-After"] == "1"
    assert client.get("/account").status_code == 302, "not logged in"
    clock.advance(seconds=1)
    assert attempt(client, reviewer.username, PASSWORD).status_code == 302
    assert client.get("/account").status_code == 200


def test_delays_double_up_to_the_cap(app, client, reviewer, clock: Clock):
    app.config["LOGIN_MAX_DELAY_SECONDS"] = 10
    waits = []
    for _ in range(11):
        response = attempt(client, reviewer.username)
        while response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
            clock.advance(seconds=int(response.headers["Retry-After"]))
            response = attempt(client, reviewer.username)
        assert response.status_code == 401
    assert waits == [1, 2, 4, 8, 10]


def test_failures_are_forgotten_after_a_quiet_hour_and_after_a_success(
    app, client, reviewer, clock: Clock
):
    for _ in range(5):
        attempt(client, reviewer.username)
    clock.advance(minutes=61)
    for _ in range(5):
        assert attempt(client, reviewer.username).status_code == 401
    assert attempt(client, reviewer.username, PASSWORD).status_code == 302
    other = app.test_client()
    for _ in range(6):
        assert attempt(other, reviewer.username).status_code == 401


def test_unknown_and_real_account_names_get_the_same_answers(app, reviewer, clock: Clock):
    def answers(name: str) -> list[tuple[int, str]]:
        client = app.test_client()
        seen = []
        for _ in range(8):
            response = attempt(client, name, address="198.51.100.1")
            body = response.get_data(as_text=True).replace(name, "NAME")
            message = body.split('role="alert">')[1].split("</p>")[0]
            seen.append((response.status_code, message))
        db.session.execute(db.delete(LoginThrottle))  # the address is shared by both runs
        db.session.commit()
        return seen

    assert answers(reviewer.username) == answers("nobody-by-this-name")


def test_a_client_guessing_across_many_names_is_slowed_down(app, make_user, clock: Clock):
    for name in (f"user{i}" for i in range(21)):  # 20 free, and the 21st starts the delays
        client = app.test_client()
        assert attempt(client, name).status_code == 401
    slowed = attempt(app.test_client(), "user21")
    assert slowed.status_code == 429
    assert attempt(app.test_client(), "user22", address="192.0.2.99").status_code == 401, (
        "another address is not affected"
    )


def test_a_person_behind_a_busy_address_is_not_punished_for_logging_in(
    app, make_user, clock: Clock
):
    people = [make_user() for _ in range(25)]
    for person in people:
        assert attempt(app.test_client(), person.username, PASSWORD).status_code == 302


def test_one_reviewers_typos_do_not_lock_out_colleagues_behind_the_same_address(
    app, make_user, clock: Clock
):
    typist, colleagues = make_user(), [make_user() for _ in range(3)]
    for _ in range(40):  # far past the address's 20 free failures, waiting out every delay
        response = attempt(app.test_client(), typist.username)
        if response.status_code == 429:
            clock.advance(seconds=int(response.headers["Retry-After"]))
    assert attempt(app.test_client(), typist.username, PASSWORD).status_code == 429
    for person in colleagues:  # same office address
        assert attempt(app.test_client(), person.username, WRONG).status_code == 401
        assert attempt(app.test_client(), person.username, PASSWORD).status_code == 302


def test_the_same_name_from_another_address_is_counted_apart(app, reviewer, clock: Clock):
    for _ in range(6):
        attempt(app.test_client(), reviewer.username)
    assert attempt(app.test_client(), reviewer.username).status_code == 429
    home = attempt(app.test_client(), reviewer.username, PASSWORD, address="192.0.2.50")
    assert home.status_code == 302


def test_failures_and_slow_downs_are_in_the_security_log(app, client, reviewer, clock: Clock):
    for _ in range(7):
        attempt(client, reviewer.username)
    attempt(client, "ghost")
    events = db.session.scalars(db.select(AuthEvent).order_by(AuthEvent.id)).all()
    failed = [e for e in events if e.event == "login_failed"]
    assert len(failed) == 7  # the 7th try was refused before its password was checked
    assert failed[0].user_id == reviewer.id and failed[0].address == "203.0.113.7"
    assert failed[-1].username == "ghost" and failed[-1].user_id is None
    slowed = [e for e in events if e.event == "login_slowed"]
    assert [e.detail["key"] for e in slowed] == ["account"]
    assert slowed[0].username == reviewer.username


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("", "unknown"),
    ],
)
def test_clients_are_counted_by_address_and_ipv6_by_network(address, counted_as):
    assert throttle.client_network(address) == counted_as


def test_parallel_guesses_cannot_slip_past_the_count(app, reviewer, clock: Clock):
    """Each attempt is counted before its password is checked, so a burst in parallel gets no
    more password checks than a burst in sequence."""
    statuses: list[int] = []
    lock = threading.Lock()
    name = reviewer.username

    def guess() -> None:
        response = attempt(app.test_client(), name)
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 12 and set(statuses) <= {401, 429}
    assert statuses.count(401) <= 6, statuses


def test_the_slow_password_check_holds_no_write_lock(app, client, reviewer, monkeypatch):
    """On SQLite a login must not block other people's saves while argon2 works (up to half a
    second on a busy machine): during the check another connection takes the write lock at once."""
    import sqlite3

    from annotator.services.accounts import users

    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no database-wide write lock")
    path = db.engine.url.database
    took_the_lock: list[bool] = []
    check = users.password_matches

    def checking(candidate, password):
        other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            took_the_lock.append(True)
        except sqlite3.OperationalError:
            took_the_lock.append(False)
        finally:
            other.close()
        return check(candidate, password)

    monkeypatch.setattr(users, "password_matches", checking)
    assert attempt(client, reviewer.username).status_code == 401
    assert attempt(client, reviewer.username, PASSWORD).status_code == 302
    assert took_the_lock == [True, True]


def test_quiet_keys_are_forgotten_so_a_name_sprayer_leaves_no_pile(app, clock: Clock):
    for index in range(10):
        attempt(app.test_client(), f"sprayed{index}", address=f"192.0.2.{index}")
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginThrottle)) == 20
    clock.advance(minutes=61)
    attempt(app.test_client(), "someone", address="198.51.100.200")
    db.session.commit()
    keys = set(db.session.scalars(db.select(LoginThrottle.key)))
    assert keys == {"account:someone|198.51.100.200", "address:198.51.100.200"}


@pytest.mark.parametrize(
    "name",
    ["tab\tname", "x" * 64, "ünïcödé", "\u202eevil", "a'; DROP TABLE users; --"],
)
def test_odd_account_names_get_the_ordinary_answer(app, client, reviewer, name):
    response = attempt(client, name)
    assert response.status_code == 401
    assert "Wrong username or password" in response.get_data(as_text=True)
    event = db.session.scalar(db.select(AuthEvent).where(AuthEvent.event == "login_failed"))
    assert event.user_id is None and event.username.isprintable()


def test_a_nul_in_the_account_name_is_refused_as_malformed_input(app, client, reviewer):
    """NUL is refused in every form field (annotator.inputs) before any account is looked up:
    the same 422 whether or not the name exists, so it tells nothing about accounts."""
    response = attempt(client, "nul\x00name")
    assert response.status_code == 422
    assert "Wrong username or password" not in response.get_data(as_text=True)
