"""A reviewer annotates in Chromium: by keyboard, without JavaScript, on a conflict, unsaved, and
removing an evidence link."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Dialog, Page, expect

from annotator.extensions import db
from annotator.models import Sentence, User
from annotator.services.annotations import annotations as annotation_service
from tests.browser.conftest import log_in, mark, sentence_ids, shows_verdict

pytestmark = pytest.mark.browser

SAVED_AT_LOAD = "window.__sameDocument = true"
STILL_SAME_DOCUMENT = "() => window.__sameDocument === true"


def api_annotations(page: Page, article_id: int) -> dict[int, dict[str, Any]]:
    """The article's annotations that the page's user sees via the API, by sentence id."""
    response = page.request.get(f"/api/v1/articles/{article_id}")
    assert response.ok, response.text()
    found = {}
    for sentence in response.json()["sentences"]:
        assert len(sentence["annotations"]) <= 1
        if sentence["annotations"]:
            found[sentence["id"]] = sentence["annotations"][0]
    return found


def open_sentence(page: Page, article_id: int, sentence_id: int) -> None:
    page.goto(f"/articles/{article_id}?sentence={sentence_id}")
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))  # the script has run
    expect(page.locator(f"#s{sentence_id}")).to_have_attribute("aria-current", "true")


def test_keyboard_annotation_then_csv_export(page: Page, reviewer: User, make_article) -> None:
    article = make_article()
    article_id = article.id
    ids = sentence_ids(article)
    assert len(ids) == 5
    log_in(page, reviewer)
    page.goto(f"/articles/{article_id}")
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))  # the script has run
    progress = page.locator("#progress .progress-text")
    expect(progress).to_have_text("0 of 5 reviewed")
    expect(page.locator(f"#s{ids[0]}")).to_have_attribute("aria-current", "true")
    page.evaluate(SAVED_AT_LOAD)
    keys = page.keyboard

    # Sentence 2: attributed to the council minutes, then verified; Enter saves and moves on.
    keys.press("j")
    expect(page.locator(f"#s{ids[1]}")).to_have_attribute("aria-current", "true")
    keys.press("a")
    expect(page.locator("#attributed_to")).to_be_focused()
    keys.type("Council minutes")
    keys.press("Escape")
    expect(page.locator(f"#s{ids[1]}")).to_be_focused()
    keys.press("1")  # the details are open: this only chooses the verdict
    expect(page.get_by_label("Verified")).to_be_checked()
    keys.press("Enter")
    expect(mark(page, ids[1])).to_have_text(shows_verdict("verified"))
    expect(page.locator(f"#s{ids[2]}")).to_have_attribute("aria-current", "true")
    expect(progress).to_have_text("1 of 5 reviewed")
    expect(page.locator("#status")).to_contain_text("verified")

    # Skip sentence 3; sentence 4: disputed, with an evidence link of high credibility.
    keys.press("j")
    expect(page.locator(f"#s{ids[3]}")).to_have_attribute("aria-current", "true")
    keys.press("l")
    keys.type("https://example.org/cost-review")
    keys.press("Tab")  # title
    keys.press("Tab")  # credibility
    keys.press("h")
    keys.press("Escape")
    keys.press("3")
    keys.press("Enter")
    expect(mark(page, ids[3])).to_have_text(shows_verdict("disputed"))
    expect(page.locator(f"#s{ids[4]}")).to_have_attribute("aria-current", "true")
    expect(progress).to_have_text("2 of 5 reviewed")

    # Sentence 5 (the last): unproven with a note, saved from inside the note; the page stays on it.
    keys.press("n")
    keys.type("Not in the minutes")
    keys.press("Escape")
    keys.press("2")
    keys.press("n")
    keys.type(" of May")
    keys.press("Control+Enter")
    expect(mark(page, ids[4])).to_have_text(shows_verdict("unproven"))
    expect(progress).to_have_text("3 of 5 reviewed")
    for untouched in (ids[0], ids[2]):
        expect(mark(page, untouched)).to_have_text("")
    assert page.evaluate(STILL_SAME_DOCUMENT), "saving reloaded the page"

    # A reload shows what was saved.
    page.reload()
    expect(progress).to_have_text("3 of 5 reviewed")
    expected = {ids[1]: "verified", ids[3]: "disputed", ids[4]: "unproven"}
    for sentence_id, verdict in expected.items():
        expect(mark(page, sentence_id)).to_have_text(shows_verdict(verdict))
    page.locator(f"#s{ids[3]}").click()
    expect(page.locator("input[name=verdict][value=disputed]")).to_be_checked()
    expect(page.locator("#link-rows input[name$='-url']").first).to_have_value(
        "https://example.org/cost-review"
    )
    expect(page.locator("#link-rows select[name$='-credibility']").first).to_have_value("high")
    shown = {
        int(node.get_attribute("data-id")): node.evaluate("e => e.firstChild.textContent").strip()
        for node in page.locator("#sentences a.s").all()
    }

    # The CSV from the export page holds exactly these annotations.
    page.goto("/export")
    page.check("input[name=format][value=csv]")
    with page.expect_download(timeout=20_000) as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))

    assert {int(r["sentence_id"]): r["verdict"] for r in rows} == expected
    by_sentence = {int(r["sentence_id"]): r for r in rows}
    assert by_sentence[ids[1]]["attributed_to"] == "Council minutes"
    assert by_sentence[ids[1]]["links"] == ""
    assert by_sentence[ids[3]]["links"] == "https://example.org/cost-review"
    assert by_sentence[ids[3]]["link_credibility"] == "high"
    assert by_sentence[ids[4]]["note"] == "Not in the minutes of May"
    assert {r["reviewer"] for r in rows} == {"alice"}
    assert {r["version"] for r in rows} == {"1"}

    text = page.request.get(f"/api/v1/articles/{article_id}").json()["text"]
    for r in rows:
        assert int(r["article_id"]) == article_id
        assert text[int(r["sentence_start"]) : int(r["sentence_end"])] == r["sentence_text"]
        assert r["sentence_text"].strip() == shown[int(r["sentence_id"])]


def test_plain_form_without_javascript(
    new_context: Callable[..., BrowserContext],
    reviewer: User,
    make_article,
) -> None:
    article = make_article()
    article_id = article.id
    ids = sentence_ids(article)
    page = new_context(java_script_enabled=False).new_page()
    log_in(page, reviewer)
    page.goto(f"/articles/{article_id}")

    page.locator(f"#s{ids[1]}").click()  # a plain link: a page load selects the sentence
    page.wait_for_url(re.compile(rf"sentence={ids[1]}"))
    expect(page.locator("#current-text")).to_contain_text("The council voted 7-2")
    page.get_by_label("Disputed").check()
    page.fill("#attributed_to", "Council press office")
    page.fill("input[name='links-0-url']", "https://example.org/vote-record")
    page.select_option("select[name='links-0-credibility']", "medium")
    page.locator("#save").click()

    page.wait_for_url(re.compile(rf"sentence={ids[2]}"))  # saved, then on to the next sentence
    expect(page.get_by_role("status").filter(has_text="Saved")).to_contain_text(
        "sentence 2 is marked disputed"
    )
    expect(mark(page, ids[1])).to_have_text(shows_verdict("disputed"))
    expect(page.locator("#progress .progress-text")).to_have_text("1 of 5 reviewed")

    page.locator(f"#s{ids[1]}").click()
    expect(page.get_by_label("Disputed")).to_be_checked()
    expect(page.locator("#attributed_to")).to_have_value("Council press office")
    saved = api_annotations(page, article_id)
    assert list(saved) == [ids[1]]
    assert saved[ids[1]]["verdict"] == "disputed"
    assert [(link["url"], link["credibility"]) for link in saved[ids[1]]["links"]] == [
        ("https://example.org/vote-record", "medium")
    ]


@pytest.fixture
def a_conflict(
    new_context: Callable[..., BrowserContext],
    reviewer: User,
    make_article,
) -> tuple[Page, Page, int, list[int]]:
    """Two tabs of one reviewer on the same claim: the first saves "verified" in one key, the
    second then saves "disputed" with a note on the version both opened, and is refused."""
    article = make_article()
    article_id = article.id
    ids = sentence_ids(article)
    target = ids[1]
    annotation_service.annotate(
        db.session.get(Sentence, target), {"verdict": "unproven"}, actor=reviewer
    )
    db.session.commit()
    first, second = (new_context().new_page() for _ in range(2))
    for page in (first, second):
        log_in(page, reviewer)
        open_sentence(page, article_id, target)
        expect(page.get_by_label("Unproven")).to_be_checked()

    first.keyboard.press("1")  # one key saves
    expect(mark(first, target)).to_have_text(shows_verdict("verified"))

    second.keyboard.press("n")
    second.keyboard.type("Their figure is from 2019")
    second.keyboard.press("Escape")
    second.keyboard.press("3")
    second.keyboard.press("Enter")
    expect(second.locator("#conflict")).to_be_visible()
    return first, second, article_id, ids


def test_stale_save_shows_a_conflict_and_can_overwrite(
    a_conflict: tuple[Page, Page, int, list[int]],
) -> None:
    first, second, article_id, ids = a_conflict
    target = ids[1]
    conflict = second.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(second.locator("#conflict-message")).to_contain_text("version 1")
    expect(second.locator("#status")).to_contain_text("Not saved")
    # It did not move on, and the edits are kept.
    expect(second.locator(f"#s{target}")).to_have_attribute("aria-current", "true")
    expect(second.locator("#note")).to_have_value("Their figure is from 2019")
    assert api_annotations(second, article_id)[target]["verdict"] == "verified"  # nothing changed

    second.get_by_role("button", name="Overwrite with mine").click()
    expect(conflict).to_be_hidden()
    expect(mark(second, target)).to_have_text(shows_verdict("disputed"))
    expect(second.locator("#status")).to_contain_text("disputed")
    saved = api_annotations(first, article_id)[target]
    assert (saved["verdict"], saved["note"], saved["version"]) == (
        "disputed",
        "Their figure is from 2019",
        3,
    )


def test_leaving_with_unsaved_edits_asks_first(page: Page, reviewer: User, make_article) -> None:
    article = make_article()
    article_id = article.id
    ids = sentence_ids(article)
    log_in(page, reviewer)
    open_sentence(page, article_id, ids[0])
    dialogs: list[str] = []

    def stay(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.dismiss()  # "Stay on page"

    page.on("dialog", stay)
    # An unsaved note and verdict; a key press is also the gesture Chromium wants for the dialog.
    page.keyboard.press("n")
    page.keyboard.type("Ask for the minutes")
    page.keyboard.press("Escape")
    page.keyboard.press("2")  # the details are open: chosen, not saved
    page.get_by_role("link", name="Export").click()
    for _ in range(50):  # up to 5 s for the dialog
        if dialogs:
            break
        page.wait_for_timeout(100)
    assert dialogs == ["beforeunload"]
    assert f"/articles/{article_id}" in page.url
    expect(page.get_by_label("Unproven")).to_be_checked()  # the edits are still there
    expect(page.locator("#note")).to_have_value("Ask for the minutes")

    page.keyboard.press("Control+Enter")  # save it (focus is on the nav link now); leaving is quiet
    expect(mark(page, ids[0])).to_have_text(shows_verdict("unproven"))
    page.get_by_role("link", name="Export").click()
    page.wait_for_url("**/export")
    assert dialogs == ["beforeunload"]


def test_conflict_can_load_their_version_and_save_over_it(
    a_conflict: tuple[Page, Page, int, list[int]],
) -> None:
    first, second, article_id, ids = a_conflict
    target = ids[1]

    second.get_by_role("button", name="Load their version").click()
    expect(second.locator("#conflict")).to_be_hidden()
    expect(second.locator("#status")).to_contain_text("Loaded the other version")
    expect(second.get_by_label("Verified")).to_be_checked()  # their verdict, and no note of mine
    expect(second.locator("#note")).to_have_value("")
    expect(mark(second, target)).to_have_text(shows_verdict("verified"))
    expect(second.locator(f"#s{target}")).to_have_attribute("aria-current", "true")

    second.keyboard.press("2")  # now based on their version: saved in one key, no new conflict
    expect(second.locator(f"#s{ids[2]}")).to_have_attribute("aria-current", "true")
    expect(mark(second, target)).to_have_text(shows_verdict("unproven"))
    saved = api_annotations(first, article_id)[target]
    assert (saved["verdict"], saved["note"], saved["version"]) == ("unproven", "", 3)


def test_removing_an_evidence_link_by_keyboard(page: Page, reviewer: User, make_article) -> None:
    article = make_article()
    article_id = article.id
    ids = sentence_ids(article)
    target = ids[2]
    links = [
        {"url": "https://example.org/old-estimate", "credibility": "low"},
        {"url": "https://example.org/budget-papers", "credibility": "high"},
    ]
    annotation_service.annotate(
        db.session.get(Sentence, target), {"verdict": "disputed", "links": links}, actor=reviewer
    )
    db.session.commit()
    log_in(page, reviewer)
    open_sentence(page, article_id, target)
    expect(page.locator("#details-summary")).to_have_text("2 links")
    keys = page.keyboard

    keys.press("a")  # open the details, then Tab along to the first link's remove button
    urls = page.locator("#link-rows input[name$='-url']")
    expect(urls.first).to_have_value("https://example.org/old-estimate")
    first_remove = page.locator("#link-rows .link-row").first.locator(".remove-link")
    for _ in range(12):
        keys.press("Tab")
        if first_remove.evaluate("button => button === document.activeElement"):
            break
    expect(first_remove).to_be_focused()
    expect(first_remove).to_have_accessible_name("Remove this link")
    keys.press("Enter")

    expect(urls.first).to_have_value("https://example.org/budget-papers")
    expect(urls.first).to_be_focused()  # the keyboard stays in the links
    expect(page.locator("#status")).to_contain_text("Link removed (not saved yet")
    assert len(api_annotations(page, article_id)[target]["links"]) == 2
    keys.press("Control+Enter")
    expect(page.locator(f"#s{ids[3]}")).to_have_attribute("aria-current", "true")
    saved = api_annotations(page, article_id)[target]
    assert [link["url"] for link in saved["links"]] == ["https://example.org/budget-papers"]
    open_sentence(page, article_id, target)
    expect(page.locator("#details-summary")).to_have_text("1 link")


def test_keys_pressed_while_the_script_loads_are_not_lost(
    page: Page, reviewer: User, make_article
) -> None:
    """A reviewer who presses keys the moment the article appears keeps them: they run, in
    order, once the page's modules have loaded (held back here until the keys are pressed)."""
    article = make_article()
    ids = sentence_ids(article)
    log_in(page, reviewer)
    held = []
    page.route(re.compile(r"/static/annotate\.js"), lambda route: held.append(route))
    page.goto(f"/articles/{article.id}", wait_until="commit")
    page.wait_for_selector(f"#s{ids[0]}")
    page.wait_for_function("() => window.annotatorEarlyKeys !== undefined")
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs\b"))
    page.keyboard.press("j")
    page.keyboard.press("3")  # disputed: saves and moves on
    assert len(held) == 1, "the page asked for its script once"
    held[0].continue_()
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))
    expect(mark(page, ids[1])).to_have_text(shows_verdict("disputed"))
    expect(page.locator(f"#s{ids[2]}")).to_have_attribute("aria-current", "true")
    assert api_annotations(page, article.id)[ids[1]]["verdict"] == "disputed"
    assert ids[0] not in api_annotations(page, article.id)


