"""Public fact-check pages: publish, read as an anonymous visitor, update, withdraw; nothing leaks."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from flask import Flask

from annotator.extensions import db
from annotator.services import publishing
from annotator.services.annotations.annotations import annotate
from annotator.services.review.adjudication import adjudicate
from tests.conftest import login

SECRET_NOTE = "reviewer-private-note-7731"  # noqa: S105 - a marker, not a password
OTHER_NOTE = "bob-thinks-otherwise-4410"


@pytest.fixture
def published(app: Flask, make_article, make_user, admin):
    """An article with three claims: two adjudicated (one against a reviewer), one only annotated."""
    alice, bob = make_user("reviewer", "alice"), make_user("reviewer", "bob")
    article = make_article(outlet="Metro Daily", author="Sam Writer", published_at="2026-11-30")
    first, second, third = article.sentences[1], article.sentences[2], article.sentences[3]
    annotate(
        first,
        {
            "verdict": "verified",
            "attributed_to": "the council",
            "note": SECRET_NOTE,
            "links": [
                {
                    "url": "https://records.example/vote",
                    "title": "Minutes",
                    "credibility": "high",
                    "stance": "supports",
                }
            ],
        },
        actor=alice,
    )
    annotate(
        first,
        {"verdict": "disputed", "note": OTHER_NOTE, "attributed_to": "Bob's guess"},
        actor=bob,
    )
    annotate(second, {"verdict": "unproven", "attributed_to": "Mayor Dana Okafor"}, actor=alice)
    annotate(third, {"verdict": "disputed", "note": "never adjudicated"}, actor=bob)
    adjudicate(first, "verified", "The minutes record a 7-2 vote.", actor=admin)
    adjudicate(second, "unproven", "No budget document yet.", actor=admin)
    db.session.commit()
    pub = publishing.publish(article, actor=admin)
    db.session.commit()
    return {"article": article, "pub": pub, "third": third, "admin": admin}


def test_an_anonymous_visitor_reads_verdicts_rationale_and_evidence(published, client) -> None:
    response = client.get(f"/fact-checks/{published['pub'].slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The minutes record a 7-2 vote." in html and "No budget document yet." in html
    assert "Verified" in html and "Unproven" in html
    assert (
        "https://records.example/vote" in html
        and "credibility: high" in html
        and "supports" in html
    )
    assert "Attributed to: the council" in html and "Attributed to: Mayor Dana Okafor" in html
    assert "Metro Daily" in html and "Sam Writer" in html
    # The summary: counts in text beside the drawn chart.
    assert "<svg" in html and "2 claims checked" in html


def test_public_pages_leak_nothing_unpublished(published, client, make_article, admin) -> None:
    make_article(
        text="Secret draft\n\nA draft nobody may read yet.", title="Unpublished draft title"
    )
    unlisted_article = make_article(
        text="Quiet story\n\nSomething was said here.", title="Unlisted story"
    )
    adjudicate(unlisted_article.sentences[1], "disputed", "Quietly checked.", actor=admin)
    unlisted = publishing.publish(unlisted_article, actor=admin, listed=False)
    db.session.commit()
    urls = _public_urls(client) | {f"/fact-checks/{unlisted.slug}"}
    assert len(urls) >= 3
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        for secret in (
            SECRET_NOTE,
            OTHER_NOTE,
            "Bob's guess",
            "never adjudicated",
            "alice",
            "bob",
            "boss",
            "Unpublished draft title",
            "A draft nobody may read yet.",
        ):
            assert secret not in body, f"{url} shows {secret!r}"
        assert "Set-Cookie" not in response.headers, url
        assert "Content-Security-Policy" in response.headers
        assert "public" in response.headers["Cache-Control"]
        assert response.headers.get("ETag") and response.headers.get("Last-Modified")
        assert not re.search(r"/(articles|api/v1/annotations|sentences)/\d", body), url
    listing = client.get("/fact-checks/").get_data(as_text=True) + client.get(
        "/fact-checks/feed.atom"
    ).get_data(as_text=True)
    assert "Unlisted story" not in listing and unlisted.slug not in listing
    # The claim nobody settled is shown as plain text, not as a verdict.
    page = client.get(f"/fact-checks/{published['pub'].slug}").get_data(as_text=True)
    third = published["third"]
    plain = published["article"].text[third.start : third.end]
    assert plain in page and '<mark class="claim claim-disputed"><a href="#claim-3"' not in page


def test_a_logged_in_admin_reading_a_public_page_gets_no_cookie(published, client) -> None:
    login(client, published["admin"])
    response = client.get(f"/fact-checks/{published['pub'].slug}")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_unpublish_answers_410_and_republish_keeps_the_address(published, client, app) -> None:
    article, admin, slug = published["article"], published["admin"], published["pub"].slug
    publishing.unpublish(article, actor=admin)
    db.session.commit()
    gone = client.get(f"/fact-checks/{slug}")
    assert gone.status_code == 410 and "withdrawn" in gone.get_data(as_text=True)
    assert "Set-Cookie" not in gone.headers
    assert slug not in client.get("/fact-checks/").get_data(as_text=True)
    again = publishing.publish(article, actor=admin)
    db.session.commit()
    assert again.slug == slug and client.get(f"/fact-checks/{slug}").status_code == 200
    assert client.get("/fact-checks/no-such-page").status_code == 404


def test_a_changed_verdict_reaches_readers_with_a_changelog_line_on_update(
    published, client
) -> None:
    article, admin = published["article"], published["admin"]
    adjudicate(
        article.sentences[2],
        "disputed",
        "A budget leak says otherwise.",
        actor=admin,
        expected_version=1,
    )
    db.session.commit()
    url = f"/fact-checks/{published['pub'].slug}"
    before = client.get(url)
    assert "A budget leak says otherwise." not in before.get_data(as_text=True)  # not until updated
    publishing.publish(article, actor=admin)
    db.session.commit()
    after = client.get(url).get_data(as_text=True)
    assert "A budget leak says otherwise." in after
    assert (
        "verdict changed from Unproven to Disputed" in after
        and "Changes since publication" in after
    )
    assert client.get(url, headers={"If-None-Match": before.headers["ETag"]}).status_code == 200


def test_conditional_requests_get_304(published, client) -> None:
    url = f"/fact-checks/{published['pub'].slug}"
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


def test_claimreview_json_ld_for_every_published_claim(published, client) -> None:
    from tests.unit.test_exporters_ld import expand, vocabulary_problems

    url = f"/fact-checks/{published['pub'].slug}"
    html = client.get(url).get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    reviews = [json.loads(block) for block in blocks]
    assert [r["reviewRating"]["alternateName"] for r in reviews] == ["Verified", "Unproven"]
    for review in reviews:
        assert review["url"].endswith(url + "#claim-" + review["url"].rsplit("-", 1)[1])
        assert review["author"]["@type"] == "Organization"
        (expanded,) = expand(review)
        assert vocabulary_problems(expanded) == []
    assert '<link rel="canonical" href="http://localhost' + url in html
    assert 'property="og:title"' in html and 'name="twitter:card"' in html


def test_publishing_needs_an_adjudicated_claim(app, make_article, admin) -> None:
    article = make_article()
    from annotator.services.errors import Invalid

    with pytest.raises(Invalid) as error:
        publishing.publish(article, actor=admin)
    assert "adjudicated" in error.value.fields["article"]


def test_reviewers_cannot_publish(app, make_article, reviewer) -> None:
    from annotator.services.errors import Forbidden

    with pytest.raises(Forbidden):
        publishing.publish(make_article(), actor=reviewer)


def test_the_feed_is_atom_with_the_listed_pages(published, client) -> None:
    import xml.etree.ElementTree as ET

    response = client.get("/fact-checks/feed.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.get_data())  # noqa: S314 - our own feed
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.text for e in root.findall("a:entry/a:title", ns)]
    assert titles == ["Fact-check: Council approves flood barrier"]


def test_the_index_pages_through_everything(app, client, make_article, admin) -> None:
    for number in range(publishing.PAGE_SIZE + 3):
        article = make_article(
            text=f"Story {number}\n\nClaim number {number} was made.", title=f"Story {number}"
        )
        adjudicate(article.sentences[1], "verified", "", actor=admin)
        publishing.publish(article, actor=admin)
    db.session.commit()
    first = client.get("/fact-checks/").get_data(as_text=True)
    second = client.get("/fact-checks/?page=2").get_data(as_text=True)
    assert first.count("<li><a href=") == publishing.PAGE_SIZE and second.count("<li><a href=") == 3
    assert 'rel="next"' in first and 'rel="prev"' in second
    for bad in ("0", "x", "²", "99999999999999999999"):
        assert client.get(f"/fact-checks/?page={bad}").status_code == 404


def test_admin_page_publishes_and_withdraws(published, client) -> None:
    token = login(client, published["admin"])
    article = published["article"]
    page = client.get(f"/articles/{article.id}/publication").get_data(as_text=True)
    assert published["pub"].slug in page and "Unpublish" in page
    response = client.post(
        f"/articles/{article.id}/publication/withdraw", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert client.get(f"/fact-checks/{published['pub'].slug}").status_code == 410
    response = client.post(
        f"/articles/{article.id}/publication", data={"csrf_token": token, "visibility": "listed"}
    )
    assert response.status_code == 302
    assert client.get(f"/fact-checks/{published['pub'].slug}").status_code == 200


def test_reviewers_get_403_on_the_admin_page(published, client) -> None:
    login(client, "alice")
    assert client.get(f"/articles/{published['article'].id}/publication").status_code == 403


def test_api_publish_and_withdraw_with_versions(
    app, client, make_article, admin, token_for
) -> None:
    headers = token_for(admin)
    article = make_article()
    assert (
        client.put(
            f"/api/v1/articles/{article.id}/publication", json={}, headers=headers
        ).status_code
        == 422
    )
    adjudicate(article.sentences[1], "verified", "Checked.", actor=admin)
    db.session.commit()
    created = client.put(
        f"/api/v1/articles/{article.id}/publication", json={"listed": True}, headers=headers
    )
    assert created.status_code == 201
    state = created.get_json()
    assert state["live"] and state["url"].endswith("/fact-checks/" + state["slug"])
    stale = client.put(
        f"/api/v1/articles/{article.id}/publication",
        json={"version": state["version"] + 5},
        headers=headers,
    )
    assert stale.status_code == 409
    bad = client.put(
        f"/api/v1/articles/{article.id}/publication", json={"listed": "yes"}, headers=headers
    )
    assert bad.status_code == 422 and "listed" in bad.get_json()["error"]["fields"]
    assert (
        client.delete(
            f"/api/v1/articles/{article.id}/publication?version=²", headers=headers
        ).status_code
        == 422
    )
    assert (
        client.delete(f"/api/v1/articles/{article.id}/publication", headers=headers).status_code
        == 204
    )
    assert client.get(f"/fact-checks/{state['slug']}").status_code == 410
    assert (
        client.delete(f"/api/v1/articles/{article.id}/publication", headers=headers).status_code
        == 404
    )


def _public_urls(client) -> set[str]:
    """Every public URL reachable from the index and the feed (what a crawler would find)."""
    seen: set[str] = set()
    queue = ["/fact-checks/", "/fact-checks/feed.atom"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        body = client.get(url).get_data(as_text=True)
        for href in _Links.of(body):
            href = href.split("#")[0].replace("http://localhost", "")
            if href.startswith("/fact-checks") and href not in seen:
                queue.append(href)
    return seen


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "href" and value:
                self.found.append(value)

    @classmethod
    def of(cls, html: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        return parser.found


def test_the_byline_setting_names_who_settled_each_claim(published, client, app) -> None:
    url = f"/fact-checks/{published['pub'].slug}"
    assert "Settled by" not in client.get(url).get_data(as_text=True)
    token = login(client, published["admin"])
    app.config["PUBLIC_BYLINE"] = True
    article_id = published["article"].id
    client.post(
        f"/articles/{article_id}/publication", data={"csrf_token": token, "visibility": "listed"}
    )
    client.post("/logout", data={"csrf_token": token})
    assert "Settled by boss" in client.get(url).get_data(as_text=True)


def test_the_listing_reads_every_page_in_a_fixed_number_of_queries(
    app, make_article, admin
) -> None:
    """The index, the feed and the static site cost the same queries for 1 page as for 5."""
    from sqlalchemy import event

    def queries_for_listing() -> int:
        db.session.expire_all()
        seen: list[str] = []

        def count(*_args: object) -> None:
            seen.append("query")

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            pages, _ = publishing.listed_pages(1)
            assert all(isinstance(page.changes, list) for page in pages)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    counts = []
    for number in range(5):
        article = make_article(
            text=f"Story {number}\n\nClaim {number} was made.", title=f"S{number}"
        )
        adjudicate(article.sentences[1], "verified", "", actor=admin)
        publishing.publish(article, actor=admin)
        db.session.commit()
        if number in (0, 4):
            counts.append(queries_for_listing())
    assert counts[0] == counts[1]
