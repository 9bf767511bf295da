"""Admin corrections to segmentation from the annotation page (plain forms)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from annotator.models import Article
from annotator.services.articles import articles as article_service
from annotator.services.articles import boundaries
from annotator.services.errors import Invalid
from annotator.web import admin_required
from annotator.web.forms import ButtonForm
from annotator.web.submit import expired, flashed, submit

bp = Blueprint("sentences", __name__, url_prefix="/articles/<int:article_id>/sentences")


def _back(article_id: int, sentence_id: int | None) -> str:
    return url_for("articles.view", article_id=article_id, sentence=sentence_id, _anchor="editor")


def _correct(
    article_id: int,
    sentence_id: int,
    correction: Callable[[Article], object],
    *,
    refused: Callable[[Invalid], str],
    done: str,
) -> ResponseReturnValue:
    """Apply one correction to the article and go back to the sentence, saying what happened."""
    back = _back(article_id, sentence_id)
    if not ButtonForm().validate_on_submit():
        return expired(back)
    article = article_service.load_article(article_id)
    return submit(
        lambda: correction(article),
        back=back,
        say_invalid=refused,
        done=lambda _: flashed(back, done),
    )


@bp.post("/<int:sentence_id>/merge-next")
@admin_required
def merge_next(article_id: int, sentence_id: int):
    return _correct(
        article_id,
        sentence_id,
        lambda article: boundaries.merge_with_next(article, sentence_id, actor=current_user),
        refused=lambda error: " ".join(error.fields.values()) or error.message,
        done="Merged the sentence with the next one. Annotations kept their text.",
    )


@bp.post("/<int:sentence_id>/split")
@admin_required
def split(article_id: int, sentence_id: int):
    return _correct(
        article_id,
        sentence_id,
        lambda article: boundaries.split_before_text(
            article, sentence_id, request.form.get("split_before", ""), actor=current_user
        ),
        refused=lambda error: "Not split: " + " ".join(error.fields.values()),
        done="Split the sentence in two. Annotations kept their text.",
    )


@bp.post("/resegment")
@admin_required
def resegment(article_id: int):
    if ButtonForm().validate_on_submit():
        boundaries.resegment(article_service.load_article(article_id), actor=current_user)
        flash("Segmented the article again. Every annotation kept its text.", "success")
    return redirect(_back(article_id, None))
