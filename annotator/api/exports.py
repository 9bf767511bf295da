"""The export over the API: the same formats and parameters as the page."""

from __future__ import annotations

from flask import request

from annotator.api.common import actor, api_bp
from annotator.responses import export_response


@api_bp.get("/export")
def export():
    return export_response(request.args.get("format", "json"), request.args, actor())
