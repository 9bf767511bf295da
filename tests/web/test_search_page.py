"""The search page and GET /api/v1/search as people and programs use them."""

from __future__ import annotations

import pytest

from annotator.extensions import db
from annotator.services.annotations.annotations import annotate
from tests.conftest import login

STORY = "Kherson\n\nUnproven footage showed soldiers crossing the river. The bridge <b>was</b> destroyed."


@pytest.fixture
def story(app, make_article, make_user):
    alice, bob = make_user("reviewer", "alice"), make_user("reviewer", "bob")
    article = make_article(text=STORY, title="Kherson")
    annotate(article.sentences[1], {"verdict": "unproven", "note": "alice note"}, actor=alice)
    annotate(
        article.sentences[1], {"verdict": "disputed", "note": "bob hidden note footage"}, actor=bob
    )
    db.session.commit()
    return article


def test_the_page_finds_the_phrase_marks_it_and_links_to_the_sentence(story, client) -> None:
    login(client, "alice")
    html = client.get('/search?q="unproven footage"').get_data(as_text=True)
    assert "<mark>Unproven</mark> <mark>footage</mark>" in html
    sentence = story.sentences[1]
    assert f"/articles/{story.id}?sentence={sentence.id}" in html
    assert (
        "bob hidden note" not in html and "badge-disputed" not in html and "badge-unproven" in html
    )
    assert "1 result" in html or "results" in html


def test_the_page_explains_a_query_it_cannot_search(story, client) -> None:
    login(client, "alice")
    response = client.get("/search?q=-footage&searched=1")
    assert response.status_code == 422
    assert "not only what to leave out" in response.get_data(as_text=True)
    assert client.get("/search?q=x&kind=tweets").status_code == 422
    assert client.get("/search?q=x&offset=²").status_code == 422


def test_escaping_in_results(story, client) -> None:
    login(client, "alice")
    html = client.get("/search?q=bridge").get_data(as_text=True)
    assert "&lt;b&gt;was&lt;/b&gt;" in html and "<b>was</b>" not in html


def test_api_search_pages_with_items_and_next(
    story, client, make_article, token_for, admin
) -> None:
    for n in range(5):
        make_article(text=f"Story {n}\n\nThe river rose in town {n}.", title=f"Story {n}")
    headers = token_for(admin)
    first = client.get("/api/v1/search?q=river&limit=3", headers=headers)
    assert first.status_code == 200
    body = first.get_json()
    assert len(body["items"]) == 3 and body["total"] == 6 and body["next"]
    second = client.get(body["next"], headers=headers).get_json()
    assert {i["id"] for i in second["items"]}.isdisjoint({i["id"] for i in body["items"]})
    item = body["items"][0]
    assert {"kind", "id", "article_id", "sentence_id", "context", "highlights", "verdicts"} <= set(
        item
    )
    bad = client.get("/api/v1/search?q=", headers=headers)
    assert bad.status_code == 422 and "q" in bad.get_json()["error"]["fields"]


def test_api_search_keeps_blind_review(story, client, token_for) -> None:
    from annotator.models import User

    alice = db.session.scalar(db.select(User).where(User.username == "alice"))
    headers = token_for(alice)
    body = client.get("/api/v1/search?q=footage", headers=headers).get_json()
    assert "bob hidden note" not in str(body)
    assert all(v["reviewer"] == "alice" for item in body["items"] for v in item["verdicts"])
    refused = client.get("/api/v1/search?q=footage&reviewer=bob", headers=headers)
    assert refused.status_code == 403


def test_past_the_cap_the_page_and_the_api_say_more_than(
    story, client, make_article, token_for, admin, monkeypatch
) -> None:
    from annotator.services import search as search_service

    for n in range(4):
        make_article(text=f"Story {n}\n\nThe river rose in town {n}.", title=f"Story {n}")
    monkeypatch.setattr(search_service, "COUNT_CAP", 3)
    body = client.get("/api/v1/search?q=river&limit=2", headers=token_for(admin)).get_json()
    assert body["more"] and body["total"] == 3 and body["count"] == "more than 3 results"
    login(client, "alice")
    html = client.get("/search?q=river").get_data(as_text=True)
    assert "More than 3 results, 1–" in html
