"""The README's screenshots of the annotation page, regenerated on every run from the real page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from annotator.extensions import db
from annotator.models import Article, User
from annotator.services.annotations import annotations as annotation_service
from tests.browser.conftest import log_in
from tests.conftest import corpus_file

pytestmark = pytest.mark.browser

README_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def save_screenshot(page: Page, name: str, tmp_path: Path) -> None:
    """`make screenshots` refreshes the README's pictures; a normal run leaves the tree alone."""
    target = (README_SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.activeElement.blur()")  # no focus ring in the picture
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000


def open_at(page: Page, reviewer: User, article: Article, sentence_id: int) -> None:
    """Log in as the reviewer and open the article at one sentence, in the README's window size."""
    article_id = article.id
    db.session.commit()  # end the read transaction: the server thread writes to the same database
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, reviewer)
    page.goto(f"/articles/{article_id}?sentence={sentence_id}")
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))  # the page's script has run


def kherson_with_three_claims(make_article, reviewer: User) -> Article:
    """The sample story as a reviewer has begun it: three sentences annotated."""
    text = corpus_file("kherson-withdrawal.txt").read_text(encoding="utf-8")
    article = make_article(
        text=text,
        title="Russia leaves key city for Ukraine, US calls for negotiation",
        url="https://example.org/kherson",
        outlet="Example Wire",
        published_at="2022-11-11",
    )
    sentences = sorted(article.sentences, key=lambda s: s.index)
    withdrawal = next(s for s in sentences if s.text.startswith("Russia said on Friday"))
    billions = next(s for s in sentences if "$20 billion" in s.text)
    milley = next(s for s in sentences if "window of opportunity" in s.text)
    annotation_service.annotate(
        withdrawal,
        {"verdict": "verified", "attributed_to": "Russian defence ministry"},
        actor=reviewer,
    )
    annotation_service.annotate(
        billions,
        {"verdict": "disputed", "note": "US aid figures differ by source."},
        actor=reviewer,
    )
    annotation_service.annotate(
        milley,
        {
            "verdict": "unproven",
            "attributed_to": "Gen. Mark Milley, via The Times",
            "note": "Quote not yet found in the original interview.",
            "links": [{"url": "https://example.org/times-interview", "credibility": "medium"}],
        },
        actor=reviewer,
    )
    return article


def test_annotation_page_screenshot(page: Page, reviewer, make_article, tmp_path: Path) -> None:
    article = kherson_with_three_claims(make_article, reviewer)
    milley = next(s for s in article.sentences if "window of opportunity" in s.text)
    open_at(page, reviewer, article, milley.id)
    expect(page.locator("#progress .progress-text")).to_contain_text("3 of")
    expect(page.get_by_label("Unproven")).to_be_checked()
    expect(page.locator("#details-summary")).to_contain_text("attributed to Gen. Mark Milley")
    save_screenshot(page, "annotation-page.png", tmp_path)


def test_details_panel_screenshot(
    page: Page, reviewer, reuters, make_article, tmp_path: Path
) -> None:
    article = kherson_with_three_claims(make_article, reviewer)
    peskov = next(s for s in article.sentences if "Dmitri Peskov, said" in s.text)
    selected = peskov.id
    open_at(page, reviewer, article, selected)
    page.locator(f"#s{selected}").scroll_into_view_if_needed()
    keys = page.keyboard
    keys.press("s")  # the suggested source, which opens the details
    expect(page.locator("#attributed_to")).to_have_value("Dmitri Peskov")
    keys.press("l")
    keys.type("https://www.reuters.com/world/peskov-cairo")
    keys.press("Tab")
    expect(page.locator("#link-rows .rating").last).to_contain_text("Registry: Reuters rates")
    keys.press("Escape")
    keys.press("3")  # the details are open: chosen, not yet saved
    expect(page.locator("#hint-details")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("Verdict: disputed (not saved yet")
    # The editor scrolls on its own: show its lower half, from the verdict to the save status.
    page.locator("#editor").evaluate("editor => { editor.scrollTop = editor.scrollHeight; }")
    save_screenshot(page, "details-panel.png", tmp_path)


def test_editor_controls_fit_in_the_editor_at_1280(page: Page, reviewer, make_article) -> None:
    article_id = make_article().id
    db.session.commit()
    log_in(page, reviewer)
    page.goto(f"/articles/{article_id}")
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))  # the page's script has run
    page.keyboard.press("l")  # open the details: every control shows
    expect(page.locator("#details")).to_be_visible()
    editor = page.locator("#editor").bounding_box()
    assert editor is not None
    for control in page.locator(
        "#annotation-form input:not([type=hidden]), #annotation-form select"
    ).all():
        box = control.bounding_box()
        assert box is not None
        name = control.get_attribute("name")
        assert box["x"] + box["width"] <= editor["x"] + editor["width"], (
            f"{name} sticks out of the editor"
        )


def test_phone_screenshot(new_context, reviewer, make_article, tmp_path: Path) -> None:
    """A 390 x 844 phone: the sentence tapped, its verdicts in the bar at the foot of the screen."""
    article = kherson_with_three_claims(make_article, reviewer)
    peskov = next(s for s in article.sentences if "Dmitri Peskov, said" in s.text).id
    db.session.commit()
    page = new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    log_in(page, reviewer)
    page.goto(f"/articles/{article.id}")
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))
    page.locator(f"#s{peskov}").scroll_into_view_if_needed()
    page.locator(f"#s{peskov}").tap()
    expect(page.locator(f"#s{peskov}")).to_have_attribute("aria-current", "true")
    expect(page.locator("#verdict-bar")).to_be_in_viewport()
    save_screenshot(page, "phone.png", tmp_path)
