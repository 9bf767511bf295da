"""Field checks shared by the services: each returns the clean value or adds a problem."""

from __future__ import annotations

from datetime import date, datetime

from annotator.fields import limit
from annotator.text.domains import ascii_host, ascii_url, url_problem

__all__ = ["MAX_URL", "Problems", "ascii_host", "ascii_url", "url_problem"]

MAX_URL = limit("link", "url")  # articles' URLs have the same limit


class Problems(dict[str, str]):
    """Collects field -> message; the service raises Invalid(problems) if any."""

    def text(
        self, name: str, value: object, *, required: bool = False, limit: int = 500, label: str = ""
    ) -> str:
        label = label or name.replace("_", " ")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self[name] = "must be text."
            return ""
        value = value.strip()
        if required and not value:
            self[name] = f"{label.capitalize()} is required."
        elif len(value) > limit:
            self[name] = (
                f"{label.capitalize()} is {len(value):,} characters long; the limit is {limit:,}."
            )
        elif "\x00" in value:
            self[name] = f"{label.capitalize()} contains a NUL character."
        return value

    def url(self, name: str, value: object, *, required: bool = False) -> str | None:
        text = self.text(name, value, required=required, limit=MAX_URL, label="URL")
        if name in self or not text:
            return None
        problem = url_problem(text)
        if problem:
            self[name] = problem
            return None
        url = ascii_url(text)
        if len(url.encode()) > MAX_URL:  # an index entry must stay small (PostgreSQL's btree)
            self[name] = (
                f"URL is {len(url.encode()):,} bytes long once encoded; the limit is {MAX_URL:,} "
                "(a non-ASCII character counts as several)."
            )
            return None
        return url

    def iso_date(self, name: str, value: object) -> str | None:
        text = self.text(
            name, value, limit=limit("article", "published_at"), label="published date"
        )
        if name in self or not text:
            return None
        try:
            if len(text) == 10:
                return date.fromisoformat(text).isoformat()
            return datetime.fromisoformat(text).isoformat()
        except ValueError:
            self[name] = "must be a date like 2022-11-11 (or an ISO 8601 date and time)."
            return None

    def choice(self, name: str, value: object, choices: type, *, required: bool = True):
        allowed = [member.value for member in choices]
        if value in (None, "") and not required:
            return None
        if value not in allowed:
            self[name] = f"must be one of {', '.join(allowed)} (got {str(value)[:40]!r})."
            return None
        return choices(value)
