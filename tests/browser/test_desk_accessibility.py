"""The desk's pages pass axe-core (no serious or critical violations) and name every control."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from annotator.extensions import db
from annotator.services.annotations.annotations import annotate, update_annotation
from annotator.services.desk import assignments
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import (  # noqa: F401 - axe_page is a fixture
    UNNAMED_CONTROLS,
    assert_no_serious_violations,
    axe_page,
)

pytestmark = pytest.mark.browser


def test_desk_pages_are_accessible(axe_page: Page, make_user, make_article, admin) -> None:  # noqa: F811
    ann, bob = make_user("reviewer", "ann"), make_user("reviewer", "bob")
    story = make_article()
    assignments.assign([story], reviewers=["ann", "bob"], due_date="2026-12-24", actor=admin)
    first = annotate(story.sentences[0], {"verdict": "verified"}, actor=ann)
    annotate(story.sentences[0], {"verdict": "disputed"}, actor=bob)
    db.session.flush()
    update_annotation(first, {"verdict": "unproven"}, actor=ann, expected_version=1)
    article_id, annotation_id = story.id, first.id
    db.session.commit()

    log_in(axe_page, admin)
    for url in (
        "/",
        "/dashboard",
        "/disagreements",
        f"/articles/{article_id}/desk",
        f"/articles/{article_id}/activity",
        "/desk/settings",
        f"/annotations/{annotation_id}/history",
    ):
        axe_page.goto(url)
        assert_no_serious_violations(axe_page, url)
        assert axe_page.evaluate(UNNAMED_CONTROLS) == [], url
    axe_page.context.clear_cookies()  # log out
    log_in(axe_page, ann)
    for url in ("/queue", f"/annotations/{annotation_id}/history"):
        axe_page.goto(url)
        assert_no_serious_violations(axe_page, url)
        assert axe_page.evaluate(UNNAMED_CONTROLS) == [], url
