"""Admin pages: users, their passwords and sessions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from annotator.extensions import db
from annotator.models import User
from annotator.services.accounts import passwords, sessions, users
from annotator.services.errors import NotFound
from annotator.web import admin_required, security
from annotator.web.forms import ButtonForm, UserForm
from annotator.web.submit import flashed, submit

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _page(form: UserForm, status: int = 200, one_time: tuple[User, str] | None = None):
    form.password.label.text = (
        f"Password ({passwords.min_length()} characters or more; not a common one)"
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
        raise NotFound(f"There is no user #{user_id}.")
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
                f"Created {user.role} “{user.username}”. Give them the password you chose.",
            ),
        )
    return _page(form, 422 if form.is_submitted() else 200)


@bp.post("/users/<int:user_id>/active")
@admin_required
def toggle_active(user_id: int):
    user = _user(user_id)
    if ButtonForm().validate_on_submit():
        users.set_active(user, not user.active, actor=current_user)
        state = "active" if user.active else "deactivated; their sessions and API tokens ended"
        flash(f"“{user.username}” is now {state}.", "info")
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
        say_invalid=lambda error: (
            "The role was not changed: "
            + " ".join(f"Role {text}" for text in error.fields.values())
        ),
        done=lambda changed: flashed(
            url_for("admin.user_list"),
            f"“{user.username}” is now {'an' if user.role == 'admin' else 'a'} {user.role}."
            if changed
            else f"“{user.username}” was already {'an' if user.role == 'admin' else 'a'} {user.role}.",
        ),
    )


@bp.post("/users/<int:user_id>/sessions/end")
@admin_required
def end_sessions(user_id: int):
    """Sign a user out everywhere: every session and remember-cookie ends."""
    user = _user(user_id)
    if ButtonForm().validate_on_submit():
        ended = sessions.end_all(user, actor=current_user, reason="signed out by an admin")
        flash(f"“{user.username}” is signed out everywhere ({ended} sessions ended).", "info")
        if user.id == current_user.id:
            security.end_here()
            return redirect(url_for("auth.login"))
    return redirect(url_for("admin.user_list"))
