"""Publishing an article's public fact-check (admins only)."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from annotator.api.common import actor, api_bp, json_body, require_admin
from annotator.responses import public_address
from annotator.services import publishing
from annotator.services.articles import articles as article_service
from annotator.services.errors import Invalid, NotFound
from annotator.services.guards import refuse_unknown


def _publication_data(pub) -> dict:
    state = publishing.publication_data(pub) or {}
    state["url"] = public_address(pub.slug)
    return state


@api_bp.get("/articles/<int:article_id>/publication")
def get_publication(article_id: int):
    """Whether and where the article is published."""
    require_admin()
    pub = publishing.publication_for(article_service.get_article(article_id))
    if pub is None:
        raise NotFound("This article has never been published.")
    return jsonify(_publication_data(pub))


@api_bp.put("/articles/<int:article_id>/publication")
def put_publication(article_id: int):
    """Publish, republish or update. Body: {"listed": true|false (optional), "version": N (optional)}."""
    require_admin()
    body = json_body()
    refuse_unknown(body, {"listed", "version"}, "is not a field of a publication.")
    article = article_service.get_article(article_id)
    existed = publishing.publication_for(article) is not None
    pub = publishing.publish(
        article,
        actor=actor(),
        listed=body.get("listed"),
        expected_version=body.get("version"),
        byline=current_app.config["PUBLIC_BYLINE"],
    )
    return jsonify(_publication_data(pub)), 200 if existed else 201


@api_bp.delete("/articles/<int:article_id>/publication")
def delete_publication(article_id: int):
    """Withdraw the page (its address answers 410); `?version=N` refuses if it changed."""
    require_admin()
    raw = request.args.get("version")
    if raw is not None and not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        raise Invalid({"version": "must be the version number you last read (a whole number)."})
    article = article_service.get_article(article_id)
    publishing.unpublish(article, actor=actor(), expected_version=int(raw) if raw else None)
    return Response(status=204)
