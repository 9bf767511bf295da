"""The export page and its streamed downloads (built by annotator.responses, shared with the API)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from annotator.exporters import EXPORTERS
from annotator.models import Credibility, Verdict
from annotator.responses import export_response
from annotator.services.articles.listing import list_articles

bp = Blueprint("exports", __name__)


@bp.get("/export")
@login_required
def index():
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
def download():
    return export_response(request.args.get("format", "csv"), request.args, current_user)
