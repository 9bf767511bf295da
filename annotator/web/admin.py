"""Admin pages: users, their passwords and sessions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from annotator.extensions import db
from annotator.i18n import word
from annotator.models import User
from annotator.services.accounts import passwords, sessions, users
from annotator.services.errors import NotFound
from annotator.web import admin_required, security
from annotator.web.forms import ButtonForm, UserForm
from annotator.web.submit import flashed, submit

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _page(form: UserForm, status: int = 200, one_time: tuple[User, str] | None = None):
    form.password.label.text = _(
        "Password (%(n)s characters or more; not a common one)", n=passwords.min_length()
    )
    return render_template(
        "admin/users.html",
        form=form,
        users=users.list_users(),
        button=ButtonForm(),
        one_time=one_time,
    ), status


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("There is no user #%(id)s.", id=user_id))
    return user


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def user_list():
    form = UserForm()
    if form.validate_on_submit():
        return submit(
            lambda: users.create_user(form.username.data, form.password.data, form.role.data),
            form=form,
            page=lambda _error: _page(form, 422)[0],
            done=lambda user: flashed(
                url_for("admin.user_list"),
                _(
                    "Created %(role)s “%(name)s”. Give them the password you chose.",
                    role=word(user.role),
                    name=user.username,
                ),
            ),
        )
    return _page(form, 422 if form.is_submitted() else 200)


@bp.post("/users/<int:user_id>/active")
@admin_required
def toggle_active(user_id: int):
    user = _user(user_id)
    if ButtonForm().validate_on_submit():
        users.set_active(user, not user.active, actor=current_user)
        if user.active:
            flash(_("“%(name)s” is now active.", name=user.username), "info")
        else:
            flash(
                _(
                    "“%(name)s” is now deactivated; their sessions and API tokens ended.",
                    name=user.username,
                ),
                "info",
            )
    return redirect(url_for("admin.user_list"))


@bp.post("/users/<int:user_id>/password")
@admin_required
def reset_password(user_id: int):
    """Give the user a one-time password, shown once on the answer to this request."""
    user = _user(user_id)
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("admin.user_list"))
    one_time = users.reset_password(user, actor=current_user)
    return _page(UserForm(formdata=None), 200, (user, one_time))


@bp.post("/users/<int:user_id>/role")
@admin_required
def change_role(user_id: int):
    """Make a user an admin or a reviewer."""
    user = _user(user_id)
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("admin.user_list"))
    role = request.form.get("role", "")
    return submit(
        lambda: users.set_role(user, role, actor=current_user),
        back=url_for("admin.user_list"),
        say_invalid=lambda error: _(
            "The role was not changed: %(problems)s",
            problems=" ".join(
                _("Role %(problem)s", problem=text) for text in error.fields.values()
            ),
        ),
        done=lambda changed: flashed(url_for("admin.user_list"), _role_said(user, changed)),
    )


def _role_said(user, changed: bool) -> str:
    """What the flash says after a role change, in the page's language."""
    if user.role == "admin":
        if changed:
            return _("“%(name)s” is now an admin.", name=user.username)
        return _("“%(name)s” was already an admin.", name=user.username)
    if changed:
        return _("“%(name)s” is now a reviewer.", name=user.username)
    return _("“%(name)s” was already a reviewer.", name=user.username)


@bp.post("/users/<int:user_id>/sessions/end")
@admin_required
def end_sessions(user_id: int):
    """Sign a user out everywhere: every session and remember-cookie ends."""
    user = _user(user_id)
    if ButtonForm().validate_on_submit():
        ended = sessions.end_all(user, actor=current_user, reason="signed out by an admin")
        flash(
            _(
                "“%(name)s” is signed out everywhere (%(n)s sessions ended).",
                name=user.username,
                n=ended,
            ),
            "info",
        )
        if user.id == current_user.id:
            security.end_here()
            return redirect(url_for("auth.login"))
    return redirect(url_for("admin.user_list"))
