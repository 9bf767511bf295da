"""The annotation page's script takes its URLs from the page: mounted below a path prefix (as
behind a reverse proxy at /desk), its saves, undo and registry look-ups still reach the app."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from annotator.models import User
from tests.browser.conftest import TIMEOUT_MS, mark, sentence_ids, shows_verdict
from tests.conftest import PASSWORD
from tests.servers import in_thread

pytestmark = pytest.mark.browser

PREFIX = "/desk"


@pytest.fixture
def prefixed(app: Flask, browser: Browser) -> Iterator[tuple[Page, str]]:
    """A page, and the app's URL below PREFIX; anything outside the prefix is a 404."""
    with in_thread(app, wsgi=DispatcherMiddleware(NotFound(), {PREFIX: app})) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.set_default_timeout(TIMEOUT_MS)
        yield context.new_page(), f"http://127.0.0.1:{server.effective_port}{PREFIX}"
        context.close()


def test_saves_undo_and_look_ups_work_below_a_path_prefix(
    prefixed: tuple[Page, str], reviewer: User, make_article
) -> None:
    page, root = prefixed
    article = make_article()
    ids = sentence_ids(article)
    first, second = ids[:2]
    page.goto(f"{root}/login")
    page.fill("#username", reviewer.username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(rf"{PREFIX}/$"))
    page.goto(f"{root}/articles/{article.id}?sentence={first}")
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))

    page.keyboard.press("2")  # one key: save "unproven" and go on
    expect(mark(page, first)).to_have_text(shows_verdict("unproven"))
    expect(page.locator("#status")).to_have_text("Saved sentence 1 as unproven.")
    expect(page.locator(f"#s{second}")).to_have_attribute("aria-current", "true")
    expect(page.locator("#progress .progress-text")).to_have_text(f"1 of {len(ids)} reviewed")

    page.keyboard.press("l")
    page.keyboard.type("https://example.org/report")
    page.keyboard.press("Tab")  # the change event looks the URL up in the registry
    expect(page.locator("#link-rows .link-row .rating").first).to_have_text(
        "example.org is not in the registry: rated unknown unless you choose."
    )
    page.keyboard.press("Escape")  # leave the field
    page.keyboard.press("Escape")  # close the details (the unsaved link stays a draft)

    page.keyboard.press("z")  # undo the save: the new claim is removed again
    expect(page.locator("#status")).to_contain_text("Undone: the new claim was removed")
    expect(mark(page, first)).to_have_text("")
    expect(page.locator("#progress .progress-text")).to_have_text(f"0 of {len(ids)} reviewed")
    claims = page.request.get(f"{root}/api/v1/articles/{article.id}").json()["sentences"]
    assert [s["annotations"] for s in claims] == [[] for _ in claims]
