"""Accessibility of the annotation page, the article list and the login page: axe-core (from the
npm registry, fetched by `make test`) run inside Chromium, plus the checks a screen-reader user
depends on most: named controls, a live status region, and states that are not colour alone."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from annotator.extensions import db
from annotator.models import User
from annotator.services.annotations import annotations as annotation_service
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

AXE = (
    Path(__file__).resolve().parents[2]
    / ".venv"
    / "axe"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)
BLOCKING = {"serious", "critical"}

# Every visible form control's accessible name, the way assistive technology computes it (roughly):
# aria-labelledby, aria-label, <label>s, then a button's own text or a title.
UNNAMED_CONTROLS = """() => {
    const text = (node) => (node ? node.textContent : "").replace(/\\s+/g, " ").trim();
    const nameOf = (el) => {
        const by = el.getAttribute("aria-labelledby");
        const byId = (id) => text(document.getElementById(id));
        if (by) return by.split(/\\s+/).map(byId).join(" ").trim();
        const aria = (el.getAttribute("aria-label") || "").trim();
        if (aria) return aria;
        const labels = el.labels ? [...el.labels].map(text).join(" ").trim() : "";
        if (labels) return labels;
        if (el.tagName === "BUTTON") return text(el);
        if (el.type === "submit" || el.type === "button") return (el.value || "").trim();
        return (el.getAttribute("title") || "").trim();
    };
    const controls = document.querySelectorAll(
        "input:not([type=hidden]), select, textarea, button"
    );
    return [...controls]
        .filter((el) => el.getClientRects().length > 0)  // rendered (not display:none)
        .filter((el) => !nameOf(el))
        .map((el) => el.outerHTML.slice(0, 160));
}"""


@pytest.fixture
def axe_page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page that may inject axe-core: the app's CSP allows only its own scripts, rightly."""
    if not AXE.exists():
        message = (
            f"axe-core is not installed at {AXE}: run `make test` (it fetches axe-core@4 with npm)"
        )
        print(message)
        pytest.skip(message)
    return new_context(bypass_csp=True).new_page()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; return every violation (all impacts)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def assert_no_serious_violations(page: Page, what: str) -> None:
    violations = axe_violations(page)
    for v in violations:  # all of them, for whoever reads the log
        nodes = "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
        print(
            f"{what}: axe {v['impact']}: {v['id']}: {v['help']} ({len(v['nodes'])} nodes: {nodes})"
        )
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{what}: serious or critical accessibility violations:\n" + json.dumps(
        [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["html"][:200] for n in v["nodes"][:5]],
                "summary": v["nodes"][0].get("failureSummary", "") if v["nodes"] else "",
            }
            for v in blocking
        ],
        indent=2,
    )


def assert_controls_named(page: Page, what: str) -> None:
    unnamed = page.evaluate(UNNAMED_CONTROLS)
    assert unnamed == [], f"{what}: form controls without an accessible name: {unnamed}"


