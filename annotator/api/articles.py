"""Articles over the API: list, create, read, change (fields and text) and delete."""

from __future__ import annotations

from flask import Response, jsonify, request, url_for

from annotator.api.common import (
    actor,
    api_article_data,
    api_bp,
    json_body,
    page_args,
    require_admin,
)
from annotator.services.articles import articles as article_service
from annotator.services.articles import boundaries, listing
from annotator.services.desk import assignments, status


@api_bp.get("/articles")
def list_articles():
    limit, offset = page_args()
    rows = listing.list_articles(
        viewer=actor(), search=request.args.get("q", ""), limit=limit + 1, offset=offset
    )
    where = status.statuses([row.article.id for row in rows[:limit]])
    items = [
        dict(
            api_article_data(row.article, viewer=actor(), with_sentences=False),
            sentence_count=row.sentences,
            reviewed=row.reviewed,
            status=str(where[row.article.id]),
        )
        for row in rows[:limit]
    ]
    search = request.args.get("q") or None
    following = (
        url_for("api.list_articles", q=search, limit=limit, offset=offset + limit)
        if len(rows) > limit
        else None
    )
    return jsonify({"items": items, "next": following})


@api_bp.post("/articles")
def create_article():
    require_admin()
    body = json_body()
    force = body.pop("force", False) is True
    article = article_service.create_article(body, actor=actor(), force=force)
    return (
        jsonify(api_article_data(article, viewer=actor())),
        201,
        {"Location": url_for("api.get_article", article_id=article.id)},
    )


@api_bp.get("/articles/<int:article_id>")
def get_article(article_id: int):
    assignments.require_access(article_id, actor())
    return jsonify(api_article_data(article_service.load_article(article_id), viewer=actor()))


@api_bp.patch("/articles/<int:article_id>")
def patch_article(article_id: int):
    require_admin()
    article = article_service.get_article(article_id)
    # Annotations are re-anchored by their words; any left unplaced are listed.
    edited = boundaries.update_article(article, json_body(), actor=actor())
    unplaced = [ann.id for ann in edited.unplaced]
    return jsonify(api_article_data(article, viewer=actor()) | {"unplaced_annotations": unplaced})


@api_bp.delete("/articles/<int:article_id>")
def delete_article(article_id: int):
    require_admin()
    article_service.delete_article(article_service.get_article(article_id), actor=actor())
    return Response(status=204)
