"""A desk run as a new user would: an admin assigns three articles to two of three reviewers each;
two reviewers, logged in at once in two browsers, work through their own queues with Continue;
an article becomes ready for adjudication by itself; the admin settles the disagreement from the
disagreements queue; an annotation's history shows the change and restores the earlier verdict.
Also makes the README's screenshots of the queue and the dashboard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from annotator.extensions import db
from annotator.models import Annotation
from annotator.services.desk import status
from tests.browser.conftest import log_in, mark, shows_verdict
from tests.browser.test_screenshot import save_screenshot

pytestmark = pytest.mark.browser


def judge_queue(page: Page, verdicts: dict[int, str]) -> list[int]:
    """Work through the queue with Continue and the verdict keys; returns the sentences judged."""
    page.goto("/queue")
    with page.expect_navigation():
        page.locator("#continue").click()
    judged = []
    while "/articles/" in page.url:
        sentence_id = int(page.url.split("sentence=")[1].split("#")[0].split("&")[0])
        expect(page.locator(f"#s{sentence_id}")).to_have_attribute("aria-current", "true")
        expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))  # the script has run
        verdict = verdicts.get(sentence_id, "verified")
        page.keyboard.press({"verified": "1", "unproven": "2", "disputed": "3"}[verdict])
        expect(mark(page, sentence_id)).to_contain_text(f"[{verdict}]")
        judged.append(sentence_id)
        with page.expect_navigation():
            page.keyboard.press("g")  # on to the next sentence not judged, across the queue
    expect(page.locator("#continue")).to_contain_text("Your queue is done")
    return judged


def test_two_reviewers_work_their_queues_and_the_admin_settles(
    new_context, make_user, make_article, admin, tmp_path: Path
) -> None:
    ann, bob, _cy = (make_user("reviewer", name) for name in ("ann", "bob", "cy"))
    stories = [
        make_article(title=title)
        for title in ("Flood barrier vote", "Budget overrun claim", "Mayor's cost estimate")
    ]
    ids = [s.id for s in stories]
    sentences = {s.id: [x.id for x in s.sentences] for s in stories}
    db.session.commit()

    boss = new_context(viewport={"width": 1280, "height": 1400}).new_page()
    log_in(boss, admin)
    boss.goto("/")
    for article_id in ids:
        boss.locator(f"#pick-{article_id}").check()
    boss.locator("#bulk-assign").get_by_label("…or this many").fill("2")
    boss.locator("#bulk-assign").get_by_label("Due date").fill("2026-12-24")
    boss.locator("#bulk-assign").get_by_role("button", name="Assign").click()
    expect(boss.locator(".flash-success")).to_contain_text("Made 6 assignments across 3 articles")
    # Least loaded first: story 1 to ann and bob, story 2 to cy and ann, story 3 to bob and cy.
    rows = boss.locator("table.articles tbody tr")
    expect(rows.filter(has_text="Flood barrier vote")).to_contain_text("ann, bob")

    first, second = new_context().new_page(), new_context().new_page()
    log_in(first, ann)
    log_in(second, bob)
    first.goto("/queue")
    second.goto("/queue")
    expect(first.locator("#queue tbody tr")).to_have_count(2)
    expect(first.locator("#queue")).not_to_contain_text("Mayor's cost estimate")
    expect(second.locator("#queue")).not_to_contain_text("Budget overrun claim")
    save_screenshot(first, "queue.png", tmp_path)

    disputed = sentences[ids[0]][1]
    judged_by_ann = judge_queue(first, {})
    # bob works at the same time, in his own browser; he disputes one sentence ann verified
    first.goto(f"/articles/{ids[0]}?sentence={disputed}")
    expect(first.locator(".others")).to_have_count(0)  # blind: no other reviewer shown
    judged_by_bob = judge_queue(second, {disputed: "disputed"})
    assert set(judged_by_ann) == set(sentences[ids[0]] + sentences[ids[1]])
    assert set(judged_by_bob) >= set(sentences[ids[0]])
    # bob never saw ann's verdicts
    second.goto(f"/articles/{ids[0]}?sentence={disputed}")
    expect(mark(second, disputed)).to_have_text(shows_verdict("disputed", reviewers=2))
    expect(second.locator("body")).not_to_contain_text("ann:")

    db.session.commit()  # end the read transaction: see what the server wrote
    assert status.status_data(ids[0])["status"] == "ready"  # by itself
    boss.goto(f"/articles/{ids[0]}/desk")
    expect(boss.locator("#article-status")).to_have_text("Ready for adjudication")

    boss.goto("/disagreements")
    row = boss.locator(f"#s{disputed}")
    expect(row).to_contain_text("ann:")
    expect(row).to_contain_text("bob:")
    row.get_by_label("Final verdict").select_option("disputed")
    row.get_by_role("button", name="Record final verdict").click()
    expect(boss.locator("#disagreements")).to_contain_text("No open disagreements")
    boss.goto(f"/articles/{ids[0]}/desk")
    expect(boss.locator("#article-status")).to_have_text("Adjudicated")

    boss.goto("/dashboard")
    expect(boss.locator("#pairs")).to_contain_text("ann & bob")
    expect(boss.locator("svg.chart").first).to_be_visible()
    save_screenshot(boss, "dashboard.png", tmp_path)

    # ann changes her mind on a sentence, then restores the earlier verdict from its history
    target = sentences[ids[1]][0]
    first.goto(f"/articles/{ids[1]}?sentence={target}")
    expect(first.locator("body")).to_have_class(re.compile(r"\bjs\b"))  # the script has run
    first.keyboard.press("2")
    expect(mark(first, target)).to_contain_text("[unproven]")
    db.session.commit()  # end the read transaction: see what the server wrote
    annotation_id = db.session.scalar(
        db.select(Annotation.id).where(
            Annotation.sentence_id == target, Annotation.reviewer_id == ann.id
        )
    )
    db.session.commit()
    first.goto(f"/annotations/{annotation_id}/history")
    expect(first.locator("#history")).to_contain_text("Verdict changed")
    first.get_by_role("button", name="Restore this version (verified)").click()
    expect(first.locator(".flash-success")).to_contain_text("Restored")
    first.goto(f"/articles/{ids[1]}?sentence={target}")
    expect(mark(first, target)).to_contain_text("[verified]")
