"""The "Seen before" panel in Chromium: an earlier verdict on the same claim in another article is
offered while reviewing, apart from merely related claims; one key copies a same-claim match (saved,
with matched_from), a related one only after a yes; nothing offered says so; blind review holds."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from annotator.db import write_intent
from annotator.extensions import db
from annotator.models import Revision, Sentence, User
from annotator.services.annotations import annotations as annotation_service
from annotator.services.review import adjudication
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import (
    assert_controls_named,
    assert_no_serious_violations,
    axe_page,  # noqa: F401
)
from tests.browser.test_workspace import select_words

pytestmark = pytest.mark.browser

ELLISON = "claimed the real cost would be closer to $70 million"  # in the sample story
# A second article repeating Ellison's claim in other words (its first sentence).
SECOND = (
    "Ellison says the true cost of the barrier will be nearer $70 million when land purchases "
    "are counted. Residents gathered at the town hall on Wednesday."
)
EVIDENCE = "https://www.reuters.com/world/riverton-barrier-cost"
# The product's sample story (what `annotator bootstrap` loads): its title line, then its body.
_SAMPLE = resources.files("annotator").joinpath("sample/sample-article.txt").read_text("utf-8")
SAMPLE_TITLE = _SAMPLE.split("\n", 1)[0]
SAMPLE_BODY = _SAMPLE.split("\n\n", 2)[2]


def import_article(page: Page, title: str, text: str, published: str = "") -> int:
    """Paste an article into the import page, as an admin does; its id."""
    page.goto("/articles/new")
    page.fill("#title", title)
    page.fill("#text", text)
    page.fill("#published_at", published)
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(re.compile(r"/articles/\d+"))
    return int(re.search(r"/articles/(\d+)", page.url).group(1))


def open_article(page: Page, article_id: int, sentence_id: int | None = None) -> None:
    page.goto(f"/articles/{article_id}" + (f"?sentence={sentence_id}" if sentence_id else ""))
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))


def claims_of(page: Page, article_id: int, sentence_id: int) -> list[dict[str, Any]]:
    response = page.request.get(f"/api/v1/articles/{article_id}")
    assert response.ok, response.text()
    [sentence] = [s for s in response.json()["sentences"] if s["id"] == sentence_id]
    return sentence["annotations"]


def claim_ids(first: int, second: int) -> tuple[int, int]:
    """The sentence of Ellison's claim in the sample story, and the first of the second article."""
    db.session.commit()  # a read begun earlier would not see what the server wrote since
    sentences = db.session.scalars(db.select(Sentence).where(Sentence.article_id == first)).all()
    claim = next(s.id for s in sentences if ELLISON in s.article.text[s.start : s.end])
    repeat = db.session.scalar(
        db.select(Sentence.id).where(Sentence.article_id == second).order_by(Sentence.index)
    )
    db.session.commit()  # end the read: the server thread writes to the same database
    return claim, repeat


@pytest.fixture
def story(make_article):
    """The sample story and a second article repeating one of its claims: their ids and the
    sentence ids of the claim in each."""
    first = make_article(text=SAMPLE_BODY, title=SAMPLE_TITLE, published_at="2026-11-03")
    second = make_article(text=SECOND, title="Barrier costs questioned")
    return first.id, second.id, *claim_ids(first.id, second.id)


