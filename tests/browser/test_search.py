"""Search as a reviewer uses it: the box in the top bar, a phrase, the marked words, and a click that
lands on the sentence in the annotation page; another reviewer's notes never show."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from annotator.extensions import db
from annotator.services.annotations.annotations import annotate
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

STORY = (
    "Kherson\n\n"
    "Unproven footage showed soldiers crossing the river at night. The bridge was destroyed.\n\n"
    "Moscow called the withdrawal orderly."
)


def test_a_phrase_search_leads_to_the_sentence(page: Page, make_article, make_user) -> None:
    alice, bob = make_user("reviewer", "alice"), make_user("reviewer", "bob")
    article = make_article(text=STORY, title="Kherson")
    footage = article.sentences[1]
    annotate(footage, {"verdict": "unproven", "note": "geolocated by alice"}, actor=alice)
    annotate(footage, {"verdict": "disputed", "note": "bob's private doubt"}, actor=bob)
    article_id, sentence_id = article.id, footage.id
    db.session.commit()

    log_in(page, alice)
    page.get_by_role("link", name="Search").click()
    page.get_by_label("Words, “phrases”, prefix*, -excluded").fill('"unproven footage"')
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^1 result"))
    result = page.locator(".results > li").first
    expect(result.locator("mark")).to_have_text(["Unproven", "footage"])
    expect(page.locator("body")).not_to_contain_text("bob's private doubt")

    page.get_by_role("searchbox").fill("geolocated")  # her own note is found, with her verdict
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".results")).to_contain_text("geolocated by alice")
    page.get_by_role("searchbox").fill("private doubt")  # bob's is not
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result-count")).to_have_text(re.compile(r"^0 results"))

    page.get_by_role("searchbox").fill('"unproven footage"')
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".results .badge-disputed")).to_have_count(0)  # bob's verdict stays hidden

    page.locator(".result-sentence blockquote a").first.click()
    page.wait_for_url(re.compile(rf"/articles/{article_id}\?sentence={sentence_id}"))
    expect(page.locator(f"#s{sentence_id}")).to_have_attribute("aria-current", "true")

    page.goto("/search?q=-footage&searched=1")
    expect(page.locator("#q-error")).to_contain_text("not only what to leave out")
