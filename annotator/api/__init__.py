"""JSON API under /api/v1: session cookie + CSRF header, or a personal bearer token.

- common: the blueprint, the caller, admin only, the JSON body, paging, an article's full JSON
- articles, annotations, sentences: the articles, their sentences and the claims judged in them
- agreement, desk, publication, search, similar, sources: the desk's work over the API
- exports, users, openapi: the export, the caller's account, the OpenAPI description
"""

# No "from __future__ import annotations" here: it would bind the name `annotations` in this
# package, and the import below would take that instead of the annotations module.
from flask import Flask

from annotator.api import (  # noqa: F401  (each module adds its routes to the blueprint)
    agreement,
    annotations,
    articles,
    desk,
    exports,
    openapi,
    publication,
    search,
    sentences,
    similar,
    sources,
    users,
)
from annotator.api.common import api_bp


def register(app: Flask) -> None:
    """Attach the API to the app."""
    app.register_blueprint(api_bp)
