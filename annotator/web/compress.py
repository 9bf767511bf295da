"""Gzip for pages, JSON and static assets (waitress does not compress)."""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = (
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
)
MIN_SIZE = 1400  # below one packet it is not worth it


def install(app: Flask) -> None:
    """Compress eligible responses for clients that accept gzip; static assets are compressed once."""
    cache: dict[tuple[str, str], bytes] = {}

    @app.after_request
    def _gzip(response: Response) -> Response:
        if (
            "gzip" not in request.headers.get("Accept-Encoding", "")
            or response.status_code != 200
            or response.is_streamed
            and not response.direct_passthrough
            or "Content-Encoding" in response.headers
            or response.mimetype not in COMPRESSIBLE
        ):
            return response
        static = request.endpoint == "static"
        key = (request.path, response.headers.get("ETag", ""))
        original = response.response
        response.direct_passthrough = False
        if static and key in cache:
            body = cache[key]
        else:
            data = response.get_data()
            if len(data) < MIN_SIZE:
                return response
            body = gzip.compress(data, compresslevel=6)
            if static:
                cache[key] = body
        if hasattr(original, "close"):
            original.close()  # a static file's handle, replaced by the compressed bytes
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Length"] = str(len(body))
        response.vary.add("Accept-Encoding")
        return response
