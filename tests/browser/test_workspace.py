"""The annotation workspace in Chromium: spans, several claims, one-key save-and-next, undo,
filters, drafts kept while moving, a whole story by keyboard, the article list, and an admin fixing
sentence boundaries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from annotator.extensions import db
from annotator.models import Sentence, User
from annotator.services.annotations import annotations as annotation_service
from tests.browser.conftest import log_in, mark, sentence_ids
from tests.browser.conftest import shows_verdict as shows  # noqa: E501 - short name, many uses
from tests.conftest import corpus_file

pytestmark = pytest.mark.browser


def is_current(page: Page, sentence_id: int) -> None:
    expect(page.locator(f"#s{sentence_id}")).to_have_attribute("aria-current", "true")
    expect(page.locator(f"#s{sentence_id}")).to_have_class(re.compile(r"\bcurrent\b"))


def article_json(page: Page, article_id: int) -> dict[str, Any]:
    response = page.request.get(f"/api/v1/articles/{article_id}")
    assert response.ok, response.text()
    return response.json()


def claims_by_sentence(page: Page, article_id: int) -> dict[int, list[dict[str, Any]]]:
    return {
        s["id"]: s["annotations"]
        for s in article_json(page, article_id)["sentences"]
        if s["annotations"]
    }


def open_article(page: Page, article_id: int, sentence_id: int | None = None) -> None:
    page.goto(f"/articles/{article_id}" + (f"?sentence={sentence_id}" if sentence_id else ""))
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))  # the script has run


@pytest.fixture
def on_sample(page: Page, reviewer: User, make_article) -> tuple[int, list[int]]:
    """The sample article open in the reviewer's page: its id and its sentence ids, in order."""
    article = make_article()
    article_id, ids = article.id, sentence_ids(article)
    log_in(page, reviewer)
    open_article(page, article_id)
    return article_id, ids


def word_boxes(page: Page, sentence_id: int, words: str) -> dict[str, dict[str, float]]:
    """Where the first and last characters of ``words`` are drawn inside the sentence."""
    box = page.evaluate(
        """([id, words]) => {
            const text = document.getElementById("s" + id).firstChild;
            const at = text.textContent.indexOf(words);
            if (at < 0) return null;
            const rect = (from, to) => {
                const r = document.createRange();
                r.setStart(text, from);
                r.setEnd(text, to);
                const b = r.getBoundingClientRect();
                return {left: b.left, right: b.right, y: b.top + b.height / 2};
            };
            return {first: rect(at, at + 1), last: rect(at + words.length - 1, at + words.length)};
        }""",
        [sentence_id, words],
    )
    assert box, f"{words!r} is not in sentence {sentence_id}"
    return box


def drag_select(page: Page, sentence_id: int, words: str) -> None:
    """Select ``words`` inside the sentence with a real mouse drag over their on-screen boxes."""
    box = word_boxes(page, sentence_id, words)
    page.mouse.move(box["first"]["left"] + 1, box["first"]["y"])
    page.mouse.down()
    page.mouse.move(box["last"]["right"] - 1, box["last"]["y"], steps=10)
    page.mouse.up()


def select_words(page: Page, sentence_id: int, words: str) -> None:
    """Select ``words`` as a finished mouse selection: a DOM Range, then the drag's mouseup.

    Drives the same handler as a drag, independently of how the browser turns a drag into a
    selection (test_mouse_drag_selects_words covers the real drag).
    """
    word_boxes(page, sentence_id, words)  # asserts the words are there
    page.evaluate(
        """([id, words]) => {
            const node = document.getElementById("s" + id);
            const text = node.firstChild;
            const at = text.textContent.indexOf(words);
            const range = document.createRange();
            range.setStart(text, at);
            range.setEnd(text, at + words.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            node.dispatchEvent(new MouseEvent("mouseup", {bubbles: true, button: 0}));
        }""",
        [sentence_id, words],
    )


def test_mouse_drag_selects_words(page: Page, on_sample: tuple[int, list[int]]) -> None:
    article_id, ids = on_sample
    drag_select(page, ids[1], "voted 7-2 on Tuesday")
    expect(page.locator("#claim_text")).to_have_value("voted 7-2 on Tuesday", timeout=2_000)
    is_current(page, ids[1])
    assert page.evaluate("getSelection().toString()") == "voted 7-2 on Tuesday"


