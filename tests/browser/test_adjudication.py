"""Adjudicating in the browser: the queue shows each reviewer's reasons in context, and one click
takes a judgement as the final verdict (a plain form: it works without the page's script)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from annotator.extensions import db
from annotator.services.annotations.annotations import annotate
from annotator.services.review.adjudication import get_adjudication
from tests.browser.conftest import log_in
from tests.browser.test_screenshot import save_screenshot

pytestmark = pytest.mark.browser

STORY = (
    "Council approves flood barrier\n\n"
    "The council voted 7-2 on Tuesday to build a barrier along the river. Mayor Dana Okafor said "
    "it would cost $48 million and protect 12,000 homes.\n\n"
    "Critics claimed the real cost would be far higher. Construction starts in the spring."
)


@pytest.mark.parametrize("script", [True, False], ids=["with-script", "without-script"])
def test_admin_takes_a_reviewers_judgement_as_final_from_the_queue(
    new_context, make_article, make_user, admin, tmp_path: Path, script: bool
) -> None:
    article = make_article(text=STORY)
    alice, bob = make_user("reviewer", "alice"), make_user("reviewer", "bob")
    sentence = article.sentences[2]  # "Mayor Dana Okafor said it would cost $48 million ..."
    annotate(
        sentence,
        {
            "verdict": "verified",
            "attributed_to": "Mayor Dana Okafor",
            "note": "The budget paper gives $48 million.",
            "links": [
                {
                    "url": "https://city.example/budget.pdf",
                    "title": "City budget 2026",
                    "credibility": "high",
                    "stance": "supports",
                }
            ],
        },
        actor=alice,
    )
    annotate(
        sentence,
        {
            "verdict": "unproven",
            "attributed_to": "Mayor Dana Okafor",
            "note": "No costing for the 12,000 homes figure.",
            "links": [{"url": "https://forum.example/thread", "credibility": "low"}],
        },
        actor=bob,
    )
    sentence_id = sentence.id
    db.session.commit()
    page = new_context(
        java_script_enabled=script, viewport={"width": 1366, "height": 900}
    ).new_page()
    log_in(page, admin)
    page.get_by_role("link", name="Disagreements").click()
    row = page.locator(f"#s{sentence_id}")
    expect(row).to_contain_text("Before: The council voted 7-2 on Tuesday")
    expect(row).to_contain_text("After: Critics claimed the real cost would be far higher.")
    alices = row.locator('[data-reviewer="alice"]')
    expect(alices).to_contain_text("The budget paper gives $48 million.")
    expect(alices).to_contain_text("City budget 2026")
    expect(alices).to_contain_text("credibility: high")
    expect(row.locator('[data-reviewer="bob"]')).to_contain_text("credibility: low")
    if script:
        save_screenshot(page, "adjudication.png", tmp_path)
    row.get_by_role("button", name="Take bob's judgement as final").click()
    expect(page.locator("main")).to_contain_text(
        "Final verdict of sentence 3: unproven, taken from bob's judgement."
    )
    db.session.rollback()
    final = get_adjudication(sentence)
    assert (str(final.verdict), final.note) == (
        "unproven",
        "No costing for the 12,000 homes figure.",
    )
    page.goto(f"/articles/{article.id}/agreement")
    expect(page.locator(f"#s{sentence_id}")).to_contain_text("unproven by boss")