def api_claim(page: Page, annotation_id: int) -> dict[str, Any]:
    response = page.request.get(f"/api/v1/annotations/{annotation_id}")
    assert response.ok, response.text()
    return response.json()


def test_escape_never_throws_edits_away(page: Page, reviewer: User, make_article) -> None:
    """`s` then Escape used to say "Unsaved edits discarded" and save an empty attribution."""
    article = make_article()
    article_id = article.id
    ids = sentence_ids(article)
    log_in(page, reviewer)
    open_sentence(page, article_id, ids[2])  # "Mayor Dana Okafor said it would cost $48 million."
    keys = page.keyboard
    keys.press("s")  # the suggested source, which opens the details
    expect(page.locator("#attributed_to")).to_have_value("Mayor Dana Okafor")
    keys.press("Escape")  # closes the details: the attribution stays
    expect(page.locator("#details")).to_be_hidden()
    expect(page.locator("#details-summary")).to_have_text("attributed to Mayor Dana Okafor")
    keys.press("Escape")  # again: still nothing is thrown away, the page says how to
    expect(page.locator("#status")).to_contain_text("Discard changes")
    expect(page.get_by_role("button", name="Discard changes")).to_be_visible()
    keys.press("2")  # saves, with the attribution
    expect(mark(page, ids[2])).to_have_text(shows_verdict("unproven"))
    saved = api_annotations(page, article_id)[ids[2]]
    assert (saved["verdict"], saved["attributed_to"]) == ("unproven", "Mayor Dana Okafor")

    # Discarding is a deliberate click, and "Undo" brings the edits back.
    keys.press("n")
    keys.type("Ask the council for the minutes")
    keys.press("Escape")
    keys.press("Escape")
    expect(page.locator("#details-summary")).to_have_text("a note")
    page.get_by_role("button", name="Discard changes").click()
    expect(page.locator("#status")).to_have_text("Changes discarded.")
    expect(page.locator("#details-summary")).to_have_text("none yet")
    page.get_by_role("button", name="Undo", exact=True).click()
    expect(page.locator("#note")).to_have_value("Ask the council for the minutes")
    expect(page.locator("#status")).to_contain_text("Your changes are back")
    page.locator(f"#s{ids[3]}").focus()
    keys.press("3")
    expect(mark(page, ids[3])).to_have_text(shows_verdict("disputed"))
    assert api_annotations(page, article_id)[ids[3]]["note"] == "Ask the council for the minutes"