def test_selecting_words_saves_a_span_with_article_offsets(
    page: Page, on_sample: tuple[int, list[int]]
) -> None:
    article_id, ids = on_sample
    words = "voted 7-2 on Tuesday"

    select_words(page, ids[1], words)
    expect(page.locator("#claim_text")).to_have_value(words)
    is_current(page, ids[1])  # selecting inside a sentence also selects that sentence
    expect(page.locator("#status")).to_contain_text(f"Claim narrowed to “{words}”")
    page.keyboard.press("3")  # one key: the narrowed claim is saved as disputed
    expect(mark(page, ids[1])).to_have_text(shows("disputed"))
    expect(page.locator("#status")).to_contain_text("Saved sentence 2 as disputed")
    is_current(page, ids[2])

    data = article_json(page, article_id)
    (saved,) = next(s for s in data["sentences"] if s["id"] == ids[1])["annotations"]
    assert saved["verdict"] == "disputed"
    span = saved["span"]
    assert span is not None, "the selection was saved as a whole-sentence claim"
    assert data["text"][span["start"] : span["end"]] == words

    # Going back shows the claim's words again, ready to edit.
    page.keyboard.press("k")
    is_current(page, ids[1])
    expect(page.locator("#claim_text")).to_have_value(words)
    expect(page.get_by_label("Disputed")).to_be_checked()


def test_two_claims_in_one_sentence(page: Page, reviewer: User, make_article) -> None:
    article = make_article()
    article_id = article.id
    ids = sentence_ids(article)
    log_in(page, reviewer)
    open_article(page, article_id, ids[2])
    keys = page.keyboard

    keys.press("1")  # claim 1: the whole sentence, verified
    is_current(page, ids[3])
    keys.press("k")
    is_current(page, ids[2])
    expect(page.locator("#claims a").first).to_have_text("Claim 1: verified")
    keys.press("c")
    expect(page.locator("#new-claim")).to_have_attribute("aria-current", "true")
    expect(page.locator("#claim_text")).to_have_value("")
    expect(page.locator("input[name=verdict]:checked")).to_have_count(0)
    select_words(page, ids[2], "$48 million")
    expect(page.locator("#claim_text")).to_have_value("$48 million")
    keys.press("3")

    expect(mark(page, ids[2])).to_have_text(shows("mixed"))
    keys.press("k")
    is_current(page, ids[2])
    expect(page.locator("#claims a")).to_have_text(
        ["Claim 1: verified", "Claim 2: disputed", re.compile(r"New claim")]
    )
    keys.press("]")  # the second claim
    expect(page.locator("#claim_text")).to_have_value("$48 million")
    expect(page.get_by_label("Disputed")).to_be_checked()

    claims = claims_by_sentence(page, article_id)
    assert list(claims) == [ids[2]]
    text = article_json(page, article_id)["text"]
    assert sorted(
        (c["verdict"], c["span"] and text[c["span"]["start"] : c["span"]["end"]])
        for c in claims[ids[2]]
    ) == [("disputed", "$48 million"), ("verified", None)]

    page.reload()  # the server renders the same state
    expect(mark(page, ids[2])).to_have_text(shows("mixed"))


