"""The public fact-check page as a reader meets it: published by an admin in one browser, read in a
fresh one with no session and no JavaScript, printed, checked for accessibility, then withdrawn."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from annotator.extensions import db
from annotator.services.annotations.annotations import annotate
from annotator.services.review.adjudication import adjudicate
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE, assert_no_serious_violations

pytestmark = pytest.mark.browser

CLAIMS = [
    (1, "verified", "The minutes record the 7-2 vote.", "https://council.example/minutes"),
    (2, "unproven", "No costed plan has been published.", "https://council.example/budget"),
    (3, "disputed", "Engineers put the cost far higher.", "https://engineers.example/report"),
]


@pytest.fixture
def adjudicated(make_article, make_user, admin):
    reviewer = make_user("reviewer", "carol")
    article = make_article(outlet="Metro Daily")
    sentences = sorted(article.sentences, key=lambda s: s.index)
    for index, verdict, note, url in CLAIMS:
        annotate(
            sentences[index],
            {
                "verdict": verdict,
                "note": f"carol's private note {index}",
                "attributed_to": "Mayor Dana Okafor" if index == 2 else "",
                "links": [
                    {
                        "url": url,
                        "title": f"Evidence {index}",
                        "credibility": "high",
                        "stance": "supports",
                    }
                ],
            },
            actor=reviewer,
        )
        adjudicate(sentences[index], verdict, note, actor=admin)
    article_id = article.id
    db.session.commit()
    return article_id


def test_publish_read_print_and_withdraw(
    adjudicated: int,
    admin,
    new_context: Callable[..., BrowserContext],
) -> None:
    desk = new_context().new_page()
    log_in(desk, admin)
    desk.goto(f"/articles/{adjudicated}")
    desk.get_by_role("link", name="Publish").click()
    expect(desk.locator("#address")).to_contain_text("Not published")
    desk.get_by_role("button", name="Publish").click()
    address = desk.locator("#address a")
    expect(address).to_be_visible()
    public_url = address.get_attribute("href")

    reader_context = new_context(java_script_enabled=False)
    reader = reader_context.new_page()
    response = reader.goto(public_url)
    assert response.status == 200
    assert reader_context.cookies() == []
    for _, _verdict, note, url in CLAIMS:
        expect(reader.locator(f"a[href='{url}']")).to_be_visible()
        expect(reader.get_by_text(note)).to_be_visible()
    expect(reader.locator(".claim-card .verdict")).to_have_text(
        ["Verified", "Unproven", "Disputed"]
    )
    expect(reader.get_by_text("Attributed to: Mayor Dana Okafor")).to_be_visible()
    expect(reader.locator("table.counts")).to_contain_text("3 claims checked")
    assert "carol" not in reader.content()
    reviews = [
        json.loads(text)
        for text in reader.locator("script[type='application/ld+json']").all_text_contents()
    ]
    assert [r["reviewRating"]["alternateName"] for r in reviews] == [
        "Verified",
        "Unproven",
        "Disputed",
    ]

    reader.emulate_media(media="print")
    expect(reader.locator(".masthead nav")).to_be_hidden()
    expect(reader.locator(".claim-card").first).to_be_visible()
    pdf = reader.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000

    desk.get_by_role("button", name="Unpublish").click()
    expect(desk.locator("#address")).to_contain_text("Withdrawn")
    assert new_context().new_page().goto(public_url).status == 410


def test_public_page_is_accessible(adjudicated: int, admin, new_context) -> None:
    if not AXE.exists():
        message = (
            f"axe-core is not installed at {AXE}: run `make test` (it fetches axe-core@4 with npm)"
        )
        print(message)
        pytest.skip(message)
    from annotator.models import Article
    from annotator.services import publishing

    pub = publishing.publish(db.session.get(Article, adjudicated), actor=admin)
    slug = pub.slug
    db.session.commit()
    page = new_context(bypass_csp=True).new_page()
    page.goto(f"/fact-checks/{slug}")
    assert_no_serious_violations(page, "public fact-check page")
    page.goto("/fact-checks/")
    assert_no_serious_violations(page, "public index")


def test_public_page_screenshot(new_context, make_article, make_user, admin, tmp_path) -> None:
    """The README's picture of a public fact-check: the sample story with three settled claims."""
    from annotator.models import Article
    from annotator.services import publishing
    from tests.browser.test_screenshot import kherson_with_three_claims, save_screenshot

    reviewer = make_user("reviewer", "dana")
    article = kherson_with_three_claims(make_article, reviewer)
    notes = {
        "verified": "The ministry's statement is on its official channel.",
        "disputed": "US aid totals differ by source and by what is counted.",
        "unproven": "The quote is not in the published interview.",
    }
    for sentence in article.sentences:
        judged = [a for a in _annotations(sentence.id)]
        if judged:
            adjudicate(sentence, judged[0], notes[judged[0]], actor=admin)
    slug = publishing.publish(db.session.get(Article, article.id), actor=admin).slug
    db.session.commit()
    page = new_context(viewport={"width": 1000, "height": 1300}).new_page()
    page.goto(f"/fact-checks/{slug}")
    expect(page.locator(".claim-card")).to_have_count(3)
    save_screenshot(page, "public-page.png", tmp_path)


def _annotations(sentence_id: int) -> list[str]:
    from annotator.models import Annotation

    return [
        str(a.verdict)
        for a in db.session.scalars(
            db.select(Annotation).where(Annotation.sentence_id == sentence_id)
        )
    ]
