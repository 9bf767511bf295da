"""The article list, the import page and the annotation page (with its plain-form saves)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from annotator.extensions import db
from annotator.inputs import lenient_number
from annotator.models import Annotation, Sentence
from annotator.services.annotations import annotations as annotation_service
from annotator.services.articles import articles as article_service
from annotator.services.articles import boundaries, listing
from annotator.services.articles.boundaries import TextEdit
from annotator.services.articles.workspace import WorkspacePage, workspace
from annotator.services.desk import assignments, status
from annotator.services.desk import queue as queue_service
from annotator.services.errors import Duplicate, Invalid, NotFound
from annotator.web import admin_required
from annotator.web.desk import AssignForm
from annotator.web.forms import (
    LINK_CREDIBILITY_CHOICES,
    STANCE_CHOICES,
    AnnotationForm,
    ArticleForm,
    ButtonForm,
)
from annotator.web.submit import expired, flashed, submit

bp = Blueprint("articles", __name__)


@bp.get("/")
@login_required
def index():
    if not request.args and queue_service.has_open_work(current_user):
        return redirect(url_for("desk.queue"))  # a reviewer with assignments starts at their queue
    search = request.args.get("q", "")[:200]
    sort = request.args.get("sort", "newest")
    sort = sort if sort in (*listing.SORTS, *listing.DESK_SORTS) else "newest"
    wanted = {name: request.args.get(name, "")[:64] for name in ("status", "assignee", "due")}
    try:
        conditions = listing.filters(
            viewer=current_user,
            status=wanted["status"],
            assignee=wanted["assignee"],
            due_by=wanted["due"],
        )
    except Invalid as error:
        flash(f"The filter was not applied. {error.message}", "error")
        conditions = listing.filters(viewer=current_user)
    page = listing.list_page(
        viewer=current_user,
        search=search,
        sort=sort,
        cursor=request.args.get("page", "")[:500],
        conditions=conditions,
        order=listing.order(sort),
    )
    return render_template(
        "articles/index.html",
        page=page,
        rows=page.rows,
        search=search,
        sort=sort,
        wanted=wanted,
        desk=listing.columns([row.article.id for row in page.rows], viewer=current_user),
        status_labels=status.LABELS,
        assign_form=AssignForm(formdata=None) if current_user.is_admin else None,
        next_article=listing.next_article_to_review(viewer=current_user),
    )


@bp.route("/articles/new", methods=["GET", "POST"])
@admin_required
def create():
    form = ArticleForm()
    if form.validate_on_submit():
        data = {
            name: getattr(form, name).data
            for name in ("title", "text", "url", "outlet", "author", "published_at", "language")
        }
        data["title"] = data["title"] or None  # none typed: the service takes the first line
        try:
            return submit(
                lambda: article_service.create_article(
                    data, actor=current_user, force=form.force.data
                ),
                form=form,
                page=lambda _error: render_template("articles/new.html", form=form),
                done=lambda article: flashed(
                    url_for("articles.view", article_id=article.id),
                    f"Imported “{article.title}”: {len(article.sentences)} sentences.",
                ),
            )
        except Duplicate as error:  # answered 409, so nothing is kept
            flash(
                error.message
                + " Tick “Import even if it looks like a duplicate” to import it again.",
                "error",
            )
            return render_template(
                "articles/new.html", form=form, duplicate_id=error.existing_id
            ), 409
    status = 422 if form.is_submitted() else 200
    return render_template("articles/new.html", form=form), status


@bp.route("/articles/<int:article_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(article_id: int):
    """Fix an article's details or text; annotations follow their words."""
    article = article_service.get_article(article_id)
    form = ArticleForm(obj=article)
    if form.validate_on_submit():
        fields = ("title", "url", "outlet", "author", "published_at", "language")

        def save_article() -> TextEdit:
            changes = {name: getattr(form, name).data or None for name in fields}
            return boundaries.update_article(
                article, changes | {"text": form.text.data}, actor=current_user
            )

        def saved(result: TextEdit) -> Response:
            message = f"Saved “{article.title}”."
            if result.moved or result.unplaced:
                message += f" {result.moved} annotations kept their words."
            if result.unplaced:
                message += f" {len(result.unplaced)} could not be placed in the new text: they are listed on the page."
            return flashed(
                url_for("articles.view", article_id=article.id),
                message,
                "error" if result.unplaced else "success",
            )

        return submit(
            save_article,
            form=form,
            page=lambda _error: render_template("articles/edit.html", form=form, article=article),
            done=saved,
        )
    status = 422 if form.is_submitted() else 200
    return render_template("articles/edit.html", form=form, article=article), status


@bp.get("/articles/<int:article_id>")
@login_required
def view(article_id: int):
    assignments.require_access(article_id, current_user)
    page = workspace(
        article_id,
        viewer=current_user,
        selected_sentence=request.args.get("sentence", type=int),
        selected_claim=request.args.get("claim"),
        state_filter=request.args.get("state"),
    )
    form = _editor_form(page)
    return _render_workspace(page, form)


def _render_workspace(page: WorkspacePage, form: AnnotationForm, error: str | None = None) -> str:
    return render_template(
        "articles/view.html",
        page=page,
        deleted_open=bool(request.args.get("deleted")),
        form=form,
        delete_form=ButtonForm(),
        error=error,
        credibility_choices=LINK_CREDIBILITY_CHOICES,
        link_ratings=[rating_label(link) for link in page.current_links],
        stance_choices=STANCE_CHOICES,
    )


