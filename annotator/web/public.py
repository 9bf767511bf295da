"""Public fact-check pages: no login, no session cookie, cacheable, nothing unpublished.

The renderer (services/public_site.py) also writes the static site: only the links differ.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound as HTTPNotFound

from annotator.i18n import html_lang
from annotator.responses import public_address
from annotator.services import publishing
from annotator.services.public_site import Links, render_feed, render_index, render_page

bp = Blueprint("public", __name__, url_prefix="/fact-checks")

# Rendered pages by address, for a few seconds, with the database generation they were built from:
# a spike of readers costs one small indexed query each instead of a render, and a page withdrawn
# by any process (another worker, `annotator publish --unpublish`) is never served from here.
_cache: dict[str, tuple[float, Any, str, str, Any]] = {}


def app_links() -> Links:
    """Links between the app's own public pages."""
    return Links(
        css=url_for("static", filename="public.css"),
        index=lambda n: url_for("public.index", page=n if n > 1 else None),
        page=lambda slug: url_for("public.page", slug=slug),
        feed=url_for("public.feed"),
        absolute=public_address,
        feed_absolute=_base() + url_for("public.feed"),
        index_absolute=_base() + url_for("public.index"),
    )


def _base() -> str:
    return str(current_app.config["PUBLIC_URL"]).rstrip("/")


def _public(body: str, media_type: str, last_modified: Any) -> Response:
    response = Response(body, content_type=media_type)
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    if last_modified is not None:
        response.last_modified = last_modified
    seconds = int(current_app.config["PUBLIC_MAX_AGE"])
    response.cache_control.public = True
    response.cache_control.max_age = seconds
    return response.make_conditional(request)


def _cached(
    key: str, build: Callable[[], tuple[str, str, Any]], generation: Callable[[], Any]
) -> Response:
    ttl = float(current_app.config["PUBLIC_CACHE_SECONDS"])
    key = f"{html_lang()}:{key}"  # the desk's language: a page rendered in another is another page
    hit = _cache.get(key)
    now = generation() if ttl > 0 else None
    if hit is not None and time.monotonic() - hit[0] < ttl and hit[1] == now:
        _, _, body, media_type, modified = hit
    else:
        body, media_type, modified = build()
        if ttl > 0:
            _cache[key] = (time.monotonic(), now, body, media_type, modified)
    return _public(body, media_type, _http_date(modified))


def _http_date(value: Any) -> Any:
    return value.astimezone(UTC) if value is not None else None


@bp.get("/")
def index():
    number = _page_number(request.args.get("page", "1"))

    def build() -> tuple[str, str, Any]:
        pages, total = publishing.listed_pages(number)
        if number > 1 and not pages:
            raise HTTPNotFound(_("There is no such page of fact-checks."))
        newest = max((p.updated_at for p in pages), default=None)
        return render_index(pages, app_links(), number=number, total=total), "text/html", newest

    return _cached(f"index:{number}", build, publishing.listing_generation)


@bp.get("/feed.atom")
def feed():
    def build() -> tuple[str, str, Any]:
        pages, _ = publishing.listed_pages(1)
        newest = max((p.updated_at for p in pages), default=None)
        return render_feed(pages, app_links()), "application/atom+xml", newest

    return _cached("feed", build, publishing.listing_generation)


@bp.get("/<slug>")
def page(slug: str):
    def build() -> tuple[str, str, Any]:
        found = publishing.public_page(slug)
        return render_page(found, app_links()), "text/html", found.updated_at

    return _cached(f"page:{slug[:120]}", build, lambda: publishing.page_generation(slug))


def _page_number(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or int(raw) < 1:
        raise HTTPNotFound(_("There is no such page of fact-checks."))
    return int(raw)


# Where a visitor who is not logged in may be given a session cookie: the login form (its CSRF
# token lives in the session) and the answers that end a session (their goodbye is flashed).
ANONYMOUS_SESSION_ENDPOINTS = frozenset({"auth.login", "auth.logout", "auth.end_sessions"})


class PublicAwareSessionInterface(SecureCookieSessionInterface):
    """Public pages never set (or refresh) a session cookie, even for a logged-in visitor; and no
    answer starts a session for an anonymous visitor except the login form's (a reader's 404, a
    browser's favicon request or a crawler gets no cookie)."""

    def open_session(self, app: Flask, request: Any) -> Any:
        # No cookie, nothing to verify: an empty session without building the signing
        # serializer (a bearer-token API call, most of a desk's saves, pays for it otherwise).
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def _keeps_no_session(self, app: Flask) -> bool:
        if request.blueprint == bp.name:
            return True
        if request.endpoint in ANONYMOUS_SESSION_ENDPOINTS:
            return False
        had_one = self.get_cookie_name(app) in request.cookies
        if not had_one and request.blueprint == "api":
            return True  # an API call without the cookie (a bearer token) never starts a session
        return not had_one and not current_user.is_authenticated

    def should_set_cookie(self, app: Flask, session: Any) -> bool:
        if self._keeps_no_session(app):
            return False
        return super().should_set_cookie(app, session)

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        if self._keeps_no_session(app):
            return
        super().save_session(app, session, response)
