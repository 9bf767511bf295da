"""The public fact-check pages rendered to HTML: one renderer for the app's public pages and the
static site (``annotator publish --static DIR``): only the links differ, so what a reader sees on
the app and on a static host is the same page."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app, render_template

from annotator.exporters.claimreview import published_claim_review
from annotator.services import publishing
from annotator.services.publishing import VERDICT_ORDER, VERDICT_WORDS, PublicPage


@dataclass(frozen=True)
class Links:
    """Where the page's links point: the running app, or files side by side in a folder."""

    css: str
    index: Callable[[int], str]
    page: Callable[[str], str]
    feed: str
    absolute: Callable[[str], str]  # a page's own address for canonical, Open Graph and JSON-LD
    feed_absolute: str = ""  # the feed's own address (Atom's rel="self" must be absolute)
    index_absolute: str = ""


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
        description=description(snap),
    )


def description(snap: dict[str, Any]) -> str:
    """One line that counts a page's claims by verdict (meta description, feed summary)."""
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
        description=description,
    )


def static_links(base_url: str = "") -> Links:
    """Links between files in one folder, so the pages open from the file system or any host."""
    base = base_url.rstrip("/") + "/" if base_url else ""
    # the feed's self link is absolute even without --base-url: PUBLIC_URL's address then
    site = base or str(current_app.config["PUBLIC_URL"]).rstrip("/") + "/"
    return Links(
        css="public.css",
        index=lambda n: "index.html" if n <= 1 else f"index-{n}.html",
        page=lambda slug: f"{slug}.html",
        feed="feed.atom",
        absolute=lambda slug: f"{base}{slug}.html",
        feed_absolute=f"{site}feed.atom",
        index_absolute=f"{site}index.html",
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