def test_one_key_saves_and_advances_and_details_wait_for_enter(
    page: Page, on_sample: tuple[int, list[int]]
) -> None:
    article_id, ids = on_sample
    progress = page.locator("#progress .progress-text")
    expect(progress).to_have_text("0 of 5 reviewed")
    is_current(page, ids[0])
    expect(page.locator("#hint-quick")).to_be_visible()
    expect(page.locator("#hint-quick")).to_contain_text("save that verdict and go to the next")
    expect(page.locator("#details")).to_be_hidden()
    expect(page.locator("#undo")).to_be_hidden()

    page.keyboard.press("1")  # one key: saved, and on to the next sentence
    is_current(page, ids[1])
    expect(page.locator(f"#s{ids[1]}")).to_be_focused()
    expect(mark(page, ids[0])).to_have_text(shows("verified"))
    expect(progress).to_have_text("1 of 5 reviewed")
    expect(page.locator("#status")).to_contain_text("Saved sentence 1 as verified")
    assert claims_by_sentence(page, article_id)[ids[0]][0]["verdict"] == "verified"
    page.keyboard.press("2")
    is_current(page, ids[2])
    expect(mark(page, ids[1])).to_have_text(shows("unproven"))
    expect(progress).to_have_text("2 of 5 reviewed")

    # z undoes a mistaken one-key save.
    page.keyboard.press("z")
    expect(page.locator("#status")).to_contain_text("Undone")
    expect(progress).to_have_text("1 of 5 reviewed")
    expect(mark(page, ids[1])).to_have_text("")
    expect(mark(page, ids[0])).to_have_text(shows("verified"))
    is_current(page, ids[1])  # back on the sentence whose save was undone
    expect(page.locator("#undo")).to_be_hidden()
    assert {
        sid: [c["verdict"] for c in cs] for sid, cs in claims_by_sentence(page, article_id).items()
    } == {ids[0]: ["verified"]}

    # With the details open a verdict key only chooses; Enter saves the verdict with the details.
    page.keyboard.press("a")
    expect(page.locator("#attributed_to")).to_be_focused()
    expect(page.locator("#hint-details")).to_be_visible()
    page.keyboard.type("Council minutes")
    page.keyboard.press("Escape")
    page.keyboard.press("3")
    expect(page.get_by_label("Disputed")).to_be_checked()
    expect(page.locator("#status")).to_contain_text("not saved yet")
    is_current(page, ids[1])
    assert ids[1] not in claims_by_sentence(page, article_id)
    page.keyboard.press("Enter")
    is_current(page, ids[2])
    expect(mark(page, ids[1])).to_have_text(shows("disputed"))
    expect(page.locator("#details")).to_be_hidden()  # closed again on the next sentence
    (saved,) = claims_by_sentence(page, article_id)[ids[1]]
    assert (saved["verdict"], saved["attributed_to"]) == ("disputed", "Council minutes")

    # The closed details say what a one-key save keeps.
    page.keyboard.press("k")
    expect(page.locator("#details-summary")).to_have_text("attributed to Council minutes")
    page.keyboard.press("2")
    is_current(page, ids[2])
    (saved,) = claims_by_sentence(page, article_id)[ids[1]]
    assert (saved["verdict"], saved["attributed_to"]) == ("unproven", "Council minutes")

    page.reload()
    expect(progress).to_have_text("2 of 5 reviewed")
    expect(mark(page, ids[1])).to_have_text(shows("unproven"))


def test_a_failed_save_says_so_and_keeps_the_edits(
    page: Page, on_sample: tuple[int, list[int]]
) -> None:
    article_id, ids = on_sample
    keys = page.keyboard
    offline = "**/api/v1/annotations**"
    page.route(offline, lambda route: route.abort("internetdisconnected"))

    keys.press("n")
    keys.type("Minutes not published yet")
    keys.press("Escape")
    keys.press("2")
    keys.press("Enter")
    status = page.locator("#status")
    expect(status).to_contain_text("Could not reach the server; your edits are kept here")
    is_current(page, ids[0])  # it did not move on
    expect(page.locator("#note")).to_have_value("Minutes not published yet")
    expect(page.get_by_label("Unproven")).to_be_checked()
    expect(mark(page, ids[0])).to_have_text("")
    expect(page.locator("#progress .progress-text")).to_have_text("0 of 5 reviewed")

    page.unroute(offline)
    keys.press("Enter")  # the same edits, sent again
    is_current(page, ids[1])
    expect(mark(page, ids[0])).to_have_text(shows("unproven"))

    # A one-key save that fails stays on its sentence too, with the verdict chosen.
    page.route(offline, lambda route: route.abort("internetdisconnected"))
    keys.press("1")
    expect(status).to_contain_text("Could not reach the server")
    is_current(page, ids[1])
    expect(page.get_by_label("Verified")).to_be_checked()
    page.unroute(offline)
    keys.press("1")
    is_current(page, ids[2])
    saved = claims_by_sentence(page, article_id)
    assert [(c["verdict"], c["note"]) for c in saved[ids[0]]] == [
        ("unproven", "Minutes not published yet")
    ]
    assert [c["verdict"] for c in saved[ids[1]]] == ["verified"]