@bp.post("/articles/<int:article_id>/sentences/<int:sentence_id>/annotation")
@login_required
def save(article_id: int, sentence_id: int):
    """The no-JavaScript save: create or update the reviewer's annotation of this sentence."""
    sentence = _sentence_of(article_id, sentence_id)
    form = AnnotationForm()
    back = url_for("articles.view", article_id=article_id, sentence=sentence_id, _anchor="editor")
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return expired(back)
        page = workspace(article_id, viewer=current_user, selected_sentence=sentence_id)
        return _render_workspace(page, form, "Please correct the marked fields."), 422

    def save_annotation() -> Annotation:
        data = _form_data(form, sentence)
        if not form.annotation_id.data:
            return annotation_service.annotate(sentence, data, actor=current_user)
        annotation_id = lenient_number(form.annotation_id.data)
        if annotation_id is None:
            raise NotFound("That annotation does not exist.")
        ann = annotation_service.get_annotation(annotation_id, viewer=current_user)
        if ann.sentence_id != sentence.id:
            raise NotFound("That annotation belongs to another sentence.")
        version = lenient_number(form.version.data)
        annotation_service.update_annotation(
            ann, data, actor=current_user, expected_version=version
        )
        return ann

    return submit(
        save_annotation,
        form=form,
        page=lambda error: _render_workspace(
            workspace(article_id, viewer=current_user, selected_sentence=sentence_id),
            form,
            error.message,
        ),
        back=back,
        done=lambda ann: flashed(
            url_for(
                "articles.view",
                article_id=article_id,
                sentence=_next_sentence(sentence),
                _anchor="editor",
            ),
            f"Saved: sentence {sentence.index + 1} is marked {ann.verdict}.",
        ),
    )


@bp.post("/annotations/<int:annotation_id>/delete")
@login_required
def delete_annotation(annotation_id: int):
    form = ButtonForm()
    ann = annotation_service.get_annotation(annotation_id, viewer=current_user)
    back = url_for(
        "articles.view",
        article_id=ann.sentence.article_id,
        sentence=ann.sentence_id,
        _anchor="editor",
    )
    if form.validate_on_submit():
        annotation_service.delete_annotation(ann, actor=current_user)
        flash(
            "Claim deleted. It is kept: “Deleted claims” under the editor lists it with a "
            "Restore button.",
            "info",
        )
        back = url_for(
            "articles.view",
            article_id=ann.sentence.article_id,
            sentence=ann.sentence_id,
            deleted=1,
            _anchor="deleted-claims",
        )
    return redirect(back)


@bp.post("/annotations/<int:annotation_id>/restore")
@login_required
def undelete_annotation(annotation_id: int):
    form = ButtonForm()
    ann = annotation_service.get_annotation(
        annotation_id, viewer=current_user, include_deleted=True
    )
    if form.validate_on_submit():
        annotation_service.undelete_annotation(ann, actor=current_user)
        flash("Claim restored.", "success")
    return redirect(
        url_for(
            "articles.view",
            article_id=ann.sentence.article_id,
            sentence=ann.sentence_id,
            claim=ann.id,
            _anchor="editor",
        )
    )


def _sentence_of(article_id: int, sentence_id: int) -> Sentence:
    sentence = db.session.get(Sentence, sentence_id)
    if sentence is None or sentence.article_id != article_id or sentence.article.deleted_at:
        raise NotFound(f"There is no sentence #{sentence_id} in article #{article_id}.")
    return sentence


def _next_sentence(sentence: Sentence) -> int:
    following = db.session.scalar(
        db.select(Sentence.id).where(
            Sentence.article_id == sentence.article_id, Sentence.index == sentence.index + 1
        )
    )
    return following or sentence.id


def _form_data(form: AnnotationForm, sentence: Sentence) -> dict[str, Any]:
    links = [
        {
            "url": row.url.data.strip(),
            "title": row.title.data or "",
            "credibility": row.credibility.data or None,  # empty: the registry's rating
            "stance": row.stance.data or None,
            "override_reason": row.override_reason.data or "",
        }
        for row in form.links
        if (row.url.data or "").strip()
    ]
    span = annotation_service.claim_span(
        sentence,
        form.claim_text.data,
        lenient_number(form.span_start.data),
        lenient_number(form.span_end.data),
    )
    return {
        "verdict": form.verdict.data,
        "attributed_to": form.attributed_to.data or "",
        "note": form.note.data or "",
        "links": links,
        "span": span,
    }


def _editor_form(page: WorkspacePage) -> AnnotationForm:
    """The editor, filled from the claim being edited if there is one, with spare link rows."""
    form = AnnotationForm(formdata=None)
    ann, links = page.current_annotation, page.current_links
    if ann is not None:
        form.annotation_id.data = str(ann.id)
        form.version.data = str(ann.version)
        form.verdict.data = ann.verdict
        form.attributed_to.data = ann.attributed_to
        form.note.data = ann.note
        if ann.span_start is not None:
            form.span_start.data, form.span_end.data = str(ann.span_start), str(ann.span_end)
            form.claim_text.data = page.article.text[ann.span_start : ann.span_end]
        while len(form.links):
            form.links.pop_entry()
        for link in links:
            form.links.append_entry(
                {
                    "url": link["url"],
                    "title": link["title"],
                    "credibility": link["credibility"],
                    "stance": link["stance"] or "",
                    "override_reason": link["override_reason"],
                }
            )
    while len(form.links) < len(links) + 2:
        form.links.append_entry()
    return form


def rating_label(link: dict[str, Any]) -> str:
    """Where a saved link's rating came from, in words.

    Mirrored by static/annotate/links.js (ratingLabel): keep in step."""
    if link.get("credibility_source") == "registry":
        return f"Registry: {link.get('source') or 'entry'} rates it {link['credibility']}"
    reason = f" ({link['override_reason']})" if link.get("override_reason") else ""
    return f"Reviewer's rating: {link['credibility']}{reason}"
