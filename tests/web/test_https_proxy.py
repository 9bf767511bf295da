"""Behind HTTPS and a reverse proxy: Secure cookies, HSTS, the client address from a trusted proxy
only, absolute links from PUBLIC_URL never from the Host header, no-store on private answers,
and an instance folder other local users cannot read."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from annotator.extensions import db
from annotator.models import AuthEvent
from tests.conftest import PASSWORD, csrf_from, login, make_test_app


@pytest.fixture
def make_app(app: Flask, database_uri: str, instance_dir: Path) -> Iterator:
    """Another app on the test database with some settings changed (the `app` fixture cleans up)."""
    made: list[Flask] = []

    def make(**settings: object) -> Flask:
        other = make_test_app(database_uri, instance_dir, **settings)
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def set_cookies(response) -> dict[str, str]:
    """Each Set-Cookie header by cookie name, lower-cased for attribute checks."""
    return {
        header.split("=", 1)[0]: header.lower() for header in response.headers.getlist("Set-Cookie")
    }


def latest_event() -> AuthEvent:
    """The newest security-log entry, as another app (another process, in effect) wrote it."""
    db.session.commit()  # end this session's read snapshot
    return db.session.scalar(db.select(AuthEvent).order_by(AuthEvent.id.desc()).limit(1))


def log_in(client, name: str, base_url: str = "http://localhost"):
    token = csrf_from(client.get("/login", base_url=base_url).get_data(as_text=True))
    return client.post(
        "/login",
        data={"username": name, "password": PASSWORD, "csrf_token": token, "remember": "y"},
        base_url=base_url,
        headers={"Referer": f"{base_url}/login"},  # Flask-WTF checks it on https
    )


def test_with_https_every_cookie_is_secure_and_hsts_is_sent(make_app, reviewer):
    secure = make_app(HTTPS=True)
    client = secure.test_client()
    response = log_in(client, reviewer.username, base_url="https://localhost")
    assert response.status_code == 302
    cookies = set_cookies(response)
    assert set(cookies) == {"__Host-session", "__Host-annotator_remember"}
    for name, header in cookies.items():
        assert "; secure" in header and "; httponly" in header, name
        assert "samesite=lax" in header and "; path=/" in header and "domain=" not in header
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    client.delete_cookie("__Host-session")
    revived = client.get("/account", base_url="https://localhost")
    assert revived.status_code == 200, "the __Host- remember-cookie is read back"


def test_without_https_there_is_no_hsts(client, reviewer):
    response = log_in(client, reviewer.username)
    assert "Strict-Transport-Security" not in response.headers
    assert all("; httponly" in header for header in set_cookies(response).values())


def test_the_client_address_comes_from_a_trusted_proxy_only(app, make_app, reviewer):
    forwarded = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.9"}
    for hops, seen in ((0, "10.0.0.2"), (1, "198.51.100.9")):
        proxied = make_app(PROXY_HOPS=hops)
        client = proxied.test_client()
        token = csrf_from(client.get("/login").get_data(as_text=True))
        client.post(
            "/login",
            data={"username": reviewer.username, "password": "wrong guess", "csrf_token": token},
            environ_base=forwarded,
        )
        event = latest_event()
        assert event.event == "login_failed" and event.address == seen, hops


def test_a_proxy_cannot_be_spoofed_past_the_configured_hops(make_app, reviewer):
    proxied = make_app(PROXY_HOPS=1)
    client = proxied.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post(
        "/login",
        data={"username": reviewer.username, "password": "wrong guess", "csrf_token": token},
        environ_base={
            "REMOTE_ADDR": "10.0.0.2",
            "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.9",  # the client forged the first
        },
    )
    event = latest_event()
    assert event.address == "198.51.100.9"


def test_exports_link_to_the_public_url_never_to_the_host_header(
    app, client, make_app, reviewer, make_article, token_for
):
    from annotator.services.annotations.annotations import annotate

    assert make_app(PUBLIC_URL="https://desk.example.org").config["PUBLIC_URL"] == (
        "https://desk.example.org/"
    )
    app.config["PUBLIC_URL"] = "https://desk.example.org/"
    article = make_article()
    annotate(article.sentences[0], {"verdict": "verified"}, actor=reviewer)
    db.session.commit()
    headers = token_for(reviewer)
    for url in ("/api/v1/export?format=jsonld", "/api/v1/export?format=claimreview"):
        response = client.get(url, headers=headers, base_url="http://evil.example")
        body = response.get_data(as_text=True)
        assert response.status_code == 200, body
        assert "evil.example" not in body, url
    # (ClaimReview links only published pages: tests/services/test_adjudication_exports.py)
    assert "https://desk.example.org/" in client.get(
        "/api/v1/export?format=jsonld", headers=headers, base_url="http://evil.example"
    ).get_data(as_text=True)
    login(client, reviewer)
    page = client.get("/export/download?format=jsonld", base_url="http://evil.example")
    assert "evil.example" not in page.get_data(as_text=True)


def test_private_answers_are_not_stored_by_caches(client, reviewer, token_for):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login(client, reviewer)
    for url in ("/", "/account", "/export"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    new_token = client.post("/account", data={"name": "script", "csrf_token": client.csrf})
    assert 'id="new-token"' in new_token.get_data(as_text=True)
    assert new_token.headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"
    outsider = client.application.test_client()
    assert outsider.get("/api/v1/me").headers["Cache-Control"] == "no-store"
    assert outsider.get("/api/v1/me", headers=token_for(reviewer)).headers["Cache-Control"] == (
        "no-store"
    )
    static = client.get("/static/app.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_the_instance_folder_and_database_are_private(tmp_path: Path):
    folder = tmp_path / "instance"
    app = make_test_app(None, folder, SQLALCHEMY_DATABASE_URI=None, SECRET_KEY=None)  # type: ignore[arg-type]
    database = folder / "annotator.sqlite3"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "secret_key").stat().st_mode) == 0o600
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    with app.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x)")
            connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        wal = folder / "annotator.sqlite3-wal"
        assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600
        db.engine.dispose()
    assert sqlite3.connect(database).execute("SELECT x FROM t").fetchone() == (1,)


def test_an_existing_database_readable_by_others_is_made_private(tmp_path: Path):
    folder = tmp_path / "instance"
    folder.mkdir(mode=0o755)
    database = folder / "annotator.sqlite3"
    sqlite3.connect(database).close()
    database.chmod(0o644)
    make_test_app(None, folder, SQLALCHEMY_DATABASE_URI=None)  # type: ignore[arg-type]
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755, "an existing folder is the owner's choice"
