"""On a phone (390 x 844, touch): no page is wider than the screen, the menu folds into one
button, and on the annotation page a tapped sentence has its verdicts at hand."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from annotator.extensions import db
from annotator.models import Sentence, User
from annotator.services.annotations import annotations as annotation_service
from tests.browser.conftest import log_in, mark, sentence_ids, shows_verdict
from tests.conftest import corpus_file

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LONG_URL = "https://www.example.org/news/2026/11/01/council-votes-on-the-flood-barrier-budget-" + (
    "and-its-overruns-" * 4
)


@pytest.fixture
def phone(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context(**PHONE).new_page()


@pytest.fixture
def desk_with_work(make_article, make_user, admin: User, reviewer: User, reuters) -> dict:
    """An article two reviewers disagree on, with a long address and title, and a registry entry."""
    article = make_article(
        title="Council votes on the flood barrier budget after a long and heated debate",
        url=LONG_URL,
        outlet="Example Daily Chronicle",
    )
    ids = sentence_ids(article)
    bob = make_user(username="bob")
    first = db.session.get(Sentence, ids[1])
    mine = annotation_service.annotate(
        first,
        {
            "verdict": "verified",
            "attributed_to": "Mayor Dana Okafor",
            "note": "See " + LONG_URL,
            "links": [{"url": LONG_URL, "credibility": "high"}],
        },
        actor=reviewer,
    )
    annotation_service.annotate(first, {"verdict": "disputed", "note": "No."}, actor=bob)
    annotation_service.update_annotation(
        mine, {"note": "Checked against " + LONG_URL}, actor=reviewer, expected_version=1
    )
    db.session.commit()
    return {"article": article.id, "annotation": mine.id, "ids": ids, "source": reuters.id}


def reviewer_pages(work: dict) -> list[str]:
    return [
        "/?sort=newest",
        f"/articles/{work['article']}",
        "/export",
        "/account",
        "/search?q=council",
        "/sources/",
        "/queue",
        f"/annotations/{work['annotation']}/history",
    ]


def admin_pages(work: dict) -> list[str]:
    return [
        *reviewer_pages(work)[:-1],
        "/dashboard",
        "/disagreements",
        "/import",
        f"/articles/{work['article']}/agreement",
        f"/articles/{work['article']}/desk",
        f"/articles/{work['article']}/activity",
        "/admin/users",
        f"/articles/{work['article']}/publication",
        f"/sources/{work['source']}",
        "/articles/new",
        "/desk/settings",
    ]


# The innermost elements that reach past the screen's right edge: what to fix when a page is wide.
STICKING_OUT = """() => [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > 391)
    .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > 391))
    .slice(0, 4)
    .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
         (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : "") +
         " " + Math.round(el.getBoundingClientRect().right))"""


def too_wide(page: Page, paths: list[str]) -> dict[str, str]:
    """Each path whose page scrolls sideways on the phone: its width and what sticks out."""
    widths = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            widths[path] = f"{width} px: {', '.join(page.evaluate(STICKING_OUT))}"
    return widths


@pytest.mark.parametrize("who", ["reviewer", "admin"])
def test_no_page_is_wider_than_a_phone(
    phone: Page, desk_with_work: dict, who: str, request: pytest.FixtureRequest
) -> None:
    log_in(phone, request.getfixturevalue(who))
    paths = reviewer_pages(desk_with_work) if who == "reviewer" else admin_pages(desk_with_work)
    assert too_wide(phone, paths) == {}

    # The annotation page with its details open, and (admins) an import's preview.
    phone.goto(f"/articles/{desk_with_work['article']}?sentence={desk_with_work['ids'][1]}")
    expect(phone.locator("body")).to_have_class(re.compile(r"\bjs\b"))
    phone.get_by_role("button", name="Details", exact=True).first.tap()
    expect(phone.locator("#attributed_to")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, phone.evaluate(
        STICKING_OUT
    )
    if who == "admin":
        phone.goto("/import")
        phone.fill(
            "#paste-text", "A long address: " + LONG_URL + "\n\nThe council voted 7-2 on Tuesday."
        )
        phone.fill("#paste-url", LONG_URL + "x")
        phone.get_by_role("button", name="Preview pasted text").tap()
        expect(phone.get_by_role("heading", name="Preview: 1 article")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, phone.evaluate(
            STICKING_OUT
        )


def test_the_menu_folds_into_one_button_on_a_phone(
    phone: Page, new_context: Callable[..., BrowserContext], admin: User
) -> None:
    log_in(phone, admin)
    phone.goto("/export")
    export = phone.get_by_role("navigation", name="Main").get_by_role("link", name="Export")
    expect(export).to_be_hidden()
    header = phone.locator("header.top").bounding_box()
    assert header is not None and header["height"] < 80, "the folded menu still takes the screen"
    phone.get_by_text("Menu", exact=True).tap()
    expect(export).to_be_visible()
    export.tap()
    phone.wait_for_url("**/export")

    wide = new_context().new_page()  # 1280 px: every link shows, no button to press
    log_in(wide, admin)
    expect(
        wide.get_by_role("navigation", name="Main").get_by_role("link", name="Export")
    ).to_be_visible()
    expect(wide.get_by_text("Menu", exact=True)).to_be_hidden()


def test_a_tapped_sentence_has_its_verdicts_on_screen(
    phone: Page,
    reviewer: User,
    make_article,
) -> None:
    """On a phone the editor sits below the whole article; a bar at the foot of the screen holds
    the verdicts of the sentence just tapped, and its Details button brings the editor up."""
    article = make_article(text=corpus_file("kherson-withdrawal.txt").read_text(encoding="utf-8"))
    ids = sentence_ids(article)
    log_in(phone, reviewer)
    phone.goto(f"/articles/{article.id}")
    expect(phone.locator("body")).to_have_class(re.compile(r"\bjs\b"))
    target = phone.locator(f"#s{ids[6]}")
    target.scroll_into_view_if_needed()
    target.tap()
    expect(target).to_have_attribute("aria-current", "true")
    bar = phone.get_by_role("group", name="Verdict for the selected sentence")
    disputed = bar.get_by_role("button", name="Disputed")
    expect(disputed).to_be_in_viewport()
    box = bar.bounding_box()
    assert box and box["y"] + box["height"] <= 844 and box["y"] > 844 / 2, (
        "the bar is not at the foot"
    )
    disputed.tap()
    expect(mark(phone, ids[6])).to_have_text(shows_verdict("disputed"))
    expect(phone.locator(f"#s{ids[7]}")).to_have_attribute("aria-current", "true")
    expect(phone.locator("#bar-status")).to_have_text("Saved sentence 7 as disputed.")
    following = phone.locator(f"#s{ids[7]}").bounding_box()
    assert following and following["y"] + following["height"] <= box["y"], "hidden under the bar"

    bar.get_by_role("button", name="Details").tap()
    expect(phone.locator("#attributed_to")).to_be_in_viewport()
    phone.locator("#attributed_to").fill("Russian defence ministry")
    bar.get_by_role("button", name="Verified").tap()  # saves with the details
    expect(mark(phone, ids[7])).to_have_text(shows_verdict("verified"))
    saved = phone.request.get(f"/api/v1/articles/{article.id}").json()["sentences"][7]
    assert saved["annotations"][0]["attributed_to"] == "Russian defence ministry"
