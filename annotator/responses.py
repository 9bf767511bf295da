"""Responses the pages and the API both send: file downloads (whole or streamed).

A neutral module, so that neither door imports the other's blueprint.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, stream_with_context, url_for

from annotator.exporters import EXPORTERS
from annotator.models import User
from annotator.services import sources as source_service
from annotator.services.exchange import exports


def download(body: str | Iterable[str], filename: str, media_type: str) -> Response:
    """A file the browser saves as ``filename`` instead of showing it."""
    response = Response(body, content_type=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_response(format_name: str, args: Any, viewer: User) -> Response:
    """Stream the annotations matching ``args`` (the query string) in one format as a download.

    Everything is checked before the first byte goes out, so a bad parameter is a clean error
    (422), never a broken half-file.
    """
    exporter = EXPORTERS[exports.check_format(format_name)]
    params = {key: args.getlist(key) for key in args}
    flt = exports.parse_filter(params)
    options = exports.parse_options(
        params, base_url=current_app.config["PUBLIC_URL"]
    )  # never the Host header
    chunks: Iterator[str] = exports.export_chunks(
        exporter.name, flt, viewer=viewer, options=options
    )
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    response = download(
        stream_with_context(chunks),
        f"annotations-{stamp}.{exporter.extension}",
        exporter.media_type,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def registry_csv_response() -> Response:
    """The active source registry as a CSV download."""
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return download(
        source_service.export_sources_csv(), f"sources-{stamp}.csv", "text/csv; charset=utf-8"
    )


UNSET_PUBLIC_URL = "http://localhost/"  # the default: no reader can open an address under it


def public_url_missing() -> str | None:
    """A plain sentence when PUBLIC_URL is not set (or is a localhost address), else None."""
    base = str(current_app.config.get("PUBLIC_URL") or "")
    host = base.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
    if base and host not in ("localhost", "127.0.0.1", "[::1]", ""):
        return None
    return (
        f"PUBLIC_URL is not set, so every public address, canonical link, feed entry and JSON-LD "
        f"review points at {base or UNSET_PUBLIC_URL}, which no reader can open. Set "
        "ANNOTATOR_PUBLIC_URL (or PUBLIC_URL in instance/config.py) to the address readers reach "
        "this desk at, such as https://factcheck.example.org/, before sharing a page."
    )


def public_address(slug: str) -> str:
    """A public fact-check's absolute address, from PUBLIC_URL (never the request's Host header)."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for("public.page", slug=slug)