def test_a_refused_save_names_the_field_in_words_and_stays_in_view(
    new_context: Callable[..., BrowserContext],
    reviewer: User,
    make_article,
    reuters,
) -> None:
    article = make_article()
    ids = sentence_ids(article)
    page = new_context(viewport={"width": 1280, "height": 640}).new_page()
    log_in(page, reviewer)
    open_sentence(page, article.id, ids[1])
    keys = page.keyboard
    keys.press("a")
    keys.type("Council clerk")
    for url in ("https://example.org/minutes", "https://www.reuters.com/world/council-vote"):
        keys.press("Escape")
        keys.press("l")
        keys.type(url)
    keys.press("Escape")
    page.locator("#link-rows select[name$='-credibility']").nth(1).select_option("low")
    page.locator(f"#s{ids[1]}").focus()
    keys.press("3")  # the details are open: only chooses
    keys.press("Enter")

    status = page.locator("#status")
    expect(status).to_contain_text(
        "Not saved. Evidence link 2: give a reason for overriding the registry's rating"
    )
    expect(status).not_to_contain_text("links[")
    reason = page.locator("#link-rows .link-row").nth(1).locator("input[name$='-override_reason']")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_be_focused()
    editor = page.locator("#editor").bounding_box()
    shown = status.bounding_box()
    assert editor and shown
    assert editor["y"] <= shown["y"] and shown["y"] + shown["height"] <= min(
        editor["y"] + editor["height"], 640
    ), "the save status is scrolled out of the editor"

    reason.fill("Reuters corrected this story")
    expect(reason).not_to_have_attribute("aria-invalid", "true")
    keys.press("Control+Enter")
    expect(mark(page, ids[1])).to_have_text(shows_verdict("disputed"))


