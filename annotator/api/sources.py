"""The source registry over JSON: everyone reads, admins change."""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlsplit

from flask import Response, abort, jsonify, request, url_for

from annotator.api.common import actor, api_bp, json_body, page_args, require_admin
from annotator.importers import display_name
from annotator.models import Credibility, RatingOrigin
from annotator.responses import registry_csv_response
from annotator.services import sources as source_service
from annotator.services.errors import Invalid
from annotator.services.serialize import source_data
from annotator.services.validation import Problems, ascii_url


@api_bp.get("/sources")
def list_sources():
    limit, offset = page_args()
    search = request.args.get("q", "")
    include_retired = request.args.get("retired", "1") not in ("0", "false", "no")
    rows = source_service.list_sources(
        search, include_retired=include_retired, limit=limit + 1, offset=offset
    )
    following = None
    if len(rows) > limit:
        following = url_for(
            "api.list_sources",
            q=search or None,
            retired=None if include_retired else "0",
            limit=limit,
            offset=offset + limit,
        )
    return jsonify({"items": [source_data(s) for s in rows[:limit]], "next": following})


@api_bp.post("/sources")
def create_source():
    require_admin()
    source = source_service.create_source(json_body(), actor=actor())
    return (
        jsonify(_detail(source)),
        201,
        {"Location": url_for("api.get_source", source_id=source.id)},
    )


@api_bp.get("/sources/lookup")
def lookup_source():
    """The rating a new evidence link to ``url`` would get."""
    problems = Problems()
    url = problems.url("url", request.args.get("url"), required=True)
    if problems or url is None:
        raise Invalid(problems)
    source = source_service.lookup(url)
    return jsonify(
        {
            "url": ascii_url(url),
            "host": urlsplit(ascii_url(url)).hostname,
            "credibility": str(source.credibility if source else Credibility.UNKNOWN),
            "credibility_source": str(RatingOrigin.REGISTRY if source else RatingOrigin.REVIEWER),
            "source": source_data(source) if source else None,
        }
    )


@api_bp.get("/sources/export.csv")
def export_sources():
    """The active registry as CSV, the same file the Sources page downloads."""
    return registry_csv_response()


@api_bp.post("/sources/import")
def import_sources():
    """Create or update entries from a CSV (the body as text/csv, or a multipart file "file").

    All or nothing, as on the page: one bad line refuses the whole file, naming the line."""
    require_admin()
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise Invalid({"file": "Send the CSV as a multipart file field named “file”."})
        name, data = display_name(upload.filename, "upload.csv"), upload.read()
    elif request.mimetype == "text/csv":
        name, data = "request body", request.get_data()
    else:
        abort(415, "Send the registry as CSV: a text/csv body, or a multipart file named “file”.")
    result = source_service.import_sources_csv(data, name, actor=actor())
    return jsonify(asdict(result))


@api_bp.get("/sources/<int:source_id>")
def get_source(source_id: int):
    source = source_service.get_source(source_id)
    return jsonify(_detail(source))


@api_bp.patch("/sources/<int:source_id>")
def patch_source(source_id: int):
    require_admin()
    body = json_body()
    source = source_service.get_source(source_id)
    source_service.update_source(source, body, actor=actor())
    return jsonify(_detail(source))


@api_bp.delete("/sources/<int:source_id>")
def retire_source(source_id: int):
    """Retire (soft): the entry stops rating new links; saved links keep their ratings."""
    require_admin()
    source_service.retire_source(source_service.get_source(source_id), actor=actor())
    return Response(status=204)


@api_bp.post("/sources/<int:source_id>/restore")
def reinstate_source(source_id: int):
    """Put a retired entry back in use."""
    require_admin()
    source = source_service.get_source(source_id)
    source_service.reinstate_source(source, actor=actor())
    return jsonify(_detail(source))


def _detail(source) -> dict[str, object]:
    """An entry with the history of its changes, oldest first."""
    history = [
        {
            "action": rev.action,
            "actor": rev.actor.username if rev.actor else None,
            "at": rev.created_at.isoformat(),
            "before": rev.before,
            "after": rev.after,
        }
        for rev in source_service.history(source)
    ]
    return dict(source_data(source), history=history)
