"""Who is logged in, kept honest: server-side sessions, remember-cookies, HTTPS and proxy headers.

Flask-Login keeps our session token (not the user id) under ``_user_id`` in the signed session
cookie; the user loader accepts it only while its row in user_sessions lives (services.accounts.sessions).
"Keep me logged in" is our own cookie holding a remember token that is replaced on every use.
"""

from __future__ import annotations

from datetime import datetime

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from annotator import uow
from annotator.extensions import db, login_manager
from annotator.models import User, UserSession
from annotator.models._types import utcnow
from annotator.services.accounts import sessions

REMEMBER_COOKIE = "annotator_remember"
HOST_ONLY = (
    "__Host-"  # with HTTPS: browsers then refuse the cookie unless Secure, Path=/, no Domain
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Pages a user holding a one-time password may still reach.
OPEN_WITH_ONE_TIME_PASSWORD = frozenset({"auth.change_password", "auth.logout", "static"})


def client_address() -> str:
    """The client's address (the proxy's view of it when PROXY_HOPS is set)."""
    return request.remote_addr or ""


def begin(user: User, *, remember: bool) -> None:
    """Log a user in on this browser: a fresh session, a fresh CSRF token, no trace of the old."""
    session.clear()  # drops the pre-login CSRF token and anything else an attacker may have set
    g.pop("csrf_token", None)  # Flask-WTF caches the token of this request in g
    started = sessions.start(
        user,
        remember=remember,
        address=client_address(),
        agent=request.headers.get("User-Agent", ""),
    )
    login_user(user)
    session["_user_id"] = started.token
    g.login_session = started.session
    if started.remember_token:
        g.set_remember = (started.remember_token, started.session.expires_at)
    else:
        g.clear_remember = True


def replace_token(new_token: str) -> None:
    """This browser's session got a new token (after a password change); its remember-cookie ends."""
    session["_user_id"] = new_token
    g.clear_remember = True


def end_here() -> None:
    """Forget the login on this browser (the server-side session is ended by the caller)."""
    logout_user()
    session.clear()
    g.clear_remember = True


def this_session() -> UserSession | None:
    """The UserSession row of the current request's login, if any."""
    return g.get("login_session")


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    now = utcnow()
    found = sessions.resume(token, now=now)
    if found is None:
        return None
    user, row = found
    g.login_session = row
    if sessions.touch_due(row, now):
        _write(lambda connection: sessions.touch(row.id, now=now, connection=connection))
    return user


@login_manager.request_loader
def _load_from_remember_cookie(_request) -> User | None:
    cookie = request.cookies.get(remember_cookie_name(current_app))
    if not cookie:
        return None
    if request.method not in SAFE_METHODS:
        return None  # revived on the next page load, never in the middle of a write
    if not sessions.remembered(cookie):  # a read first: a made-up cookie costs no write
        g.clear_remember = True
        return None
    renewed = _write(lambda connection: sessions.renew(cookie, connection=connection))
    user = db.session.get(User, renewed.user_id) if renewed else None
    if renewed is None or user is None or not user.active:
        g.clear_remember = True
        return None
    session["_user_id"] = renewed.token
    session["_fresh"] = False
    g.set_remember = (renewed.remember_token, renewed.expires_at)
    return user


def _write(work):
    """Run a small session write (last use, a renewal) without upsetting the request's transaction.

    On a read request the work gets a connection and a transaction of its own, kept whatever the
    request answers (the request's transaction is a reader and must not turn into a writer
    halfway). On a write request the request's transaction already holds the write lock, so the
    work joins it and is kept when the request succeeds."""
    if request.method not in SAFE_METHODS:
        return work(None)
    with uow.side_transaction() as connection:
        return work(connection)


def install(app: Flask) -> None:
    """Attach the session checks, cookie handling and HTTPS/proxy headers to the app."""
    hops = int(app.config["PROXY_HOPS"])
    if hops > 0:  # never x_host: absolute URLs come from PUBLIC_URL, not from a header
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    @app.before_request
    def _check_login() -> Response | None:
        if request.endpoint == "static":
            return None
        if request.path.startswith("/api/") and request.headers.get("Authorization"):
            return None  # bearer tokens: no cookies, no session
        user = (
            current_user._get_current_object()
        )  # resolve now, before other work opens a transaction
        if (
            user.is_authenticated
            and user.must_change_password
            and request.endpoint not in OPEN_WITH_ONE_TIME_PASSWORD
        ):
            if request.path.startswith("/api/"):
                abort(403, "Choose a new password on your account page first.")
            flash("You logged in with a one-time password: choose your own now.", "info")
            return redirect(url_for("auth.change_password"))
        return None

    @app.after_request
    def _session_headers(response: Response) -> Response:
        if request.endpoint != "static" and (
            request.path.startswith("/api/") or current_user.is_authenticated
        ):
            response.headers["Cache-Control"] = "no-store"
        if app.config["HTTPS"]:
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={int(app.config['HSTS_SECONDS'])}"
            )
        remember = g.pop("set_remember", None)
        if remember is not None:
            token, expires_at = remember
            _set_remember_cookie(app, response, token, expires_at)
        elif g.pop("clear_remember", False) and remember_cookie_name(app) in request.cookies:
            response.delete_cookie(
                remember_cookie_name(app),
                path="/",
                secure=_secure(app),
                httponly=True,
                samesite=app.config["REMEMBER_COOKIE_SAMESITE"],
            )
        return response


def remember_cookie_name(app: Flask) -> str:
    """The remember-cookie's name: __Host- prefixed when served over HTTPS (ASVS 3.4.4)."""
    return (HOST_ONLY if app.config["HTTPS"] else "") + REMEMBER_COOKIE


def _secure(app: Flask) -> bool:
    return bool(app.config["HTTPS"] or app.config.get("REMEMBER_COOKIE_SECURE"))


def _set_remember_cookie(app: Flask, response: Response, token: str, expires_at: datetime) -> None:
    max_age = max(int((expires_at - utcnow()).total_seconds()), 0)
    response.set_cookie(
        remember_cookie_name(app),
        token,
        max_age=max_age,
        path="/",
        secure=_secure(app),
        httponly=bool(app.config["REMEMBER_COOKIE_HTTPONLY"]),
        samesite=app.config["REMEMBER_COOKIE_SAMESITE"],
    )