def test_an_earlier_verdict_is_offered_and_one_key_copies_it(
    page: Page, new_context, reviewer: User, make_user, admin: User
) -> None:
    # An admin imports the sample story and a second article that repeats one of its claims.
    desk = new_context().new_page()
    log_in(desk, admin)
    first = import_article(desk, SAMPLE_TITLE, SAMPLE_BODY, "2026-11-03")
    second = import_article(desk, "Barrier costs questioned", SECOND)
    claim, repeat = claim_ids(first, second)
    other = make_user(username="bob")
    # Bob judged the same claim differently, and nobody adjudicated it: Alice never sees his.
    annotation_service.annotate(
        db.session.get(Sentence, claim),
        {"verdict": "verified", "attributed_to": "Bob's secret source"},
        actor=other,
    )
    db.session.commit()

    # Alice annotates the claim in the sample story, by keyboard.
    log_in(page, reviewer)
    open_article(page, first, claim)
    page.keyboard.press("a")
    page.keyboard.type("Ruth Ellison")
    page.keyboard.press("Escape")
    page.keyboard.press("l")
    page.keyboard.type(EVIDENCE)
    page.keyboard.press("Escape")
    page.select_option("select[name='links-0-credibility']", "high")
    page.locator(f"#s{claim}").focus()
    page.keyboard.press("3")
    page.keyboard.press("Enter")
    expect(page.locator("#status")).to_contain_text("as disputed")
    [earlier] = claims_of(page, first, claim)

    # Opening the second article offers it as a match for the sentence that repeats the claim.
    open_article(page, second)
    panel = page.get_by_role("region", name="Seen before")
    expect(panel).to_be_visible()
    expect(page.locator("#seen-before-status")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#seen-before-status")).to_contain_text("Best: disputed")
    expect(panel.get_by_role("heading", name="Same claim")).to_be_visible()
    expect(panel.get_by_role("heading", name="Related")).to_be_hidden()
    match = panel.locator("#seen-before-same > li").first
    expect(match).to_contain_text("$70 million")
    expect(match).to_contain_text("Attributed to Ruth Ellison")
    expect(match).to_contain_text("(high credibility)")
    expect(match).to_contain_text(f"In “{SAMPLE_TITLE}”, 2026-11-03")
    expect(match).to_contain_text(
        re.compile(r"\d+%, (almost certainly|very likely|likely) the same claim")
    )
    expect(match).to_contain_text("English")  # the claim's language
    # Why it matched: the shared words are marked in the earlier claim and in this sentence.
    expect(match.locator(".match-claim mark", has_text="70")).to_have_count(1)
    expect(match.locator(".match-query mark", has_text="Ellison")).to_have_count(1)
    expect(match.get_by_role("link")).to_have_attribute("href", EVIDENCE)
    expect(panel).not_to_contain_text("Bob's secret source")
    expect(panel).not_to_contain_text("verified")

    # m copies it at once (no question for the same claim): a normal save that records where it
    # came from.
    page.keyboard.press("m")
    expect(page.locator("#seen-before-confirm")).to_be_hidden()
    expect(page.locator("#status")).to_have_text(
        f"Saved as disputed, copied from “{SAMPLE_TITLE}” (z undoes it)."
    )
    [copy] = claims_of(page, second, repeat)
    assert copy["matched_from"] == earlier["id"]
    assert (copy["verdict"], copy["attributed_to"]) == ("disputed", "Ruth Ellison")
    assert [(link["url"], link["credibility"]) for link in copy["links"]] == [(EVIDENCE, "high")]
    db.session.commit()  # see the server's writes
    created = db.session.scalars(
        db.select(Revision).where(Revision.entity == "annotation", Revision.entity_id == copy["id"])
    ).all()
    assert [(r.action, r.after["matched_from"]) for r in created] == [("create", earlier["id"])]
    db.session.commit()

    # Bob sees his own earlier verdict, never Alice's unadjudicated one.
    bob = new_context().new_page()
    log_in(bob, other)
    open_article(bob, second)
    theirs = bob.get_by_role("region", name="Seen before")
    expect(bob.locator("#seen-before-status")).to_contain_text("Best: verified")
    expect(theirs).to_contain_text("Bob's secret source")
    expect(theirs).not_to_contain_text("Attributed to Ruth Ellison")
    expect(theirs).not_to_contain_text("disputed")

    # Once an admin settles the claim as disputed, Bob is offered the final verdict: his judgement
    # and Alice's of the one claim make one match, and m would copy the one agreeing with it.
    db.session.commit()  # a fresh transaction, begun as a write: the server thread writes too
    with write_intent():
        adjudication.adjudicate(db.session.get(Sentence, claim), "disputed", actor=admin)
        db.session.commit()
    open_article(bob, second)
    expect(theirs.locator(".match")).to_have_count(1)
    expect(theirs.locator(".match")).to_contain_text("final: disputed")
    expect(theirs.locator(".match")).to_contain_text("Reviewers: verified (bob), disputed")
    expect(theirs).to_contain_text("Attributed to Ruth Ellison")
    expect(theirs).not_to_contain_text(reviewer.username)


def test_the_panel_follows_the_reviewer_and_a_tabbed_match_is_the_one_copied(
    page: Page, story, reviewer: User
) -> None:
    first, second, claim, repeat = story
    sentence = db.session.get(Sentence, claim)
    at = sentence.article.text.index(ELLISON)
    for verdict, span in (
        ("unproven", None),
        ("disputed", {"start": at, "end": at + len(ELLISON)}),
    ):
        annotation_service.annotate(
            sentence,
            {"verdict": verdict, "span": span, "attributed_to": "Ruth Ellison"},
            actor=reviewer,
        )
    db.session.commit()
    log_in(page, reviewer)
    open_article(page, second)
    status = page.locator("#seen-before-status")
    # The sentence and the span: two claims, the span's fewer words making it only related.
    matches = page.locator("#seen-before .seen-list > li")
    expect(matches).to_have_count(2)
    expect(page.locator("#seen-before-same > li")).to_have_count(1)
    expect(page.locator("#seen-before-related > li")).to_have_count(1)

    # Moving on never waits for the panel; it answers for the sentence the reviewer rests on.
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("j")
    expect(page.locator("#current-number")).to_have_text("2")
    expect(status).to_have_text("No earlier claim like this.")  # Residents gathered at the hall
    expect(page.locator("#seen-before .seen-tier:visible")).to_have_count(0)
    page.keyboard.press("m")
    expect(page.locator("#status")).to_contain_text("No earlier claim to copy here.")
    page.keyboard.press("k")
    expect(matches).to_have_count(2)

    # Tab to the related match's button: m asks first, m again copies that one, not the best.
    buttons = page.locator("#seen-before-related .use-match")
    buttons.first.focus()
    wanted = page.locator("#seen-before-related > li").first.get_attribute("data-annotation")
    page.keyboard.press("m")
    expect(page.locator("#seen-before-confirm")).to_be_visible()
    page.keyboard.press("m")
    expect(page.locator("#status")).to_contain_text("copied from")
    [copy] = claims_of(page, second, repeat)
    assert copy["matched_from"] == int(wanted)

    # A copy is a save like any other: z takes it back.
    page.keyboard.press("z")
    expect(page.locator("#status")).to_contain_text("Undone")
    assert claims_of(page, second, repeat) == []


def test_the_panel_with_matches_is_accessible(axe_page: Page, story, reviewer: User) -> None:  # noqa: F811
    first, second, claim, repeat = story
    annotation_service.annotate(
        db.session.get(Sentence, claim),
        {
            "verdict": "disputed",
            "attributed_to": "Ruth Ellison",
            "links": [{"url": EVIDENCE, "credibility": "high"}],
        },
        actor=reviewer,
    )
    db.session.commit()
    log_in(axe_page, reviewer)
    open_article(axe_page, second)
    expect(axe_page.locator("#seen-before .match")).to_have_count(1)
    assert_no_serious_violations(axe_page, "annotation page with a Seen before match")
    assert_controls_named(axe_page, "annotation page with a Seen before match")


def test_narrowing_the_claim_asks_for_its_words_only(
    page: Page, make_article, reviewer: User
) -> None:
    sample = make_article(text=SAMPLE_BODY, title=SAMPLE_TITLE)
    both = make_article(
        text="Ellison says the barrier will cost nearer $70 million, while officials add that the "
        "river has burst its banks four times since 2010.",
        title="Two claims in one sentence",
    )
    banks = "the river has burst its banks four times since 2010"
    for words, verdict in ((ELLISON, "disputed"), (banks, "verified")):
        sentence = next(s for s in sample.sentences if words in sample.text[s.start : s.end])
        at = sample.text.index(words)
        annotation_service.annotate(
            sentence,
            {"verdict": verdict, "span": {"start": at, "end": at + len(words)}},
            actor=reviewer,
        )
    db.session.commit()
    log_in(page, reviewer)
    open_article(page, both.id)
    matches = page.locator("#seen-before .match")
    # The whole sentence repeats the banks claim.
    expect(page.locator("#seen-before-same > li").first).to_contain_text(banks)

    # Narrowed to Ellison's words, the panel asks about them only and offers her claim.
    [sentence_id] = [s.id for s in both.sentences]
    db.session.commit()
    with page.expect_request(lambda r: "/similar?" in r.url and "start=" in r.url) as asked:
        select_words(page, sentence_id, "Ellison says the barrier will cost nearer $70 million")
    assert "end=" in asked.value.url
    expect(page.locator("#seen-before-status")).to_contain_text("Best: disputed")
    expect(matches).to_have_count(1)
    expect(matches.first).to_contain_text(ELLISON)


def test_a_related_match_asks_before_m_copies_it(
    page: Page, new_context, story, reviewer: User, admin: User
) -> None:
    first, second, claim, repeat = story
    earlier = annotation_service.annotate(
        db.session.get(Sentence, claim),
        {"verdict": "disputed", "attributed_to": "Ruth Ellison"},
        actor=reviewer,
    )
    db.session.commit()
    earlier_id = earlier.id
    db.session.commit()
    # The admin raises the "same claim" tier to 100% on the desk rules page: the repeat of
    # Ellison's claim is now offered as related only.
    desk = new_context().new_page()
    log_in(desk, admin)
    desk.goto("/desk/settings")
    desk.get_by_label("“Same claim” from this score (%)").fill("100")
    desk.get_by_role("button", name="Save").click()
    expect(desk.locator("body")).to_contain_text("Desk rules saved.")

    log_in(page, reviewer)
    open_article(page, second)
    panel = page.get_by_role("region", name="Seen before")
    expect(panel.get_by_role("heading", name="Related")).to_be_visible()
    expect(panel.get_by_role("heading", name="Same claim")).to_be_hidden()
    expect(page.locator("#seen-before-related > li")).to_contain_text("$70 million")
    expect(page.locator("#seen-before-status")).to_contain_text("m asks before copying it")

    # m asks first; Esc keeps the claim as it was.
    question = page.get_by_role("alertdialog", name="Copy a related claim?")
    page.keyboard.press("m")
    expect(question).to_be_visible()
    expect(question).to_contain_text("disputed")
    expect(page.locator("#seen-before-confirm-copy")).to_be_focused()
    page.keyboard.press("Escape")
    expect(question).to_be_hidden()
    expect(page.locator("#status")).to_contain_text("Not copied")
    assert claims_of(page, second, repeat) == []

    # m, then m again (or Enter on the focused button): copied.
    page.keyboard.press("m")
    expect(question).to_be_visible()
    page.keyboard.press("m")
    expect(question).to_be_hidden()
    expect(page.locator("#status")).to_have_text(
        f"Saved as disputed, copied from “{SAMPLE_TITLE}” (z undoes it)."
    )
    [copy] = claims_of(page, second, repeat)
    assert copy["matched_from"] == earlier_id


ENGLISH = "A couple in California reportedly named their newborn baby with an emoji."
SPANISH = "Una pareja de California le puso a su bebé recién nacido un emoji como nombre."


def test_a_wire_story_among_earlier_fact_checks(
    page: Page, make_article, make_user, admin: User, reviewer: User
) -> None:
    """The acceptance scenario of issue 23 in the page: the story's sentences are offered
    nothing, a paraphrase of an earlier fact-check is the same claim and m copies its verdict,
    and a Spanish paraphrase finds the English fact-check."""
    from annotator.services.annotations import claim_vectors
    from tests.conftest import corpus_file
    from tests.services.annotations.test_claim_vectors import EMOJI_CLAIM, _fact_checks

    checkers = [make_user("reviewer", "ana"), make_user("reviewer", "ben")]
    checks = _fact_checks(12)
    for n, (words, title) in enumerate(checks):
        sentence = make_article(text=words, title=title).sentences[-1]
        verdict = ("disputed", "unproven", "verified")[n % 3]
        for checker in checkers:
            annotation_service.annotate(sentence, {"verdict": verdict}, actor=checker)
        adjudication.adjudicate(sentence, verdict, "", actor=admin)
    db.session.commit()
    story = corpus_file("kherson-withdrawal.txt").read_text(encoding="utf-8")
    title, body = story.split("\n", 1)
    wire = make_article(text=body.strip(), title=title.strip())
    english = make_article(text=ENGLISH, title="Emoji baby")
    spanish = make_article(text=SPANISH, title="Bebé emoji", language="es")
    claim_vectors.catch_up()  # what the server's background worker does within seconds
    ids = (wire.id, english.id, spanish.id, english.sentences[0].id)
    db.session.commit()
    wire_id, english_id, spanish_id, english_sentence = ids
    emoji = checks[EMOJI_CLAIM][0]

    log_in(page, reviewer)
    open_article(page, wire_id)
    status = page.locator("#seen-before-status")
    for _ in range(4):  # the story's first sentences: nothing earlier like them
        expect(status).to_have_text("No earlier claim like this.")
        page.keyboard.press("j")
    expect(status).to_have_text("No earlier claim like this.")

    open_article(page, english_id)
    same = page.locator("#seen-before-same > li")
    expect(same).to_have_count(1)
    expect(same).to_contain_text(emoji)
    expect(same).to_contain_text("final: disputed")
    page.keyboard.press("m")
    expect(page.locator("#status")).to_contain_text("Saved as disputed, copied from")
    [copy] = claims_of(page, english_id, english_sentence)
    assert copy["verdict"] == "disputed" and copy["matched_from"] is not None

    open_article(page, spanish_id)  # the fact-check, beside the copy just made of it
    offered = page.locator("#seen-before .match", has_text=emoji)
    expect(offered).to_have_count(1)
    expect(offered).to_contain_text("English")
    expect(offered).to_contain_text("final: disputed")
