"""Field checks shared by the services: each returns the clean value or adds a problem."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from urllib.parse import urlsplit, urlunsplit

import idna

MAX_URL = 2000


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
        text = self.text(name, value, limit=32, label="published date")
        if name in self or not text:
            return None
        try:
            if len(text) == 10:
                return date.fromisoformat(text).isoformat()
            return datetime.fromisoformat(text).isoformat()
        except ValueError:
            self[name] = "must be a date like 2022-11-11 (or an ISO 8601 date and time)."
            return None

    def choice(self, name: str, value: object, choices: type, *, required: bool = True):  # noqa: ANN201
        allowed = [member.value for member in choices]
        if value in (None, "") and not required:
            return None
        if value not in allowed:
            self[name] = f"must be one of {', '.join(allowed)} (got {str(value)[:40]!r})."
            return None
        return choices(value)


def url_problem(url: str) -> str | None:
    """Why a link is unacceptable, or None. Only absolute http(s) URLs without credentials."""
    if any(unicodedata.category(ch) in ("Cc", "Zs", "Zl", "Zp") for ch in url):
        return "must not contain spaces or control characters."
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "is not a valid URL."
    if parts.scheme.lower() not in ("http", "https"):
        return (
            "must start with http:// or https:// (other schemes such as javascript: are refused)."
        )
    if not parts.hostname:
        return "must name a host, as in https://example.org/page."
    if parts.username or parts.password:
        return "must not contain a user name or password."
    try:
        ascii_host(parts.hostname)
    except ValueError as error:
        return f"has a host name that is not a valid internationalised domain name ({error})."
    return None


def ascii_host(host: str) -> str:
    """The host as DNS sees it: internationalised names in punycode (xn--...), so that a
    look-alike such as Cyrillic "аpple.com" shows its real form. Plain ASCII hosts pass as they are."""
    labels = host.split(".")
    if host.isascii() and not any(label.lower().startswith("xn--") for label in labels):
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError) as error:
        raise ValueError(str(error) or "invalid label") from None


def ascii_url(url: str) -> str:
    """The URL with an internationalised host rewritten to punycode; other URLs unchanged."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    real = ascii_host(host)
    if real == host and parts.netloc.isascii():
        return url
    port = f":{parts.port}" if parts.port is not None else ""
    return urlunsplit(parts._replace(netloc=real + port))
