"""The export page and its streamed downloads."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from flask_login import current_user, login_required

from annotator.exporters import EXPORTERS
from annotator.models import Credibility, Verdict
from annotator.services import exports
from annotator.services.articles import list_articles

bp = Blueprint("exports", __name__)


@bp.get("/export")
@login_required
def index():  # noqa: ANN201
    return render_template(
        "exports/index.html",
        formats=[
            (exporter.name, exporter.label or exporter.name.upper())
            for exporter in EXPORTERS.values()
        ],
        verdicts=[v.value for v in Verdict],
        credibilities=[c.value for c in Credibility],
        articles=[row.article for row in list_articles(viewer=current_user, limit=1000)],
    )


@bp.get("/export/download")
@login_required
def download():  # noqa: ANN201
    return export_response(request.args.get("format", "csv"), request.args, current_user)


def export_response(format_name: str, args, viewer) -> Response:  # noqa: ANN001
    """Stream an export as a download; shared by the page and the API.

    Everything is checked before the first byte goes out, so a bad parameter is a clean error
    (422), never a broken half-file.
    """
    exporter = EXPORTERS[exports.check_format(format_name)]
    params = {key: args.getlist(key) for key in args}
    flt = exports.parse_filter(params)
    # Never request.url_root: the Host header is the client's to choose (docs/security.md).
    options = exports.parse_options(params, base_url=current_app.config["PUBLIC_URL"])
    chunks = exports.export_chunks(exporter.name, flt, viewer=viewer, options=options)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    response = Response(stream_with_context(chunks), content_type=exporter.media_type)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="annotations-{stamp}.{exporter.extension}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
