"""Publishing fact-checks: snapshots of the final verdicts, versions, the changelog, withdrawal."""

from __future__ import annotations

import pytest

from annotator.extensions import db
from annotator.services import publishing
from annotator.services.errors import Conflict, Forbidden, Invalid
from annotator.services.review.adjudication import adjudicate


@pytest.fixture
def settled(make_article, admin):
    """An article whose second sentence has a final verdict."""
    article = make_article()
    adjudicate(article.sentences[1], "disputed", "The minutes say 6-3.", actor=admin)
    db.session.commit()
    return article


def test_only_adjudicated_articles_are_published_and_only_by_admins(
    make_article, admin, reviewer, settled
) -> None:
    with pytest.raises(Invalid) as caught:
        publishing.publish(make_article(), actor=admin)
    assert list(caught.value.fields) == ["article"]
    with pytest.raises(Forbidden):
        publishing.publish(settled, actor=reviewer)


def test_a_published_page_shows_the_snapshot_of_its_final_verdicts(settled, admin) -> None:
    pub = publishing.publish(settled, actor=admin)
    db.session.commit()
    page = publishing.public_page(pub.slug)
    assert pub.slug.startswith("council-approves-flood-barrier-")
    [claim] = page.snapshot["claims"]
    assert (claim["verdict"], claim["rationale"]) == ("disputed", "The minutes say 6-3.")
    assert [p.slug for p in publishing.listed_pages()[0]] == [pub.slug]


def test_an_update_says_what_changed_and_a_stale_version_is_a_conflict(settled, admin) -> None:
    pub = publishing.publish(settled, actor=admin)
    db.session.commit()
    read = pub.version
    adjudicate(settled.sentences[1], "verified", "The minutes say 6-3.", actor=admin)
    publishing.publish(settled, actor=admin, expected_version=read)
    db.session.commit()
    assert [summary for _at, summary in publishing.public_page(pub.slug).changes] == [
        "Claim 1, “The council voted 7-2 on Tuesday to build a barrier.”: verdict changed "
        "from Disputed to Verified."
    ]
    with pytest.raises(Conflict):
        publishing.publish(settled, actor=admin, expected_version=read)


def test_an_unlisted_page_is_live_but_not_listed(settled, admin) -> None:
    pub = publishing.publish(settled, actor=admin, listed=False)
    db.session.commit()
    assert pub.slug.startswith("u-")
    assert publishing.listed_pages() == ([], 0)
    assert [p.slug for p in publishing.live_pages()] == [pub.slug]


def test_a_withdrawn_page_is_gone(settled, admin) -> None:
    pub = publishing.publish(settled, actor=admin)
    publishing.unpublish(settled, actor=admin)
    db.session.commit()
    with pytest.raises(publishing.Withdrawn):
        publishing.public_page(pub.slug)
    assert publishing.publication_data(pub)["live"] is False
