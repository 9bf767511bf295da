"""Admin corrections to an article's sentences: merge, split, re-run segmentation."""

from __future__ import annotations

from flask import jsonify

from annotator.api import actor, api_bp, article_json, json_body, require_admin
from annotator.services import articles as article_service
from annotator.services import boundaries


@api_bp.post("/articles/<int:article_id>/sentences/merge")
def merge_sentences(article_id: int):  # noqa: ANN201
    """Body: {"first": sentence_id, "second": the next sentence's id}."""
    require_admin()
    body = json_body()
    article = article_service.load_article(article_id)
    boundaries.merge_sentences(article, body.get("first"), body.get("second"), actor=actor())
    return jsonify(article_json(article, viewer=actor()))


@api_bp.post("/articles/<int:article_id>/sentences/split")
def split_sentence(article_id: int):  # noqa: ANN201
    """Body: {"sentence_id": id, "offset": article offset where the second part begins}."""
    require_admin()
    body = json_body()
    article = article_service.load_article(article_id)
    boundaries.split_sentence(article, body.get("sentence_id"), body.get("offset"), actor=actor())
    return jsonify(article_json(article, viewer=actor()))


@api_bp.post("/articles/<int:article_id>/resegment")
def resegment(article_id: int):  # noqa: ANN201
    """Split the article again with the current segmenter; annotations follow their text."""
    require_admin()
    article = article_service.load_article(article_id)
    boundaries.resegment(article, actor=actor())
    return jsonify(article_json(article, viewer=actor()))
