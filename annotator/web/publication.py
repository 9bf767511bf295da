"""The admin page that publishes, updates and withdraws an article's public fact-check."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from wtforms import RadioField

from annotator.models import Article, Publication
from annotator.responses import public_address, public_url_missing
from annotator.services import publishing
from annotator.services.articles import articles as article_service
from annotator.web import admin_required
from annotator.web.forms import ButtonForm, options
from annotator.web.submit import flashed, submit

bp = Blueprint("publication", __name__)


class PublishForm(ButtonForm):
    visibility = RadioField(
        "Who can find the page",
        choices=options(
            [
                ("listed", "Listed: in the index of fact-checks and the feed"),
                ("unlisted", "Unlisted: only people given its secret address"),
            ]
        ),
        default="listed",
    )


@bp.get("/articles/<int:article_id>/publication")
@admin_required
def view(article_id: int):
    article = article_service.get_article(article_id)
    pub = publishing.publication_for(article)
    form = PublishForm()
    if pub is not None:
        form.visibility.data = "listed" if pub.listed else "unlisted"
    return _render(article, pub, form)


def _render(
    article: Article, pub: Publication | None, form: PublishForm, status: int = 200
) -> tuple[str, int]:
    preview = publishing.snapshot(article)
    changes = publishing.changelog(pub.snapshot, preview) if pub is not None and pub.live else []
    return render_template(
        "articles/publication.html",
        article=article,
        pub=pub,
        form=form,
        button=ButtonForm(),
        preview=preview,
        pending=changes,
        words=publishing.VERDICT_WORDS,
        address=public_address(pub.slug) if pub is not None else "",
        no_public_url=public_url_missing(),
    ), status


@bp.post("/articles/<int:article_id>/publication")
@admin_required
def publish(article_id: int):
    article = article_service.get_article(article_id)
    form = PublishForm()
    if not form.validate_on_submit():
        return _render(article, publishing.publication_for(article), form, 422)
    return submit(
        lambda: publishing.publish(
            article,
            actor=current_user,
            listed=form.visibility.data == "listed",
            byline=current_app.config["PUBLIC_BYLINE"],
        ),
        done=lambda _: flashed(
            url_for("publication.view", article_id=article.id, _anchor="address"),
            "Published. The public page shows the verdicts as they are now.",
        ),
        say_invalid=lambda error: " ".join(error.fields.values()) or error.message,
        page=lambda _: _render(article, publishing.publication_for(article), form)[0],
    )


@bp.post("/articles/<int:article_id>/publication/withdraw")
@admin_required
def withdraw(article_id: int):
    article = article_service.get_article(article_id)
    back = url_for("publication.view", article_id=article.id)
    if not ButtonForm().validate_on_submit():
        return redirect(back)
    return submit(
        lambda: publishing.unpublish(article, actor=current_user),
        done=lambda _: flashed(
            back, "Withdrawn. Its address now answers “gone” (410) until you publish again.", "info"
        ),
        back=back,
    )
