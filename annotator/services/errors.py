"""Domain errors raised by services and turned into pages or JSON by annotator.errors."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base class: a sentence for the user, an HTTP status and a machine code."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class Invalid(ServiceError):
    """Input broke a domain rule; ``fields`` maps each field to what is wrong with it."""

    status = 422
    code = "invalid"

    def __init__(self, fields: dict[str, str], message: str | None = None) -> None:
        super().__init__(message or _summary(fields), fields=fields)


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    """The record changed since the caller read it; ``current`` is what it holds now."""

    status = 409
    code = "conflict"

    def __init__(self, message: str, *, current: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.current = current


class Duplicate(ServiceError):
    """The same article is already there; ``existing_id`` points at it."""

    status = 409
    code = "duplicate"

    def __init__(self, message: str, *, existing_id: int) -> None:
        super().__init__(message)
        self.existing_id = existing_id


def _summary(fields: dict[str, str]) -> str:
    return " ".join(
        f"{name.replace('_', ' ').capitalize()}: {problem}" for name, problem in fields.items()
    )