def test_annotation_page_is_accessible(
    axe_page: Page, reviewer: User, make_user, make_article
) -> None:
    page = axe_page
    article = make_article(url="https://example.org/flood-barrier", outlet="Example Wire")
    sentences = sorted(article.sentences, key=lambda s: s.index)
    annotation_service.annotate(
        sentences[1],
        {"verdict": "verified", "attributed_to": "Council minutes"},
        actor=reviewer,
    )
    annotation_service.annotate(
        sentences[2],
        {
            "verdict": "disputed",
            "note": "The budget papers say $52 million.",
            "links": [{"url": "https://example.org/budget", "credibility": "high"}],
        },
        actor=reviewer,
    )
    annotation_service.annotate(
        sentences[2], {"verdict": "unproven"}, actor=make_user("reviewer", "bob")
    )
    article_id, ids = article.id, [s.id for s in sentences]
    db.session.commit()

    log_in(page, reviewer)
    page.goto(f"/articles/{article_id}?sentence={ids[2]}")
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))
    expect(page.get_by_label("Disputed")).to_be_checked()

    # States are told in words, not only by colour: the mark text is part of each sentence.
    expected = {
        ids[0]: "",
        ids[1]: "[verified] (1 reviewer)",
        ids[2]: "[disputed] (2 reviewers)",
        ids[3]: "",
        ids[4]: "",
    }
    for sentence_id, words in expected.items():
        expect(page.locator(f"#s{sentence_id} .mark")).to_have_text(
            re.compile(rf"^\s*{re.escape(words)}\s*$")
        )
    marks_read_out = page.evaluate(
        """() => [...document.querySelectorAll('#sentences .mark')].every((m) => {
            const style = getComputedStyle(m);
            return !m.closest('[aria-hidden=true]')
                && style.display !== 'none' && style.visibility !== 'hidden';
        })"""
    )
    assert marks_read_out, "a sentence's state mark is hidden from screen readers or from view"
    expect(page.locator("#sentences a.s").nth(2)).to_have_accessible_name(
        re.compile(r"\[disputed\]")
    )
    expect(page.locator("#progress .progress-text")).to_have_text("2 of 5 reviewed")

    # The save status is announced.
    status = page.locator("#status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_attribute("role", "status")
    page.keyboard.press("a")  # open the details, so a verdict key only chooses
    page.keyboard.press("Escape")
    page.keyboard.press("1")
    expect(status).to_contain_text("Verdict: verified")

    # The details a reviewer opens by keyboard are named too: a new evidence-link row, the help.
    toggle = page.get_by_role("button", name=re.compile("^Details"))
    page.keyboard.press("Escape")  # close the details (the edit is kept as a draft)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("l")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_label("Evidence URL").last).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(page.locator("#help")).to_have_attribute("open", "")
    assert_controls_named(page, "annotation page")
    expect(page.get_by_role("radio", name=re.compile("Verified"))).to_have_count(1)
    expect(page.get_by_role("radio", name=re.compile("Unproven"))).to_have_count(1)
    expect(page.get_by_role("radio", name=re.compile("Disputed"))).to_have_count(1)
    assert_no_serious_violations(page, "annotation page")


def test_article_list_and_login_are_accessible(
    axe_page: Page, reviewer: User, make_article
) -> None:
    page = axe_page
    make_article()
    make_article(
        text="Harbour dredging delayed\n\n"
        "The port said dredging would start in May. Fishermen disagreed.",
        title="Harbour dredging delayed",
    )

    page.goto("/login")
    expect(page.locator("#username")).to_be_visible()
    assert_controls_named(page, "login page")
    assert_no_serious_violations(page, "login page")

    # A failed log-in tells it in text, and the page stays accessible.
    page.fill("#username", "alice")
    page.fill("#password", "wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("main")).to_contain_text(
        re.compile("invalid|incorrect|wrong", re.IGNORECASE)
    )
    assert_no_serious_violations(page, "login page after a failed log-in")

    log_in(page, reviewer)
    page.goto("/")
    expect(page.locator("table.articles tbody tr")).to_have_count(2)
    expect(page.get_by_role("combobox", name="Sort by")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Search titles and outlets")).to_be_visible()
    assert_controls_named(page, "article list")
    assert_no_serious_violations(page, "article list")


def test_annotation_page_on_a_phone_is_accessible(
    new_context: Callable[..., BrowserContext], reviewer: User, make_article
) -> None:
    """The phone layout adds a verdict bar and folds the menu: both must stay named and usable."""
    if not AXE.exists():
        message = f"axe-core is not installed at {AXE}: run `make test`"
        print(message)
        pytest.skip(message)
    page = new_context(
        bypass_csp=True,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    ).new_page()
    article_id = make_article().id
    db.session.commit()
    log_in(page, reviewer)
    page.goto(f"/articles/{article_id}")
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs\b"))
    expect(page.locator("#verdict-bar")).to_be_visible()
    assert_controls_named(page, "annotation page on a phone")
    assert_no_serious_violations(page, "annotation page on a phone")
    page.get_by_text("Menu", exact=True).tap()
    assert_no_serious_violations(page, "annotation page on a phone, menu open")
