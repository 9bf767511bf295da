"""JSON API under /api/v1: session cookie + CSRF header, or a personal bearer token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, g, jsonify, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from annotator.extensions import csrf
from annotator.inputs import arg_number
from annotator.models import User
from annotator.responses import export_response
from annotator.services import annotations as annotation_service
from annotator.services import article_list, assignments, boundaries, status, users
from annotator.services import articles as article_service
from annotator.services.annotations import annotations_for_article
from annotator.services.boundaries import edit_text
from annotator.services.errors import Forbidden, Invalid
from annotator.services.serialize import annotation_data, article_data, sentence_data

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api_bp)  # checked below, only for cookie-authenticated calls

OPENAPI = Path(__file__).with_name("openapi.json")
MAX_PAGE = 500


@api_bp.before_request
def authenticate() -> None:
    """Resolve the caller from a bearer token or the session; refuse anyone else."""
    if request.endpoint == "api.openapi":
        return
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        user = users.user_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            abort(401)
        g.api_user = user
        return
    if not current_user.is_authenticated:
        abort(401)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError as error:
            raise CSRFError(str(error)) from None
    g.api_user = current_user._get_current_object()


def actor() -> User:
    return g.api_user


def require_admin() -> None:
    if not actor().is_admin:
        raise Forbidden("Only admins can do that.")


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 415/400 that says what is wrong."""
    if not request.is_json:
        abort(415)
    body = request.get_json(silent=True)
    if body is None:
        abort(400, "The request body is not valid JSON.")
    if not isinstance(body, dict):
        raise Invalid({"body": "must be a JSON object."})
    return body


def _page_args() -> tuple[int, int]:
    limit = min(max(arg_number("limit", default=100), 1), MAX_PAGE)
    offset = arg_number("offset", default=0)
    return limit, offset


def article_json(article, *, viewer: User, with_sentences: bool = True) -> dict[str, Any]:  # noqa: ANN001
    """An article as the API returns it, with the sentences and the annotations the viewer may see."""
    data = article_data(article)
    if with_sentences:
        data["status"] = str(status.statuses([article.id])[article.id])
        by_sentence: dict[int, list[dict[str, Any]]] = {}
        for ann in annotations_for_article(article.id, viewer=viewer):
            by_sentence.setdefault(ann.sentence_id, []).append(annotation_data(ann))
        data["sentences"] = [
            dict(sentence_data(s, article.text), annotations=by_sentence.get(s.id, []))
            for s in article.sentences
        ]
    return data


@api_bp.get("/articles")
def list_articles():  # noqa: ANN201
    limit, offset = _page_args()
    rows = article_list.list_articles(
        viewer=actor(), search=request.args.get("q", ""), limit=limit + 1, offset=offset
    )
    where = status.statuses([row.article.id for row in rows[:limit]])
    items = [
        dict(
            article_json(row.article, viewer=actor(), with_sentences=False),
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
def create_article():  # noqa: ANN201
    require_admin()
    body = json_body()
    force = body.pop("force", False) is True
    article = article_service.create_article(body, actor=actor(), force=force)
    return (
        jsonify(article_json(article, viewer=actor())),
        201,
        {"Location": url_for("api.get_article", article_id=article.id)},
    )


@api_bp.get("/articles/<int:article_id>")
def get_article(article_id: int):  # noqa: ANN201
    assignments.require_access(article_id, actor())
    return jsonify(article_json(article_service.load_article(article_id), viewer=actor()))


@api_bp.patch("/articles/<int:article_id>")
def patch_article(article_id: int):  # noqa: ANN201
    require_admin()
    article = article_service.get_article(article_id)
    body = json_body()
    has_text, text = "text" in body, body.pop("text", None)
    boundaries.update_article(article, body, actor=actor())
    unplaced = []
    if has_text:  # annotations are re-anchored by their words; any left unplaced are listed
        unplaced = [ann.id for ann in edit_text(article, text, actor=actor()).unplaced]
    return jsonify(article_json(article, viewer=actor()) | {"unplaced_annotations": unplaced})


@api_bp.delete("/articles/<int:article_id>")
def delete_article(article_id: int):  # noqa: ANN201
    require_admin()
    article_service.delete_article(article_service.get_article(article_id), actor=actor())
    return Response(status=204)


@api_bp.post("/annotations")
def create_annotation():  # noqa: ANN201
    body = json_body()
    sentence = annotation_service.get_sentence(body.get("sentence_id"))
    state = annotation_service.create_annotation(sentence, body, actor=actor())
    return (
        jsonify(state),
        201,
        {"Location": url_for("api.get_annotation", annotation_id=state["id"])},
    )


@api_bp.get("/annotations/<int:annotation_id>")
def get_annotation(annotation_id: int):  # noqa: ANN201
    return jsonify(
        annotation_data(annotation_service.get_annotation(annotation_id, viewer=actor()))
    )


@api_bp.patch("/annotations/<int:annotation_id>")
def patch_annotation(annotation_id: int):  # noqa: ANN201
    body = json_body()
    # A deleted one too: deleted by someone else since you read it is a 409, not a 404.
    ann = annotation_service.get_annotation(annotation_id, viewer=actor(), include_deleted=True)
    version = body.pop("version", None)
    annotation_service.update_annotation(ann, body, actor=actor(), expected_version=version)
    state = annotation_data(ann)
    return jsonify(state)


@api_bp.delete("/annotations/<int:annotation_id>")
def delete_annotation(annotation_id: int):  # noqa: ANN201
    # A deleted one too: deleted by someone else since you read it is a 409, not a 404.
    ann = annotation_service.get_annotation(annotation_id, viewer=actor(), include_deleted=True)
    expected = arg_number("version", minimum=1)
    annotation_service.delete_annotation(ann, actor=actor(), expected_version=expected)
    return Response(status=204)


@api_bp.post("/annotations/<int:annotation_id>/restore")
def restore_annotation(annotation_id: int):  # noqa: ANN201
    ann = annotation_service.get_annotation(annotation_id, viewer=actor(), include_deleted=True)
    annotation_service.restore_annotation(ann, actor=actor())
    state = annotation_data(ann)
    return jsonify(state)


@api_bp.get("/export")
def export():  # noqa: ANN201
    return export_response(request.args.get("format", "json"), request.args, actor())


@api_bp.get("/me")
def me():  # noqa: ANN201
    user = actor()
    return jsonify({"id": user.id, "username": user.username, "role": str(user.role)})


@api_bp.get("/openapi.json")
def openapi():  # noqa: ANN201
    """The OpenAPI 3.1 description of this API (public: it holds no data)."""
    return Response(OPENAPI.read_text(encoding="utf-8"), content_type="application/json")


def register(app: Flask) -> None:
    """Attach the API to the app. The routes of the other resources live in this package's other
    modules; they are imported here, not at the top, since they take the helpers above from this
    module (so no module imports one that imports it back)."""
    from annotator.api import (  # noqa: F401  (they add their routes)
        agreement,
        desk,
        publication,
        search,
        sentences,
        similar,
        sources,
    )

    app.register_blueprint(api_bp)
