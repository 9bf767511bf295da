"""Browser fixtures: the app served by waitress on 127.0.0.1, driven in Debian's Chromium."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from annotator.extensions import db
from annotator.models import Article, User
from tests.conftest import PASSWORD
from tests.servers import in_thread

CHROMIUM = os.environ.get("ANNOTATOR_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TIMEOUT_MS = 10_000  # generous for a loaded CI machine, short enough that a hang fails fast


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM} (`make chromium` installs Debian's package)"
        )
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test's own app (same database) with waitress in a thread; yields the base URL."""
    with in_thread(app) as server:
        yield f"http://127.0.0.1:{server.effective_port}"


@pytest.fixture
def new_context(browser: Browser, live_server: str) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts on the live server; all are closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(base_url=live_server, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context().new_page()


def log_in(page: Page, user: User | str, password: str = PASSWORD) -> None:
    """Log in through the real form, as a person would."""
    page.goto("/login")
    page.fill("#username", user if isinstance(user, str) else user.username)
    page.fill("#password", password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def sentence_ids(article: Article) -> list[int]:
    ids = [s.id for s in sorted(article.sentences, key=lambda s: s.index)]
    db.session.commit()  # end the read transaction: the server thread writes to the same database
    return ids


def mark(page: Page, sentence_id: int):
    return page.locator(f"#s{sentence_id} .mark")


def shows_verdict(verdict: str, reviewers: int = 1) -> re.Pattern[str]:
    """A sentence's mark in words: the viewer's verdict and how many reviewers annotated it."""
    count = f"{reviewers} reviewer{'' if reviewers == 1 else 's'}"
    return re.compile(rf"^\s*\[{verdict}\] \({count}\)\s*$")
