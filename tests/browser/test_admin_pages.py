"""Admin pages in the browser: bulk import with preview, the source registry, reviewer agreement."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from annotator.extensions import db
from annotator.models import Adjudication, Article, Source
from annotator.services.annotations.annotations import annotate
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

HTML = b"""<!doctype html><html lang="en"><head><title>Bridge reopens | Example Wire</title>
<link rel="canonical" href="https://wire.example.org/bridge"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Bridge reopens after repairs</h1>
<p>The river bridge reopened on Monday after three months of repairs. The city said the work cost
$4 million, more than twice the first estimate.</p>
<p>Engineers said the bridge is now safe for heavy lorries. Residents welcomed the news.</p></article>
<aside><h2>You may also like</h2><a href="/x">Ten diets that shock doctors</a></aside>
<script>track()</script></body></html>"""

MARKDOWN = b"""# Council budget passes

The council passed the budget on Tuesday by 7 votes to 2.

- Schools get 4 percent more.
- Roads get 2 percent less.
"""


def test_admin_uploads_files_previews_edits_and_imports(page: Page, admin, tmp_path) -> None:
    (tmp_path / "bridge.html").write_bytes(HTML)
    (tmp_path / "budget.md").write_bytes(MARKDOWN)
    log_in(page, admin)
    page.get_by_role("link", name="Import", exact=True).click()
    page.set_input_files(
        "#upload-files", [str(tmp_path / "bridge.html"), str(tmp_path / "budget.md")]
    )
    page.get_by_role("button", name="Preview files").click()

    expect(page.get_by_role("heading", name="Preview: 2 articles")).to_be_visible()
    expect(page.locator("#a-0-title")).to_have_value("Bridge reopens after repairs")
    preview = page.locator(".sentences-preview").first
    expect(preview).to_contain_text(
        "The river bridge reopened on Monday after three months of repairs."
    )
    expect(preview).not_to_contain_text("You may also like")  # page clutter dropped
    expect(page.locator(".sentences-preview").nth(1)).to_contain_text("Schools get 4 percent more.")

    page.fill("#a-0-title", "Bridge reopens (edited title)")
    page.uncheck("#a-1-include")  # the admin keeps only the first article
    page.get_by_role("button", name="Import the ticked articles").click()

    page.wait_for_url("**/articles/*")
    expect(page.get_by_role("heading", name="Bridge reopens (edited title)")).to_be_visible()
    db.session.rollback()
    titles = [a.title for a in db.session.scalars(db.select(Article))]
    assert titles == ["Bridge reopens (edited title)"]
    assert db.session.scalar(db.select(Article.url)) == "https://wire.example.org/bridge"


def test_admin_rates_a_source_and_sees_its_history(page: Page, admin) -> None:
    log_in(page, admin)
    page.get_by_role("link", name="Sources").click()
    page.get_by_role("link", name="Add a source").click()
    page.fill("#name", "Example Wire")
    page.fill("#domains", "wire.example.org")
    page.select_option("#credibility", "high")
    page.fill("#rationale", "Publishes corrections.")
    page.get_by_role("button", name="Add source").click()
    expect(page.locator("main")).to_contain_text("Added “Example Wire” (high)")

    page.get_by_role("link", name="Edit").click()
    page.select_option("#credibility", "medium")
    page.fill("#rationale", "Two retractions this year.")
    page.get_by_role("button", name="Save").click()
    history = page.locator("main")
    expect(history).to_contain_text("high")
    expect(history).to_contain_text("medium")
    expect(history).to_contain_text(admin.username)
    db.session.rollback()
    assert db.session.scalar(db.select(Source.credibility)) == "medium"


def test_admin_compares_reviewers_and_records_a_final_verdict(
    page: Page, admin, make_user, make_article
) -> None:
    article = make_article()
    alice, bob = make_user(username="alice"), make_user(username="bob")
    target = article.sentences[2]
    annotate(target, {"verdict": "verified"}, actor=alice)
    annotate(target, {"verdict": "disputed"}, actor=bob)
    annotate(article.sentences[1], {"verdict": "verified"}, actor=alice)
    annotate(article.sentences[1], {"verdict": "verified"}, actor=bob)
    db.session.commit()
    article_id, target_id = article.id, target.id

    log_in(page, admin)
    page.goto(f"/articles/{article_id}")
    page.locator("#agreement-link").click()
    row = page.locator("tr", has=page.locator(f'form[action$="/agreement/{target_id}"]'))
    expect(row).to_contain_text("Disagree")
    expect(row).to_contain_text("verified")
    expect(row).to_contain_text("disputed")
    expect(page.locator("main")).to_contain_text("50.0% (1 agree, 1 disagree)")
    row.locator("select").select_option("disputed")
    row.locator("textarea").fill("The budget papers contradict it.")
    row.get_by_role("button", name="Record final verdict").click()

    expect(page.locator("main")).to_contain_text("Final verdict of sentence 3: disputed.")
    db.session.rollback()
    final = db.session.scalar(db.select(Adjudication))
    assert (final.sentence_id, final.verdict, final.note) == (
        target_id,
        "disputed",
        "The budget papers contradict it.",
    )


def test_reviewers_are_refused_the_admin_pages(page: Page, reviewer, make_article) -> None:
    article_id = make_article().id
    db.session.commit()
    log_in(page, reviewer)
    expect(page.get_by_role("link", name="Import", exact=True)).to_have_count(0)
    for path in ("/import", "/admin/users", f"/articles/{article_id}/agreement", "/sources/new"):
        response = page.goto(path)
        assert response is not None and response.status == 403, path
        expect(page.locator("h1")).to_have_text("Not allowed")


def test_deactivate_reset_password_and_resegment_ask_before_acting(
    page: Page,
    admin,
    reviewer,
    make_article,
) -> None:
    article_id = make_article().id
    db.session.commit()
    log_in(page, admin)
    page.goto("/admin/users")
    row = page.get_by_role("row").filter(has_text=reviewer.username)
    row.get_by_text("Deactivate…").click()  # the first click only asks
    yes = row.get_by_role("button", name=f"Yes, deactivate {reviewer.username}")
    expect(yes).to_be_visible()
    expect(row.get_by_role("cell", name="active", exact=True)).to_be_visible()  # nothing yet
    row.get_by_text("Reset password…").click()
    expect(row).to_contain_text("Their current password stops working")
    yes.click()
    expect(page.get_by_role("status")).to_contain_text("is now deactivated")
    expect(row.get_by_role("cell", name="deactivated", exact=True)).to_be_visible()

    page.goto(f"/articles/{article_id}")
    page.get_by_text("Re-run segmentation…").click()
    expect(page.locator("#resegment")).to_contain_text("Sentence boundaries fixed by hand")
    page.get_by_role("button", name="Yes, re-run segmentation").click()
    expect(page.get_by_role("status").filter(has_text="Segmented")).to_be_visible()
