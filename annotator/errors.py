"""One place that turns exceptions into the JSON error envelope or a friendly page.

The work of a request that failed is already rolled back when these run (annotator.uow)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from annotator.services.errors import Conflict, ServiceError

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "internal_error",
    503: "busy",
}

# In the request's language (lazy: each is read when an error is answered).
MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Log in, or send a valid API token as “Authorization: Bearer …”."),
    403: _l("You do not have permission to do that."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The upload is too large."),
    415: _l("Send the request body as JSON (Content-Type: application/json)."),
    500: _l("Something went wrong on our side. The error has been logged; please try again."),
}


def wants_json() -> bool:
    """API paths always answer in JSON."""
    return request.path.startswith("/api/")


def error_response(
    status: int,
    message: str,
    *,
    code: str | None = None,
    fields: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[Response | str, int]:
    """The JSON envelope under /api/, the error page elsewhere."""
    if wants_json():
        body: dict[str, Any] = {
            "code": code or CODES.get(status, "error"),
            "message": str(message),
            "fields": fields or {},
        }
        body.update(extra or {})
        return jsonify({"error": body}), status
    if status in (404, 410) and _reader():
        from annotator.services.public_site import organisation
        from annotator.web.public import app_links

        return render_template(
            "errors/public.html",
            status=status,
            message=message,
            links=app_links(),
            organisation=organisation(),
        ), status
    return render_template(
        "errors/error.html", status=status, message=message, fields=fields or {}
    ), status


def _reader() -> bool:
    """A visitor who is not logged in (a reader of the public pages, a crawler): their "not found"
    and "gone" pages lead to the published fact-checks, never to a login form."""
    from flask_login import current_user

    return request.blueprint == "public" or not current_user.is_authenticated


def _service_error(error: ServiceError):
    extra = None
    if isinstance(error, Conflict) and error.current:
        extra = {
            "current": error.current,
            "changed_by": error.changed_by,
            "changed_at": error.changed_at,
        }
    if getattr(error, "existing_id", None):
        extra = {"existing_id": error.existing_id}
    return error_response(
        error.status, error.message, code=error.code, fields=error.fields, extra=extra
    )


def _csrf_error(error: CSRFError):
    return error_response(
        400,
        _("The form's security token is missing or expired. Reload the page and try again."),
        code="csrf_failed",
    )


def _http_error(error: HTTPException):
    status = error.code or 500
    message = str(MESSAGES.get(status) or error.description or _("The request failed."))
    if status == 413:
        from flask import current_app

        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        message = _(
            "The upload is larger than the limit of %(mb)s MB.", mb=round(limit / 1024 / 1024)
        )
    if error.description and error.description != type(error).description and status != 413:
        message = error.description  # a specific reason given by our code
    return error_response(status, message)


def _unexpected(error: Exception):
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return error_response(500, str(MESSAGES[500]))


def register(app: Flask) -> None:
    """Install the handlers on the app."""
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
