"""The README's screenshot of the annotation page, regenerated on every run from the real page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from annotator.extensions import db
from annotator.services import annotations as annotation_service
from tests.browser.conftest import log_in
from tests.conftest import corpus_file

pytestmark = pytest.mark.browser

README_SCREENSHOT = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "annotation-page.png"
)


def test_annotation_page_screenshot(page: Page, reviewer, make_article, tmp_path: Path) -> None:  # noqa: ANN001
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
    article_id, selected = article.id, milley.id
    db.session.commit()

    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, reviewer)
    page.goto(f"/articles/{article_id}?sentence={selected}")
    expect(page.locator("#progress .progress-text")).to_contain_text("3 of")
    expect(page.get_by_label("Unproven")).to_be_checked()
    page.evaluate("document.activeElement.blur()")  # no focus ring in the picture

    # `make screenshots` refreshes the README's picture; a normal run leaves the tree untouched.
    target = (
        README_SCREENSHOT
        if os.environ.get("UPDATE_SCREENSHOTS")
        else tmp_path / "annotation-page.png"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000


def test_editor_controls_fit_in_the_editor_at_1280(page: Page, reviewer, make_article) -> None:  # noqa: ANN001
    article_id = make_article().id
    db.session.commit()
    log_in(page, reviewer)
    page.goto(f"/articles/{article_id}")
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
