"""Admin corrections to an article's sentences: merge, split, re-run segmentation."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, jsonify

from annotator.api.common import actor, api_article_data, api_bp, json_body, require_admin
from annotator.services.articles import articles as article_service
from annotator.services.articles import boundaries


def _correct(article_id: int, correction: Callable[..., object], *fields: str) -> Response:
    """Apply one correction (admins only), given these fields of the JSON body, and answer with
    the article as it now reads."""
    require_admin()
    body = json_body() if fields else {}
    article = article_service.load_article(article_id)
    correction(article, *(body.get(name) for name in fields), actor=actor())
    return jsonify(api_article_data(article, viewer=actor()))


@api_bp.post("/articles/<int:article_id>/sentences/merge")
def merge_sentences(article_id: int) -> Response:
    """Body: {"first": sentence_id, "second": the next sentence's id}."""
    return _correct(article_id, boundaries.merge_sentences, "first", "second")


@api_bp.post("/articles/<int:article_id>/sentences/split")
def split_sentence(article_id: int) -> Response:
    """Body: {"sentence_id": id, "offset": article offset where the second part begins}."""
    return _correct(article_id, boundaries.split_sentence, "sentence_id", "offset")


@api_bp.post("/articles/<int:article_id>/resegment")
def resegment(article_id: int) -> Response:
    """Split the article again with the current segmenter; annotations follow their text."""
    return _correct(article_id, boundaries.resegment)