def test_the_whole_sample_story_by_keyboard_alone(page: Page, reviewer: User, make_article) -> None:
    text = corpus_file("kherson-withdrawal.txt").read_text(encoding="utf-8")
    article = make_article(text=text, title="Russia leaves key city for Ukraine")
    article_id = article.id
    ids = sentence_ids(article)
    total = len(ids)
    assert total > 20
    log_in(page, reviewer)
    open_article(page, article_id)
    progress = page.locator("#progress .progress-text")
    expect(progress).to_have_text(f"0 of {total} reviewed")
    is_current(page, ids[0])

    # One key per sentence, typed at speed: keys pressed while a save is on its way still count.
    verdicts = {sid: ("verified", "unproven", "disputed")[i % 3] for i, sid in enumerate(ids)}
    for i in range(total):
        page.keyboard.press("123"[i % 3])
    expect(progress).to_have_text(f"{total} of {total} reviewed")
    is_current(page, ids[-1])
    page.keyboard.press("u")
    expect(page.locator("#status")).to_have_text("Every sentence shown has been reviewed.")

    saved = claims_by_sentence(page, article_id)
    assert {sid: [c["verdict"] for c in cs] for sid, cs in saved.items()} == {
        sid: [verdict] for sid, verdict in verdicts.items()
    }
    page.reload()
    expect(progress).to_have_text(f"{total} of {total} reviewed")
    expect(page.locator("#next-open")).to_have_text("All sentences reviewed")
    for sid in (ids[0], ids[total // 2], ids[-1]):
        expect(mark(page, sid)).to_have_text(shows(verdicts[sid]))


def test_filter_by_state_and_jump_to_next_unreviewed(
    page: Page, on_sample: tuple[int, list[int]]
) -> None:
    article_id, ids = on_sample
    keys = page.keyboard
    keys.press("1")  # sentence 1 verified
    is_current(page, ids[1])
    keys.press("j")
    is_current(page, ids[2])
    keys.press("3")  # sentence 3 disputed
    is_current(page, ids[3])
    keys.press("k")
    keys.press("k")
    is_current(page, ids[1])

    page.select_option("#state-filter", "open")
    for hidden in (ids[0], ids[2]):
        expect(page.locator(f"#s{hidden}")).to_be_hidden()
    for shown in (ids[1], ids[3], ids[4]):
        expect(page.locator(f"#s{shown}")).to_be_visible()
    assert "state=open" in page.url

    keys.press("Escape")  # leave the select, back to the sentence
    expect(page.locator(f"#s{ids[1]}")).to_be_focused()
    keys.press("u")
    is_current(page, ids[3])  # the reviewed sentence 3 is skipped
    keys.press("k")
    is_current(page, ids[1])  # j/k skip hidden sentences too
    keys.press("j")
    is_current(page, ids[3])

    page.select_option("#state-filter", "")
    for sid in ids:
        expect(page.locator(f"#s{sid}")).to_be_visible()
    page.locator("#next-open").click()
    is_current(page, ids[4])


def test_unsaved_edits_are_kept_when_moving(page: Page, on_sample: tuple[int, list[int]]) -> None:
    article_id, ids = on_sample
    keys = page.keyboard

    keys.press("n")
    expect(page.locator("#note")).to_be_focused()
    keys.type("Ask the council for the minutes")
    keys.press("Escape")
    keys.press("2")  # the details are open: this only chooses the verdict
    keys.press("j")
    is_current(page, ids[1])
    expect(page.locator("#note")).to_have_value("")  # the other sentence has its own form
    expect(page.locator("input[name=verdict]:checked")).to_have_count(0)
    keys.press("k")
    is_current(page, ids[0])
    expect(page.locator("#note")).to_have_value("Ask the council for the minutes")
    expect(page.locator("#note")).to_be_visible()  # the details open again with the draft
    expect(page.get_by_label("Unproven")).to_be_checked()
    expect(page.locator("#status")).to_contain_text("restored")
    assert (
        claims_by_sentence(page, article_id) == {}
    )  # nothing was saved behind the reviewer's back

    keys.press("Escape")  # a second Escape (outside a field) closes the details, keeping the draft
    expect(page.locator("#note")).to_be_hidden()
    expect(page.locator("#details-summary")).to_have_text("a note")
    expect(page.locator("#status")).to_contain_text("kept")
    page.get_by_role("button", name="Discard changes").click()  # throwing it away is a click
    expect(page.locator("#note")).to_have_value("")
    expect(page.locator("#status")).to_contain_text("discarded")


def test_article_list_search_sort_and_next_article(
    page: Page, reviewer: User, make_article
) -> None:
    done = make_article()  # oldest, fully reviewed below
    harbour = make_article(
        text="Harbour dredging delayed\n\n"
        "The port said dredging would start in May. Fishermen disagreed.",
        title="Harbour dredging delayed",
        outlet="Coastal Times",
    )
    school = make_article(
        text="School budget rises\n\nThe district added $2 million. Teachers welcomed it.",
        title="School budget rises",
    )
    for sentence in done.sentences:
        annotation_service.annotate(sentence, {"verdict": "verified"}, actor=reviewer)
    first_harbour = min(harbour.sentences, key=lambda s: s.index)
    annotation_service.annotate(first_harbour, {"verdict": "unproven"}, actor=reviewer)
    harbour_id, harbour_total = harbour.id, len(harbour.sentences)
    school_total = len(school.sentences)
    db.session.commit()
    log_in(page, reviewer)
    page.goto("/")
    titles = page.locator("table.articles tbody tr td:first-child")
    expect(titles).to_have_text(
        ["School budget rises", "Harbour dredging delayed", "Council approves flood barrier"]
    )

    page.select_option("#sort", "progress")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"sort=progress"))
    expect(titles).to_have_text(
        ["School budget rises", "Harbour dredging delayed", "Council approves flood barrier"]
    )
    progress = page.locator("table.articles tbody tr .progress-text")
    expect(progress).to_have_text(
        [f"0 of {school_total} reviewed", f"1 of {harbour_total} reviewed", "5 of 5 reviewed"]
    )
    expect(page.locator("#sort")).to_have_value("progress")

    page.fill("#q", "coastal")  # outlets are searched too
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"q=coastal"))
    expect(titles).to_have_text(["Harbour dredging delayed"])
    page.fill("#q", "no such headline")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("main")).to_contain_text("No articles match “no such headline”")

    page.goto("/")
    next_article = page.locator("#next-article")
    expect(next_article).to_have_text(
        "Next article to review: Harbour dredging delayed"
    )  # oldest unfinished
    next_article.click()
    page.wait_for_url(f"**/articles/{harbour_id}")
    expect(page.locator("h1")).to_have_text("Harbour dredging delayed")
    expect(page.locator("#progress .progress-text")).to_have_text(f"1 of {harbour_total} reviewed")
    expect(page.locator("#sentences a.s.current")).to_contain_text(
        "Fishermen disagreed."
    )  # first one left


