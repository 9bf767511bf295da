"""Logging in and out, and the account page with personal API tokens."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from annotator.services import users
from annotator.web.forms import ButtonForm, LoginForm, TokenForm

bp = Blueprint("auth", __name__)


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


@bp.route("/login", methods=["GET", "POST"])
def login():  # noqa: ANN201
    if current_user.is_authenticated:
        return redirect(url_for("articles.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = users.authenticate(form.username.data, form.password.data)
        if user is not None:  # a rehashed password, if any, is kept by the redirect's commit
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash("Wrong username or password, or the account is deactivated.", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():  # noqa: ANN201
    form = ButtonForm()
    if form.validate_on_submit():
        logout_user()
        flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():  # noqa: ANN201
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
    )


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):  # noqa: ANN201
    if ButtonForm().validate_on_submit():
        token = users.revoke_token(current_user, token_id)
        flash(f"Token {token.prefix}… no longer works.", "info")
    return redirect(url_for("auth.account"))
