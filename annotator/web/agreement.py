"""The agreement page: reviewers compared on one article, and admins' final verdicts (admins only)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from annotator.fields import limit as most
from annotator.inputs import lenient_number
from annotator.models import Sentence
from annotator.services.annotations.annotations import get_sentence
from annotator.services.review import adjudication as adjudication_service
from annotator.services.review import reasons
from annotator.services.review.adjudication import ArticleAgreement
from annotator.web import admin_required
from annotator.web.forms import VERDICT_CHOICES, options
from annotator.web.submit import flashed, submit

bp = Blueprint("agreement", __name__)

STATUS_LABELS = {"disagree": "Disagree", "agree": "Agree", "single": "One reviewer"}


class AdjudicationForm(FlaskForm):
    """The final verdict of one sentence; prefixed by the sentence so a page holds many."""

    verdict = SelectField(
        "Final verdict",
        choices=options([("", "Choose…"), *VERDICT_CHOICES]),
        validators=[InputRequired(message="Choose the final verdict.")],
    )
    note = TextAreaField(
        "Why (optional)", validators=[Optional(), Length(max=most("adjudication", "note"))]
    )
    version = HiddenField()


class AdoptForm(FlaskForm):
    """Take one reviewer's judgement as final: which one, the final verdict's version the admin
    saw (empty when there is none), and which page to go back to ("queue" or the agreement)."""

    annotation = HiddenField()
    version = HiddenField()
    back = HiddenField()
    page = HiddenField()


class ClearForm(FlaskForm):
    """Remove a sentence's final verdict; carries the version the admin saw."""

    version = HiddenField()


def kappa_label(kappa: float | None) -> str:
    """Landis and Koch's words for a kappa, so a number reads as a judgement."""
    if kappa is None:
        return "not defined"
    for bound, word in (
        (0, "worse than chance"),
        (0.2, "slight"),
        (0.4, "fair"),
        (0.6, "moderate"),
        (0.8, "substantial"),
    ):
        if kappa <= bound:
            return word
    return "almost perfect"


@bp.get("/articles/<int:article_id>/agreement")
@admin_required
def view(article_id: int):
    result = adjudication_service.agreement(article_id, viewer=current_user)
    return _render(result)


@bp.post("/articles/<int:article_id>/agreement/<int:sentence_id>")
@admin_required
def adjudicate(article_id: int, sentence_id: int):
    sentence = _sentence_of(article_id, sentence_id)
    form = AdjudicationForm(prefix=f"s{sentence_id}")
    back = _back(article_id, sentence_id)
    if form.validate_on_submit():
        return submit(
            lambda: adjudication_service.adjudicate(
                sentence,
                form.verdict.data,
                form.note.data or "",
                actor=current_user,
                expected_version=_version(form.version.data),
            ),
            form=form,
            fallback=form.verdict,
            page=lambda _error: _render(
                adjudication_service.agreement(article_id, viewer=current_user),
                failed=(sentence_id, form),
            ),
            back=back,
            done=lambda _: flashed(
                back, f"Final verdict of sentence {sentence.index + 1}: {form.verdict.data}."
            ),
        )
    return _render(
        adjudication_service.agreement(article_id, viewer=current_user), failed=(sentence_id, form)
    ), 422


@bp.post("/articles/<int:article_id>/agreement/<int:sentence_id>/clear")
@admin_required
def clear(article_id: int, sentence_id: int):
    sentence = _sentence_of(article_id, sentence_id)
    form = ClearForm(prefix=f"c{sentence_id}")
    if not form.validate_on_submit():
        abort(
            400, "The form's security token is missing or expired. Reload the page and try again."
        )
    back = _back(article_id, sentence_id)
    return submit(
        lambda: adjudication_service.clear_adjudication(
            sentence, actor=current_user, expected_version=_version(form.version.data)
        ),
        back=back,
        done=lambda _: flashed(
            back, f"Cleared the final verdict of sentence {sentence.index + 1}.", "info"
        ),
    )


@bp.post("/articles/<int:article_id>/agreement/<int:sentence_id>/adopt")
@admin_required
def adopt(article_id: int, sentence_id: int):
    """One click: a reviewer's judgement (verdict, and note as the rationale) becomes final."""
    sentence = _sentence_of(article_id, sentence_id)
    form = AdoptForm()
    if not form.validate_on_submit():
        abort(
            400, "The form's security token is missing or expired. Reload the page and try again."
        )
    back = (
        url_for("dashboard.disagreements", page=lenient_number(form.page.data) or None)
        if form.back.data == "queue"
        else _back(article_id, sentence_id)
    )
    return submit(
        lambda: reasons.adopt(
            lenient_number(form.annotation.data),
            sentence=sentence,
            actor=current_user,
            expected_version=_version(form.version.data),
        ),
        back=back,
        say_invalid=lambda error: (
            "The final verdict was not saved: "
            + " ".join(f"{name.capitalize()} {text}" for name, text in error.fields.items())
        ),
        done=lambda taken: flashed(
            back,
            f"Final verdict of sentence {sentence.index + 1}: {taken[0].verdict}, "
            f"taken from {taken[1]}'s judgement.",
        ),
    )


def _sentence_of(article_id: int, sentence_id: int) -> Sentence:
    sentence = get_sentence(sentence_id)
    if sentence.article_id != article_id:
        abort(404, f"Sentence #{sentence_id} is not part of article #{article_id}.")
    return sentence


def _version(raw: str | None) -> int | None:
    return lenient_number(raw)


def _back(article_id: int, sentence_id: int) -> str:
    return url_for("agreement.view", article_id=article_id, _anchor=f"s{sentence_id}")


def _render(result: ArticleAgreement, failed: tuple[int, AdjudicationForm] | None = None) -> str:
    """The page, with a filled form per sentence (the failed one keeps what was sent)."""
    if failed:
        problems = " ".join(error for errors in failed[1].errors.values() for error in errors)
        flash(f"The final verdict was not saved: {problems}", "error")
    forms: dict[int, AdjudicationForm] = {}
    clear_forms: dict[int, ClearForm] = {}
    for row in result.sentences:
        sid = row.sentence.id
        if failed and failed[0] == sid:
            forms[sid] = failed[1]
            continue
        adj = row.adjudication
        form = AdjudicationForm(prefix=f"s{sid}", formdata=None)
        if adj is not None:
            form.verdict.data, form.note.data, form.version.data = (
                str(adj.verdict),
                adj.note,
                str(adj.version),
            )
            clear_form = ClearForm(prefix=f"c{sid}", formdata=None)
            clear_form.version.data = str(adj.version)
            clear_forms[sid] = clear_form
        forms[sid] = form
    ids = [row.sentence.id for row in result.sentences]
    return render_template(
        "agreement/article.html",
        result=result,
        forms=forms,
        clear_forms=clear_forms,
        reasons=reasons.judgements_of(ids, viewer=current_user),
        context=reasons.context_of(ids),
        status_labels=STATUS_LABELS,
        kappa_text=kappa_label(result.kappa),
    )