def test_admin_splits_a_sentence_and_the_annotation_stays(
    page: Page, admin: User, make_article
) -> None:
    article = make_article(
        text="Pier reopens\n\nThe pier reopened on Monday the mayor said it was safe. Crowds came."
    )
    article_id = article.id
    ids = sentence_ids(article)
    assert len(ids) == 3
    target = db.session.get(Sentence, ids[1])
    annotation_service.annotate(target, {"verdict": "verified"}, actor=admin)
    db.session.commit()
    log_in(page, admin)
    open_article(page, article_id, ids[1])
    sentences = page.locator("#sentences a.s")
    expect(sentences).to_have_count(3)
    expect(mark(page, ids[1])).to_have_text(shows("verified"))

    page.locator("#segment-tools summary").click()
    page.get_by_label("Split before these words").fill("the mayor said")
    page.locator("#split-form").get_by_role("button", name="Split").click()

    expect(page.locator(".flash-success")).to_contain_text("Split the sentence in two")
    expect(sentences).to_have_count(4)
    texts = [
        t.strip() for t in sentences.evaluate_all("ns => ns.map(n => n.firstChild.textContent)")
    ]
    assert texts[1:3] == ["The pier reopened on Monday", "the mayor said it was safe."]
    expect(page.locator("#sentences a.s .mark").filter(has_text="[verified]")).to_have_count(1)
    expect(sentences.nth(1).locator(".mark")).to_have_text(shows("verified"))
    expect(page.locator("#progress .progress-text")).to_have_text("1 of 4 reviewed")

    # A split that cannot be done says why and changes nothing.
    open_article(page, article_id, ids[1])
    page.locator("#segment-tools summary").click()
    page.get_by_label("Split before these words").fill("not in the sentence")
    page.locator("#split-form").get_by_role("button", name="Split").click()
    expect(page.get_by_role("alert")).to_contain_text("does not occur in this sentence")
    expect(sentences).to_have_count(4)
    assert len(article_json(page, article_id)["sentences"]) == 4
