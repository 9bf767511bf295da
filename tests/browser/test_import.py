"""An admin pastes an article on the import page and sees it split into sentences."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.conftest import corpus_file

pytestmark = pytest.mark.browser

TITLE = "Russia leaves key city for Ukraine, US calls for negotiation"


def test_admin_pastes_an_article_and_sees_its_sentences(page: Page, admin) -> None:
    text = corpus_file("kherson-withdrawal.txt").read_text(encoding="utf-8")
    log_in(page, admin)

    page.goto("/articles/new")
    page.fill("#title", TITLE)
    page.fill("#text", text)
    page.fill("#url", "https://example.org/kherson")
    page.fill("#outlet", "Example Wire")
    page.fill("#author", "Staff")
    page.fill("#published_at", "2022-11-11")
    page.get_by_role("button", name="Import").click()

    page.wait_for_url(re.compile(r"/articles/\d+"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".meta")).to_contain_text("Example Wire")
    sentences = page.locator("#sentences a.s")
    count = sentences.count()
    assert count > 20, f"only {count} sentences shown for a 5 kB article"
    expect(page.get_by_text(re.compile(rf"Imported .*{count} sentences"))).to_be_visible()
    expect(page.locator("#progress .progress-text")).to_have_text(f"0 of {count} reviewed")
    expect(page.locator("#sentences a.s.current")).to_have_count(1)

    # The page shows the article's own words, sentence by sentence, in order.
    shown = [
        s.strip() for s in sentences.evaluate_all("els => els.map(e => e.firstChild.textContent)")
    ]
    assert any(s.startswith("Russia said on Friday it had completed") for s in shown)
    flat = re.sub(r"\s+", " ", text)
    position = 0
    for sentence in shown:
        found = flat.find(re.sub(r"\s+", " ", sentence), position)
        assert found >= 0, f"sentence not in the pasted text (or out of order): {sentence!r}"
        position = found
    assert len(page.locator("#sentences p.para").all()) > 5  # paragraphs kept
