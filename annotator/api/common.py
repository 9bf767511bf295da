"""What the API's routes share: the blueprint, the caller (a bearer token or the session, with
CSRF for cookies), admin only, the JSON body, paging and an article's full JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from annotator.extensions import csrf
from annotator.inputs import arg_number
from annotator.models import User
from annotator.services import guards
from annotator.services.accounts import users
from annotator.services.annotations.annotations import annotations_for_article
from annotator.services.articles.articles import sentence_rows
from annotator.services.desk import status
from annotator.services.errors import Invalid
from annotator.services.serialize import annotation_data, article_data, sentence_row

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api_bp)  # checked below, only for cookie-authenticated calls

OPENAPI = Path(__file__).with_name("openapi.json")
MAX_PAGE = 500


@api_bp.before_request
def authenticate() -> None:
    """Resolve the caller from a bearer token or the session; refuse anyone else."""
    if request.endpoint == "api.openapi":  # public: it holds no data
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
    """The caller authenticate() resolved."""
    return g.api_user


def require_admin() -> None:
    """Forbidden unless the caller is an admin."""
    guards.require_admin(actor(), "Only admins can do that.")


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


def page_args() -> tuple[int, int]:
    """The limit (1 to MAX_PAGE) and offset a list was asked for."""
    limit = min(max(arg_number("limit", default=100), 1), MAX_PAGE)
    offset = arg_number("offset", default=0)
    return limit, offset


def api_article_data(article, *, viewer: User, with_sentences: bool = True) -> dict[str, Any]:
    """An article as the API returns it, with the sentences and the annotations the viewer may see."""
    data = article_data(article)
    if with_sentences:
        data["status"] = str(status.statuses([article.id])[article.id])
        by_sentence: dict[int, list[dict[str, Any]]] = {}
        for ann in annotations_for_article(article.id, viewer=viewer):
            by_sentence.setdefault(ann.sentence_id, []).append(annotation_data(ann))
        data["sentences"] = [
            dict(sentence_row(*row, article.text), annotations=by_sentence.get(row[0], []))
            for row in sentence_rows(article)
        ]
    return data
