"""Admin pages: users."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from annotator.extensions import db
from annotator.models import User
from annotator.services import users
from annotator.services.errors import NotFound
from annotator.web import admin_required
from annotator.web.forms import ButtonForm, UserForm
from annotator.web.submit import flashed, submit

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users", methods=["GET", "POST"])
@admin_required
def user_list():  # noqa: ANN201
    form = UserForm()
    if form.validate_on_submit():
        return submit(
            lambda: users.create_user(form.username.data, form.password.data, form.role.data),
            form=form,
            page=lambda _error: _render_users(form),
            done=lambda user: flashed(
                url_for("admin.user_list"),
                f"Created {user.role} “{user.username}”. Give them the password you chose.",
            ),
        )
    return _render_users(form), 422 if form.is_submitted() else 200


def _render_users(form: UserForm) -> str:
    return render_template(
        "admin/users.html", form=form, users=users.list_users(), button=ButtonForm()
    )


@bp.post("/users/<int:user_id>/active")
@admin_required
def toggle_active(user_id: int):  # noqa: ANN201
    form = ButtonForm()
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user #{user_id}.")
    if form.validate_on_submit():
        users.set_active(user, not user.active, actor=current_user)
        flash(f"“{user.username}” is now {'active' if user.active else 'deactivated'}.", "info")
    return redirect(url_for("admin.user_list"))