def test_a_conflict_says_it_was_you_in_another_tab_and_shows_both(
    a_conflict: tuple[Page, Page, int, list[int]],
) -> None:
    _first, second, _article_id, _ids = a_conflict
    expect(second.locator("#conflict-message")).to_contain_text(
        "You saved this claim in another tab or window"
    )
    expect(second.locator("#conflict-theirs")).to_have_text("Saved in the other tab")
    verdict = second.locator("#conflict-rows tr").filter(has_text="Verdict")
    expect(verdict.locator("td")).to_have_text(["verified", "disputed"])
    note = second.locator("#conflict-rows tr").filter(has_text="Note")
    expect(note.locator("td")).to_have_text(["—", "Their figure is from 2019"])
    box = second.locator("#conflict").bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 800, "the conflict is off screen"


def test_note_key_types_after_the_note_and_history_follows_the_claim(
    page: Page,
    reviewer: User,
    make_article,
) -> None:
    article = make_article()
    ids = sentence_ids(article)
    first, third = (
        annotation_service.annotate(
            db.session.get(Sentence, sentence_id),
            {"verdict": "unproven", "note": "Checked the minutes"},
            actor=reviewer,
        ).id
        for sentence_id in (ids[1], ids[3])
    )
    db.session.commit()
    log_in(page, reviewer)
    open_sentence(page, article.id, ids[1])
    history = page.get_by_role("link", name="History of this claim")
    expect(history).to_have_attribute("href", f"/annotations/{first}/history")
    page.keyboard.press("n")
    page.keyboard.type(" of May")
    expect(page.locator("#note")).to_have_value("Checked the minutes of May")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Discard changes").click()

    page.keyboard.press("j")  # no claim here yet: no history, nothing to delete
    expect(history).to_be_hidden()
    expect(page.get_by_role("button", name="Delete my annotation")).to_be_hidden()
    page.keyboard.press("j")
    expect(history).to_have_attribute("href", f"/annotations/{third}/history")
    history.click()
    page.wait_for_url(f"**/annotations/{third}/history")


