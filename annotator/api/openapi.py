"""The OpenAPI description of this API."""

from __future__ import annotations

from flask import Response

from annotator.api.common import OPENAPI, api_bp


@api_bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API (public: it holds no data)."""
    return Response(OPENAPI.read_text(encoding="utf-8"), content_type="application/json")
