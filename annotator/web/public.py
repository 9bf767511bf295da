"""Public fact-check pages: no login, no session cookie, cacheable, nothing unpublished.

The same renderer writes the static site (``annotator publish --static DIR``): only the URLs differ,
so what a reader sees on the app and on a static host is the same page.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import NotFound as HTTPNotFound

from annotator.exporters.claimreview import published_claim_review
from annotator.responses import public_address
from annotator.services import publishing
from annotator.services.publishing import VERDICT_ORDER, VERDICT_WORDS, PublicPage

bp = Blueprint("public", __name__, url_prefix="/fact-checks")

# Rendered pages by address, for a few seconds: a spike of readers costs one query per interval.
_cache: dict[str, tuple[float, str, str, str]] = {}


@dataclass(frozen=True)
class Links:
    """Where the page's links point: the running app, or files side by side in a folder."""

    css: str
    index: Callable[[int], str]
    page: Callable[[str], str]
    feed: str
    absolute: Callable[[str], str]  # a page's own address for canonical, Open Graph and JSON-LD


def app_links() -> Links:
    return Links(
        css=url_for("static", filename="public.css"),
        index=lambda n: url_for("public.index", page=n if n > 1 else None),
        page=lambda slug: url_for("public.page", slug=slug),
        feed=url_for("public.feed"),
        absolute=public_address,
    )


def organisation() -> str:
    """The desk as readers see it (PUBLIC_NAME)."""
    return current_app.config["PUBLIC_NAME"]


def render_page(page: PublicPage, links: Links) -> str:
    """One fact-check page as HTML (the app and the static site both use this)."""
    snap = page.snapshot
    org = organisation()
    url = links.absolute(page.slug)
    reviews = [
        published_claim_review(
            claim,
            snap["article"],
            page_url=url,
            organisation=org,
            published=page.first_published_at.isoformat(),
            modified=page.updated_at.isoformat(),
        )
        for claim in snap["claims"]
    ]
    return render_template(
        "public/page.html",
        page=page,
        snap=snap,
        links=links,
        url=url,
        reviews=reviews,
        words=VERDICT_WORDS,
        order=VERDICT_ORDER,
        organisation=org,
        description=_description(snap),
    )


def _description(snap: dict[str, Any]) -> str:
    counts = snap["counts"]
    parts = [f"{counts[v]} {VERDICT_WORDS[v].lower()}" for v in VERDICT_ORDER if counts[v]]
    total = len(snap["claims"])
    return f"{total} claim{'s' if total != 1 else ''} checked: " + ", ".join(parts) + "."


def render_index(pages: list[PublicPage], links: Links, *, number: int, total: int) -> str:
    per_page = publishing.PAGE_SIZE
    return render_template(
        "public/index.html",
        pages=pages,
        links=links,
        number=number,
        more=number * per_page < total,
        total=total,
        organisation=organisation(),
        words=VERDICT_WORDS,
        order=VERDICT_ORDER,
    )


def render_feed(pages: list[PublicPage], links: Links) -> str:
    return render_template(
        "public/feed.xml",
        pages=pages,
        links=links,
        organisation=organisation(),
        updated=max((p.updated_at for p in pages), default=None),
        description=_description,
    )


def _public(body: str, media_type: str, last_modified: Any) -> Response:
    response = Response(body, content_type=media_type)
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    if last_modified is not None:
        response.last_modified = last_modified
    seconds = int(current_app.config["PUBLIC_MAX_AGE"])
    response.cache_control.public = True
    response.cache_control.max_age = seconds
    return response.make_conditional(request)


def _cached(key: str, build: Callable[[], tuple[str, str, Any]]) -> Response:
    ttl = float(current_app.config["PUBLIC_CACHE_SECONDS"])
    hit = _cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < ttl:
        _, body, media_type, modified = hit
    else:
        body, media_type, modified = build()
        if ttl > 0:
            _cache[key] = (time.monotonic(), body, media_type, modified)
    return _public(body, media_type, _http_date(modified))


def _http_date(value: Any) -> Any:
    return value.astimezone(UTC) if value is not None else None


@bp.get("/")
def index():
    number = _page_number(request.args.get("page", "1"))

    def build() -> tuple[str, str, Any]:
        pages, total = publishing.listed_pages(number)
        if number > 1 and not pages:
            raise HTTPNotFound("There is no such page of fact-checks.")
        newest = max((p.updated_at for p in pages), default=None)
        return render_index(pages, app_links(), number=number, total=total), "text/html", newest

    return _cached(f"index:{number}", build)


@bp.get("/feed.atom")
def feed():
    def build() -> tuple[str, str, Any]:
        pages, _ = publishing.listed_pages(1)
        newest = max((p.updated_at for p in pages), default=None)
        return render_feed(pages, app_links()), "application/atom+xml", newest

    return _cached("feed", build)


@bp.get("/<slug>")
def page(slug: str):
    def build() -> tuple[str, str, Any]:
        found = publishing.public_page(slug)
        return render_page(found, app_links()), "text/html", found.updated_at

    return _cached(f"page:{slug[:120]}", build)


def _page_number(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or int(raw) < 1:
        raise HTTPNotFound("There is no such page of fact-checks.")
    return int(raw)


class PublicAwareSessionInterface(SecureCookieSessionInterface):
    """Public pages never set (or refresh) a session cookie, even for a logged-in visitor."""

    def should_set_cookie(self, app: Flask, session: Any) -> bool:
        if request.blueprint == bp.name:
            return False
        return super().should_set_cookie(app, session)

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        if request.blueprint == bp.name:
            return
        super().save_session(app, session, response)


def static_links(base_url: str = "") -> Links:
    """Links between files in one folder, so the pages open from the file system or any host."""
    base = base_url.rstrip("/") + "/" if base_url else ""
    return Links(
        css="public.css",
        index=lambda n: "index.html" if n <= 1 else f"index-{n}.html",
        page=lambda slug: f"{slug}.html",
        feed="feed.atom",
        absolute=lambda slug: f"{base}{slug}.html",
    )


def write_site(
    folder: Path, *, base_url: str = "", progress: Callable[[int, int], None] | None = None
) -> int:
    """Write every live page, the paged index, the feed and the stylesheet into ``folder``.

    Returns the number of fact-check pages written. Files of pages no longer published are removed,
    so a static host never keeps serving a withdrawn page."""
    folder.mkdir(parents=True, exist_ok=True)
    links = static_links(base_url)
    pages = publishing.live_pages()
    listed = [page for page in pages if page.listed]
    wanted = {"public.css", "feed.atom"}
    for done, page in enumerate(pages, start=1):
        name = links.page(page.slug)
        (folder / name).write_text(render_page(page, links), encoding="utf-8")
        wanted.add(name)
        if progress:
            progress(done, len(pages))
    per_page = publishing.PAGE_SIZE
    chunks = [listed[i : i + per_page] for i in range(0, len(listed), per_page)] or [[]]
    for number, chunk in enumerate(chunks, start=1):
        name = links.index(number)
        html = render_index(chunk, links, number=number, total=len(listed))
        (folder / name).write_text(html, encoding="utf-8")
        wanted.add(name)
    (folder / "feed.atom").write_text(render_feed(listed[:per_page], links), encoding="utf-8")
    css = Path(current_app.static_folder or "") / "public.css"
    shutil.copyfile(css, folder / "public.css")
    for stale in folder.glob("*.html"):
        if stale.name not in wanted:
            stale.unlink()
    return len(pages)