def test_a_deleted_claim_can_be_restored_and_its_sentence_is_unreviewed_again(
    page: Page,
    reviewer: User,
    make_article,
) -> None:
    article = make_article()
    ids = sentence_ids(article)
    for sentence_id in ids:
        annotation_service.annotate(
            db.session.get(Sentence, sentence_id), {"verdict": "verified"}, actor=reviewer
        )
    db.session.commit()
    log_in(page, reviewer)
    open_sentence(page, article.id, ids[2])
    expect(page.locator("#next-open")).to_have_text("All sentences reviewed")
    page.get_by_role("button", name="Delete my annotation").click()

    expect(page.get_by_role("status").filter(has_text="Claim deleted")).to_contain_text(
        "Deleted claims"
    )
    progress = page.locator("#progress .progress-text")
    expect(progress).to_have_text("4 of 5 reviewed")
    expect(page.locator("#next-open")).to_contain_text("Next unreviewed")
    deleted = page.locator("#deleted-claims")
    expect(deleted).to_contain_text(
        "Sentence 3: “Mayor Dana Okafor said it would cost $48 million.”"
    )
    deleted.get_by_role("button", name="Restore the claim on sentence 3").click()
    expect(progress).to_have_text("5 of 5 reviewed")
    expect(mark(page, ids[2])).to_have_text(shows_verdict("verified"))
    expect(page.locator("#deleted-claims")).to_have_count(0)

    # Undoing a one-key save on the last open sentence makes "Next unreviewed" come back too.
    page.get_by_role("button", name="Delete my annotation").click()
    expect(page.locator("#next-open")).to_contain_text("Next unreviewed")
    page.keyboard.press("1")
    expect(page.locator("#next-open")).to_have_text("All sentences reviewed")
    page.keyboard.press("z")
    expect(page.locator("#next-open")).to_contain_text("Next unreviewed")
    page.keyboard.press("u")
    expect(page.locator(f"#s{ids[2]}")).to_have_attribute("aria-current", "true")
