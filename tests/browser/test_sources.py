"""Issue 6 in the browser: suggested sources on the Kherson story and registry-rated evidence."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from annotator.extensions import db
from annotator.models import Annotation
from annotator.services import sources as source_service
from tests.browser.conftest import log_in
from tests.conftest import corpus_file

pytestmark = pytest.mark.browser


# The five attributions issue 6 names on the Kherson story: words of the sentence -> suggestion.
KHERSON_SUGGESTIONS = [
    ("US Joint Chiefs of Staff General Mark Milley told", "General Mark Milley"),
    ("Putin’s spokesman, Dmitri Peskov, said", "Dmitri Peskov"),
    ("The main presenter of Russian state TV", "Vladimir Soloviev (Russian state TV)"),
    ("Unproven footage showed", "Unproven footage"),
    ("According to the Ukrainians", "the Ukrainians"),
]


def test_kherson_story_suggests_the_five_attributions(page: Page, reviewer, make_article) -> None:
    text = corpus_file("kherson-withdrawal.txt").read_text(encoding="utf-8")
    article = make_article(text=text, title="Russia leaves key city")
    by_text = {s.text: s.id for s in article.sentences}
    ids = {
        words: next(i for t, i in by_text.items() if t.startswith(words))
        for words, _ in KHERSON_SUGGESTIONS
    }
    db.session.commit()  # end the read transaction: the server writes to the same database

    log_in(page, reviewer)
    suggestion = page.locator("#use-suggestion")
    for words, expected in KHERSON_SUGGESTIONS:
        page.goto(f"/articles/{article.id}?sentence={ids[words]}")
        expect(page.locator("#suggestion")).to_be_visible()
        expect(suggestion).to_have_text(expected)

    # Moving by keyboard redraws the suggestion: away to a sentence with none, and back.
    state_tv = ids["The main presenter of Russian state TV"]
    page.goto(f"/articles/{article.id}?sentence={state_tv}")
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))  # the script has run
    page.keyboard.press("j")  # "Indeed, he did not criticize ...": nobody is quoted
    expect(page.locator("#suggestion")).to_be_hidden()
    page.keyboard.press("k")
    expect(suggestion).to_have_text("Vladimir Soloviev (Russian state TV)")
    page.keyboard.press("s")  # accept it, outlet and all
    expect(page.locator("#attributed_to")).to_have_value("Vladimir Soloviev (Russian state TV)")
    page.keyboard.press("2")
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"#s{state_tv} .mark")).to_contain_text("[unproven]")
    db.session.rollback()  # see what the server committed
    saved = db.session.scalar(db.select(Annotation).where(Annotation.sentence_id == state_tv))
    assert saved.attributed_to == "Vladimir Soloviev (Russian state TV)"


def test_kherson_suggestions_and_registry_ratings_that_stick(
    page: Page, reviewer, admin, make_article
) -> None:
    text = corpus_file("kherson-withdrawal.txt").read_text(encoding="utf-8")
    article = make_article(text=text, title="Russia leaves key city")
    wire = source_service.create_source(
        {
            "name": "Reuters",
            "domains": ["reuters.com"],
            "credibility": "high",
            "rationale": "wire service",
        },
        actor=admin,
    )
    source_service.create_source(
        {
            "name": "Daily Rumour",
            "domains": ["rumour-news.com"],
            "credibility": "low",
            "rationale": "no corrections policy",
        },
        actor=admin,
    )
    db.session.commit()
    by_text = {s.text: s.id for s in article.sentences}
    peskov = next(i for t, i in by_text.items() if "Dmitri Peskov, said" in t)
    milley = next(i for t, i in by_text.items() if "Milley" in t)

    log_in(page, reviewer)
    page.goto(f"/articles/{article.id}?sentence={milley}")
    expect(page.locator("#use-suggestion")).to_contain_text("Milley")
    page.goto(f"/articles/{article.id}?sentence={peskov}")
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))  # the script has run
    expect(page.locator("#use-suggestion")).to_have_text("Dmitri Peskov")
    page.keyboard.press("s")  # accept the suggestion
    expect(page.locator("#attributed_to")).to_have_value("Dmitri Peskov")
    page.keyboard.press("3")

    page.keyboard.press("l")
    page.keyboard.type("https://www.reuters.com/world/peskov-cairo")
    page.keyboard.press("Tab")  # the change event looks the URL up in the registry
    rows = page.locator("#link-rows .link-row")
    expect(rows.last.locator(".rating")).to_contain_text(
        "Registry: Reuters rates www.reuters.com high"
    )
    page.locator("#add-link").click()
    rows.last.locator('input[name$="-url"]').fill("https://uk.rumour-news.com/story")
    rows.last.locator('input[name$="-url"]').press("Tab")
    expect(rows.last.locator(".rating")).to_contain_text(
        "Daily Rumour rates uk.rumour-news.com low"
    )
    page.keyboard.press("Control+Enter")
    expect(page.locator(f"#s{peskov} .mark")).to_contain_text("[disputed]")

    # The registry changes later; the saved links keep the ratings they had.
    db.session.rollback()  # drop the test's old read snapshot: the server wrote since
    source_service.update_source(wire, {"credibility": "low"}, actor=admin)
    db.session.commit()
    page.goto(f"/articles/{article.id}?sentence={peskov}")
    expect(page.locator("#link-rows")).to_contain_text("Registry: Reuters rates it high")
    expect(page.locator("#link-rows")).to_contain_text("Registry: Daily Rumour rates it low")
    db.session.expire_all()
    links = db.session.scalar(db.select(Annotation)).links
    assert [(link.credibility, link.credibility_source) for link in links] == [
        ("high", "registry"),
        ("low", "registry"),
    ]
    csv_text = page.request.get("/export/download?format=csv").text()
    assert "high | low" in csv_text and "Dmitri Peskov" in csv_text
