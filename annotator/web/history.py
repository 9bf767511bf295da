"""History in the browser: an annotation's revisions with revert, and an article's activity log."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from annotator.inputs import lenient_number
from annotator.services.annotations import annotations as annotation_service
from annotator.services.annotations import history
from annotator.services.articles import articles as article_service
from annotator.web.desk import VersionForm, page_count
from annotator.web.submit import expired, flashed, submit

bp = Blueprint("history", __name__)
PAGE = 50


@bp.get("/annotations/<int:annotation_id>/history")
@login_required
def annotation(annotation_id: int):
    ann, revisions = history.annotation_history(annotation_id, viewer=current_user)
    form = VersionForm(formdata=None)
    form.version.data = str(ann.version)
    return render_template(
        "desk/history.html",
        ann=ann,
        revisions=revisions,
        form=form,
        article_id=ann.sentence.article_id,
        may_revert=ann.reviewer_id == current_user.id,
    )


@bp.post("/annotations/<int:annotation_id>/history/<int:revision_id>/restore")
@login_required
def revert(annotation_id: int, revision_id: int):
    """Bring the annotation back to one of its revisions (the URL keeps its first name)."""
    ann = annotation_service.get_annotation(
        annotation_id, viewer=current_user, include_deleted=True
    )
    form = VersionForm()
    back = url_for("history.annotation", annotation_id=annotation_id)
    if not form.validate_on_submit():
        return expired(back)
    return submit(
        lambda: history.revert_to_revision(
            ann,
            revision_id,
            actor=current_user,
            expected_version=lenient_number(form.version.data),
        ),
        back=back,
        say_invalid=lambda error: error.message,
        done=lambda _: flashed(
            back, f"Restored annotation #{annotation_id} as it was in revision #{revision_id}."
        ),
    )


@bp.get("/articles/<int:article_id>/activity")
@login_required
def activity(article_id: int):
    record = article_service.get_article(article_id)
    page = lenient_number(request.args.get("page")) or 1
    items, total = history.article_activity(
        article_id, viewer=current_user, limit=PAGE, offset=(page - 1) * PAGE
    )
    return render_template(
        "desk/activity.html",
        article=record,
        items=items,
        total=total,
        page=page,
        pages=page_count(total, PAGE),
    )
