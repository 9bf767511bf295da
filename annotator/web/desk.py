"""Running a desk in the browser: my queue and Continue, assignments, status moves, desk rules."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import Length, Optional

from annotator.inputs import lenient_number
from annotator.models import Priority, Status
from annotator.services.annotations import similar
from annotator.services.articles import articles as article_service
from annotator.services.desk import assignments, status
from annotator.services.desk import queue as queue_service
from annotator.web import admin_required
from annotator.web.forms import options
from annotator.web.submit import expired, flashed, submit

bp = Blueprint("desk", __name__)

PRIORITY_CHOICES = [(p.name.lower(), p.name.capitalize()) for p in reversed(Priority)]
STATUS_CHOICES = [(s.value, status.LABELS[s]) for s in Status]


class AssignForm(FlaskForm):
    """Assign to named reviewers or to N of the least loaded; the service checks the rules."""

    reviewers = StringField(
        "Reviewers (user names, comma-separated)", validators=[Length(max=2000)]
    )
    count = StringField("…or this many of the least-loaded reviewers", validators=[Length(max=4)])
    due_date = StringField("Due date (YYYY-MM-DD, optional)", validators=[Length(max=40)])
    priority = SelectField("Priority", choices=options(PRIORITY_CHOICES), default="normal")
    articles = HiddenField()  # bulk: comma-separated article ids from the article list


class AssignmentForm(FlaskForm):
    """Change one assignment: reviewer (reassign), due date, priority; carries its version."""

    reviewer = StringField("Reviewer", validators=[Length(max=64)])
    due_date = StringField("Due date", validators=[Optional(), Length(max=40)])
    priority = SelectField("Priority", choices=options(PRIORITY_CHOICES))
    version = HiddenField()


class VersionForm(FlaskForm):
    version = HiddenField()


class StatusForm(FlaskForm):
    status = SelectField("Move to", choices=options(STATUS_CHOICES))
    version = HiddenField()


class SettingsForm(FlaskForm):
    open_unassigned = BooleanField("Reviewers may open articles nobody assigned them")
    reviewers_per_article = StringField(
        "Reviewers per article (when nobody is assigned)", validators=[Length(max=4)]
    )
    same_claim = StringField("“Same claim” from this score (%)", validators=[Length(max=8)])
    related = StringField("“Related” from this score (%)", validators=[Length(max=8)])


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` items fill (at least one, so an empty list has page 1 of 1)."""
    return max((total + per_page - 1) // per_page, 1)


def _version(raw: str | None) -> int | None:
    return lenient_number(raw)  # ASCII digits within a database integer, else None


def _assign_args(form: AssignForm) -> dict[str, object]:
    names = [n.strip() for n in (form.reviewers.data or "").split(",") if n.strip()]
    count = (form.count.data or "").strip()
    return {
        "reviewers": names or None,
        "count": int(count) if count.isdigit() else (count or None),
        "due_date": (form.due_date.data or "").strip() or None,
        "priority": form.priority.data,
    }


# --------------------------------------------------------------------------- reviewers


@bp.get("/queue")
@login_required
def queue():
    rows = queue_service.queue(current_user)
    return render_template(
        "desk/queue.html",
        rows=rows,
        following=queue_service.next_in_queue(current_user, rows),
        status_labels=status.LABELS,
    )


@bp.get("/queue/continue")
@login_required
def continue_():
    """The next sentence the viewer has not judged, across the whole queue."""
    following = queue_service.next_in_queue(current_user)
    if following is None:
        flash("Your queue is done: every sentence of every assignment has your verdict.", "info")
        return redirect(url_for("desk.queue"))
    article_id, sentence_id = following
    return redirect(
        url_for("articles.view", article_id=article_id, sentence=sentence_id, _anchor="editor")
    )


# --------------------------------------------------------------------------- admins


@bp.get("/articles/<int:article_id>/desk")
@admin_required
def article(article_id: int):
    return _render_article(article_id)


def _render_article(article_id: int, assign_form: AssignForm | None = None, status_code: int = 200):
    record = article_service.get_article(article_id)
    rows = assignments.assignments_for(article_id)
    edit_forms = {}
    remove_forms = {}
    for a in rows:
        form = AssignmentForm(prefix=f"a{a.id}", formdata=None)
        form.reviewer.data = a.reviewer.username
        form.due_date.data = a.due_date.isoformat() if a.due_date else ""
        form.priority.data = Priority(a.priority).name.lower()
        form.version.data = str(a.version)
        edit_forms[a.id] = form
        remove = VersionForm(prefix=f"u{a.id}", formdata=None)
        remove.version.data = str(a.version)
        remove_forms[a.id] = remove
    state = status.status_data(article_id)
    status_form = StatusForm(formdata=None)
    status_form.status.data, status_form.version.data = state["status"], str(state["version"])
    total, judged = status.completion(article_id)
    return render_template(
        "desk/article.html",
        article=record,
        rows=rows,
        edit_forms=edit_forms,
        remove_forms=remove_forms,
        assign_form=assign_form or AssignForm(formdata=None),
        status_form=status_form,
        state=state,
        total=total,
        judged=judged,
        load=assignments.load(exclude_article=article_id),
    ), status_code


@bp.post("/articles/<int:article_id>/assignments")
@admin_required
def assign(article_id: int):
    form = AssignForm()
    record = article_service.get_article(article_id)
    if not form.validate_on_submit():
        return _render_article(article_id, form, 422)
    return submit(
        lambda: assignments.assign([record], **_assign_args(form), actor=current_user),
        form=form,
        fallback=form.reviewers,
        say_invalid=lambda error: f"Nothing was assigned. {error.message}",
        page=lambda _error: _render_article(article_id, form)[0],
        done=lambda made: flashed(
            url_for("desk.article", article_id=article_id),
            f"Assigned “{record.title}” to {', '.join(a.reviewer.username for a in made)}.",
        ),
    )


@bp.post("/assignments")
@admin_required
def bulk_assign():
    """Assign the articles ticked in the article list."""
    form = AssignForm()
    ids = sorted(  # oldest first, whatever the list order
        {n for n in map(lenient_number, request.form.getlist("article")) if n is not None}
    )
    back = url_for("articles.index")
    if not form.validate_on_submit():
        return expired(back)
    return submit(
        lambda: assignments.assign(
            assignments.articles_by_id(ids), **_assign_args(form), actor=current_user
        ),
        back=back,
        say_invalid=lambda error: f"Nothing was assigned. {error.message}",
        done=lambda made: flashed(
            back, f"Made {len(made)} assignments across {len(ids)} articles."
        ),
    )


@bp.post("/assignments/<int:assignment_id>")
@admin_required
def change(assignment_id: int):
    a = assignments.get_assignment(assignment_id)
    article_id = a.article_id
    form = AssignmentForm(prefix=f"a{assignment_id}")
    if not form.validate_on_submit():
        flash("Please correct the assignment: " + "; ".join(sum(form.errors.values(), [])), "error")
        return _render_article(article_id, status_code=422)
    back = url_for("desk.article", article_id=article_id)
    return submit(
        lambda: assignments.update_assignment(
            a,
            {
                "reviewer": (form.reviewer.data or "").strip(),
                "due_date": (form.due_date.data or "").strip() or None,
                "priority": form.priority.data,
            },
            actor=current_user,
            expected_version=_version(form.version.data),
        ),
        back=back,
        page=lambda _error: _render_article(article_id)[0],
        say_invalid=lambda error: f"The assignment was not changed. {error.message}",
        done=lambda _: flashed(back, "Assignment saved."),
    )


@bp.post("/assignments/<int:assignment_id>/remove")
@admin_required
def unassign(assignment_id: int):
    a = assignments.get_assignment(assignment_id)
    article_id, name = a.article_id, a.reviewer.username
    form = VersionForm(prefix=f"u{assignment_id}")
    back = url_for("desk.article", article_id=article_id)
    if not form.validate_on_submit():
        return expired(back)
    return submit(
        lambda: assignments.unassign(
            a, actor=current_user, expected_version=_version(form.version.data)
        ),
        back=back,
        say_invalid=lambda error: error.message,
        done=lambda _: flashed(back, f"{name} is no longer assigned; their verdicts stay.", "info"),
    )


@bp.post("/articles/<int:article_id>/status")
@admin_required
def move(article_id: int):
    record = article_service.get_article(article_id)
    form = StatusForm()
    back = request.form.get("back") == "list"
    target = url_for("articles.index") if back else url_for("desk.article", article_id=article_id)
    if not form.validate_on_submit():
        flash("Choose one of the statuses listed.", "error")
        return _render_article(article_id, status_code=422)
    moved = f"“{record.title}” is now {status.LABELS[Status(form.status.data)].lower()}."
    return submit(
        lambda: status.move(
            record,
            form.status.data,
            actor=current_user,
            expected_version=_version(form.version.data),
        ),
        back=target,
        say_invalid=lambda error: error.message,
        done=lambda _: flashed(target, moved),
    )


@bp.route("/desk/settings", methods=["GET", "POST"])
@admin_required
def settings():
    form = SettingsForm()
    page = lambda _error=None: render_template("desk/settings.html", form=form)  # noqa: E731
    if form.validate_on_submit():

        def save() -> int:
            assignments.set_reviewers_may_open_unassigned(
                form.open_unassigned.data, actor=current_user
            )
            if (form.same_claim.data or "").strip() or (form.related.data or "").strip():
                similar.set_match_thresholds(
                    _percent(form.same_claim.data), _percent(form.related.data), actor=current_user
                )
            raw = (form.reviewers_per_article.data or "").strip()
            if not raw:  # left empty: the number stays as it is
                return 0
            number = lenient_number(raw)
            return status.set_reviewers_per_article(
                raw if number is None else number, actor=current_user
            )

        def saved(moved: int) -> Response:
            also = (
                f" {moved} article{'s' if moved != 1 else ''} moved to where their work now puts them."
                if moved
                else ""
            )
            return flashed(url_for("desk.settings"), "Desk rules saved." + also, "success")

        return submit(save, form=form, page=page, done=saved)
    if not form.is_submitted():
        form.open_unassigned.data = assignments.reviewers_may_open_unassigned()
        form.reviewers_per_article.data = str(status.reviewers_per_article())
        same, related = similar.match_thresholds()
        form.same_claim.data, form.related.data = f"{same * 100:g}", f"{related * 100:g}"
    return page(), 422 if form.is_submitted() else 200


def _percent(raw: str | None) -> object:
    """A percentage typed in the form as the probability the service takes ("80" -> 0.8); what
    is not a number goes on as typed, for the service to refuse naming the field."""
    try:
        return float((raw or "").strip().rstrip("%")) / 100
    except ValueError:
        return raw
