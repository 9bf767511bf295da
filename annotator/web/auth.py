"""Logging in and out, the account page (password, sessions, personal API tokens)."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from annotator import uow
from annotator.services.accounts import passwords, sessions, throttle, users
from annotator.services.errors import Invalid
from annotator.web import security
from annotator.web.forms import ButtonForm, LoginForm, PasswordForm, TokenForm
from annotator.web.submit import flashed, submit

bp = Blueprint("auth", __name__)

SLOW_DOWN = (
    "Too many failed logins for this account name or from your address. "
    "Wait {wait}, then try again."
)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths, so a login link cannot send users elsewhere."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("articles.index")


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("articles.index"))
    form = LoginForm()
    offer_remember = sessions.remember_allowed()
    if form.validate_on_submit():
        attempt = throttle.Attempt.of(form.username.data, security.client_address())
        with uow.transaction():  # counted before the password is checked, kept whatever follows
            wait = throttle.admit(attempt)
            candidate = users.login_candidate(form.username.data)
        if wait:
            flash(SLOW_DOWN.format(wait=_duration(wait)), "error")
            page = render_template("auth/login.html", form=form, offer_remember=offer_remember)
            return page, 429, {"Retry-After": str(wait)}
        # The slow argon2 check runs outside any transaction: on SQLite it holds no write lock.
        matched = users.password_matches(candidate, form.password.data)
        user = users.finish_login(candidate, form.password.data) if matched else None
        if user is None:
            with uow.transaction():  # the log entry stays although the answer is 401
                throttle.failed(form.username.data, candidate.user_id, security.client_address())
            flash("Wrong username or password, or the account is deactivated.", "error")
            page = render_template("auth/login.html", form=form, offer_remember=offer_remember)
            return page, 401
        throttle.succeeded(attempt)
        security.begin(user, remember=offer_remember and bool(form.remember.data))
        if user.must_change_password:
            return redirect(url_for("auth.change_password"))
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form, offer_remember=offer_remember)


@bp.post("/logout")
def logout():
    form = ButtonForm()
    if form.validate_on_submit():
        token = session.get("_user_id")
        if token:
            sessions.end(token, actor=current_user if current_user.is_authenticated else None)
        security.end_here()
        flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        new_token = users.create_token(current_user, form.name.data or "")
    return render_template(
        "auth/account.html",
        form=form,
        new_token=new_token,
        tokens=current_user.tokens,
        button=ButtonForm(),
        login_sessions=sessions.list_for(current_user),
        this_session=security.this_session(),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    form.password.label.text = (
        f"New password ({passwords.min_length()} characters or more; "
        "a few unrelated words work well)"
    )
    if form.validate_on_submit():
        here = security.this_session()

        def change() -> int:
            if form.password.data != form.confirm.data:
                raise Invalid({"confirm": "does not match the new password."})
            return users.change_password(
                current_user,
                form.current_password.data,
                form.password.data,
                keep=here,
                revoke_tokens=bool(form.revoke_tokens.data),
            )

        def done(ended: int):
            if here is not None:
                security.replace_token(sessions.rotate(here))
            others = f"{ended} other session{'s' if ended != 1 else ''}"
            return flashed(url_for("auth.account"), f"Your password is changed; {others} ended.")

        return submit(
            change,
            form=form,
            page=lambda _error: render_template("auth/password.html", form=form),
            done=done,
        )
    status = 422 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status


@bp.post("/account/sessions/end")
@login_required
def end_sessions():
    """Sign out everywhere: every session and remember-cookie of this user, this one included."""
    if ButtonForm().validate_on_submit():
        sessions.end_all(current_user, actor=current_user, reason="signed out everywhere")
        security.end_here()
        flash("You are signed out everywhere, here included.", "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.account"))


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    if ButtonForm().validate_on_submit():
        token = users.revoke_token(current_user, token_id)
        flash(f"Token {token.prefix}… no longer works.", "info")
    return redirect(url_for("auth.account"))
