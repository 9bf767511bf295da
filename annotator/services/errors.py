"""Domain errors raised by services and turned into pages or JSON by annotator.errors."""

from __future__ import annotations

import re
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
    """The record changed since the caller read it; ``current`` is what it holds now,
    ``changed_by`` (a username) and ``changed_at`` (ISO 8601) who saved it last and when."""

    status = 409
    code = "conflict"

    def __init__(
        self,
        message: str,
        *,
        current: dict[str, Any] | None = None,
        changed_by: str | None = None,
        changed_at: str | None = None,
    ) -> None:
        super().__init__(message)
        self.current = current
        self.changed_by = changed_by
        self.changed_at = changed_at


class Duplicate(ServiceError):
    """The same article is already there; ``existing_id`` points at it."""

    status = 409
    code = "duplicate"

    def __init__(self, message: str, *, existing_id: int) -> None:
        super().__init__(message)
        self.existing_id = existing_id


# The words for a field the services name by its path (``links[0].override_reason``): the one
# place that turns paths into what the person filling the form sees.
FIELD_WORDS = {
    "attributed_to": "Attributed to",
    "span": "Claim",
    "claim_text": "Claim",
    "matched_from": "Copied from",
    "links": "Evidence links",
}
LINK_PART_WORDS = {
    "url": "URL",
    "title": "title",
    "credibility": "credibility",
    "stance": "stance",
    "override_reason": "",  # its problems say "give a reason for ..."
}
_LINK_PATH = re.compile(r"^links\[(\d+)\](?:\.(\w+))?$")


def field_words(path: str) -> str:
    """A field's name as people say it: ``links[0].override_reason`` is "Evidence link 1"."""
    link = _LINK_PATH.match(path)
    if link:
        part = LINK_PART_WORDS.get(link[2] or "", (link[2] or "").replace("_", " "))
        return f"Evidence link {int(link[1]) + 1}" + (f", {part}" if part else "")
    if path in FIELD_WORDS:
        return FIELD_WORDS[path]
    if re.fullmatch(r"[a-z_]+(?:\.[a-z_]+)*", path):  # a field path such as "span.start"
        return path.replace("_", " ").replace(".", ", ").capitalize()
    return path  # already words, such as "backup.json line 2"


def _summary(fields: dict[str, str]) -> str:
    return " ".join(f"{field_words(name)}: {problem}" for name, problem in fields.items())
