"""The JSON API end to end through the Flask test client."""

import pytest

from annotator.extensions import db
from annotator.models import Annotation, Article
from tests.conftest import SAMPLE_TEXT, login


@pytest.fixture
def article(make_article):
    return make_article()


def error_of(response):
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "fields"} <= set(body["error"])
    assert body["error"]["message"] and "Traceback" not in body["error"]["message"]
    return body["error"]


def test_script_runs_the_whole_loop_with_a_token(client, admin, reviewer, token_for):
    boss, alice = token_for(admin), token_for(reviewer)
    created = client.post(
        "/api/v1/articles",
        json={
            "title": "Flood barrier",
            "text": SAMPLE_TEXT,
            "outlet": "Daily",
            "published_at": "2026-11-01",
        },
        headers=boss,
    )
    assert created.status_code == 201, created.get_json()
    article = created.get_json()
    assert article["outlet"] == "Daily" and article["published_at"] == "2026-11-01"
    for sentence in article["sentences"]:
        assert article["text"][sentence["start"] : sentence["end"]] == sentence["text"]
    sentence = article["sentences"][1]

    made = client.post(
        "/api/v1/annotations",
        headers=alice,
        json={
            "sentence_id": sentence["id"],
            "verdict": "disputed",
            "attributed_to": "Mayor Dana Okafor",
            "note": "Budget says $52M",
            "links": [{"url": "https://example.org/budget", "credibility": "high"}],
        },
    )
    assert made.status_code == 201, made.get_json()
    ann = made.get_json()
    assert set(ann) == {
        "id",
        "sentence_id",
        "span",
        "verdict",
        "attributed_to",
        "note",
        "links",
        "matched_from",
        "reviewer",
        "version",
        "created_at",
        "updated_at",
    }
    assert ann["links"] == [
        {
            "url": "https://example.org/budget",
            "title": "",
            "credibility": "high",
            "stance": None,
            "credibility_source": "reviewer",
            "override_reason": "",
            "source": None,
        }
    ]

    patched = client.patch(
        f"/api/v1/annotations/{ann['id']}",
        headers=alice,
        json={"verdict": "unproven", "version": 1},
    )
    assert patched.status_code == 200 and patched.get_json()["version"] == 2

    fetched = client.get(f"/api/v1/articles/{article['id']}", headers=alice).get_json()
    assert fetched["sentences"][1]["annotations"][0]["verdict"] == "unproven"

    csv_text = client.get("/api/v1/export?format=csv", headers=alice).get_data(as_text=True)
    assert "Mayor Dana Okafor" in csv_text and "unproven" in csv_text
    exported = client.get(
        f"/api/v1/export?format=json&article={article['id']}", headers=alice
    ).get_json()
    assert exported["articles"][0]["sentences"][1]["annotations"][0]["id"] == ann["id"]

    assert client.delete(f"/api/v1/annotations/{ann['id']}", headers=alice).status_code == 204
    assert client.get(f"/api/v1/annotations/{ann['id']}", headers=alice).status_code == 404
    assert client.post(f"/api/v1/annotations/{ann['id']}/restore", headers=alice).status_code == 200


def test_list_articles_pages_with_next(client, reviewer, token_for, make_article):
    for i in range(3):
        make_article(text=f"Story number {i}. It is short.", title=f"Story {i}")
    headers = token_for(reviewer)
    first = client.get("/api/v1/articles?limit=2", headers=headers).get_json()
    assert len(first["items"]) == 2 and first["next"]
    second = client.get(first["next"], headers=headers).get_json()
    assert len(second["items"]) == 1 and second["next"] is None


def test_stale_version_gets_409_and_changes_nothing(client, reviewer, token_for, article):
    headers = token_for(reviewer)
    ann = client.post(
        "/api/v1/annotations",
        headers=headers,
        json={"sentence_id": article.sentences[0].id, "verdict": "verified"},
    ).get_json()
    client.patch(
        f"/api/v1/annotations/{ann['id']}", headers=headers, json={"note": "first", "version": 1}
    )
    stale = client.patch(
        f"/api/v1/annotations/{ann['id']}", headers=headers, json={"note": "stale", "version": 1}
    )
    assert stale.status_code == 409
    error = error_of(stale)
    assert error["code"] == "conflict" and error["current"]["note"] == "first"
    assert (
        client.get(f"/api/v1/annotations/{ann['id']}", headers=headers).get_json()["note"]
        == "first"
    )


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "field"),
    [
        (
            "post",
            "/api/v1/annotations",
            {"json": {"sentence_id": "SID", "verdict": "maybe"}},
            422,
            "verdict",
        ),
        (
            "post",
            "/api/v1/annotations",
            {
                "json": {
                    "sentence_id": "SID",
                    "verdict": "verified",
                    "links": [{"url": "javascript:alert(1)"}],
                }
            },
            422,
            "links[0].url",
        ),
        (
            "post",
            "/api/v1/annotations",
            {"json": {"sentence_id": 999999, "verdict": "verified"}},
            404,
            None,
        ),
        (
            "post",
            "/api/v1/annotations",
            {"json": {"sentence_id": "7", "verdict": "verified"}},
            422,
            "sentence_id",
        ),
        (
            "post",
            "/api/v1/annotations",
            {"data": "{not json", "content_type": "application/json"},
            400,
            None,
        ),
        ("post", "/api/v1/annotations", {"data": "verdict=verified"}, 415, None),
        ("post", "/api/v1/annotations", {"json": ["a", "list"]}, 422, "body"),
        ("get", "/api/v1/annotations/999999", {}, 404, None),
        ("get", "/api/v1/articles/999999", {}, 404, None),
        ("get", "/api/v1/export?format=xlsx", {}, 422, "format"),
        ("get", "/api/v1/export?verdict=true", {}, 422, "verdict"),
        ("get", "/api/v1/export?since=yesterday", {}, 422, "since"),
        ("get", "/api/v1/nowhere", {}, 404, None),
        ("put", "/api/v1/articles", {}, 405, None),
    ],
)
def test_bad_requests_get_the_error_envelope(
    client, reviewer, token_for, article, method, path, kwargs, status, field
):
    if (
        "json" in kwargs
        and isinstance(kwargs["json"], dict)
        and kwargs["json"].get("sentence_id") == "SID"
    ):
        kwargs = {"json": kwargs["json"] | {"sentence_id": article.sentences[0].id}}
    response = getattr(client, method)(path, headers=token_for(reviewer), **kwargs)
    assert response.status_code == status
    assert response.is_json
    error = error_of(response)
    if field:
        assert field in error["fields"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Annotation)) == 0


GOOD_ARTICLE = {"title": "Flood barrier vote", "text": SAMPLE_TEXT, "url": "https://news.example/a"}


@pytest.mark.parametrize("title", [None, "absent"])
def test_an_article_sent_without_a_title_takes_its_first_line(client, admin, token_for, title):
    body = {"text": "Flood barrier vote delayed\n\nThe council met on Monday. It voted no."}
    if title != "absent":
        body["title"] = title
    response = client.post("/api/v1/articles", headers=token_for(admin), json=body)
    assert response.status_code == 201
    assert response.get_json()["title"] == "Flood barrier vote delayed"


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"title": ""}, "title", "Title is required"),
        ({"title": "   "}, "title", "Title is required"),
        ({"text": ""}, "text", "Text is required"),
        ({"text": "\n\n  \n"}, "text", "Text is required"),
        ({"text": "TOO_LONG"}, "text", "the limit is 500,000"),
        ({"url": "javascript:alert(1)"}, "url", "javascript: are refused"),
        ({"url": "ftp://files.example/a"}, "url", "must start with http:// or https://"),
        ({"summary": "not ours"}, "summary", "is not a field of an article"),
        ({"title": 5}, "title", "must be text"),
        ({"text": ["a", "list"]}, "text", "Text is required"),
        ({"published_at": "yesterday"}, "published_at", "date"),
        ({"url": "https://news.example/" + "ж" * 1000}, "url", "bytes long once encoded"),
    ],
    ids=[
        "empty-title",
        "blank-title",
        "empty-text",
        "blank-text",
        "text-over-limit",
        "javascript-url",
        "ftp-url",
        "unknown-field",
        "title-not-text",
        "text-not-text",
        "bad-date",
        "url-over-2000-bytes",
    ],
)
def test_bad_article_gets_422_naming_the_field_and_stores_nothing(
    app, client, admin, token_for, changes, field, says
):
    if changes.get("text") == "TOO_LONG":
        changes = {"text": "Word. " * (app.config["MAX_ARTICLE_CHARS"] // 6 + 1)}
        assert len(changes["text"]) > app.config["MAX_ARTICLE_CHARS"] == 500_000
    headers = token_for(admin)
    before = db.session.scalar(db.select(db.func.count(Article.id)))
    response = client.post("/api/v1/articles", headers=headers, json=GOOD_ARTICLE | changes)
    assert response.status_code == 422
    assert response.mimetype == "application/json"
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert says in error["fields"][field]
    assert db.session.scalar(db.select(db.func.count(Article.id))) == before
    # the same body, corrected, goes through: the refusal was about that one field
    assert client.post("/api/v1/articles", headers=headers, json=GOOD_ARTICLE).status_code == 201
    assert db.session.scalar(db.select(db.func.count(Article.id))) == before + 1


def test_longest_url_is_stored_and_found_as_a_duplicate(client, admin, token_for):
    """2,000 bytes of URL, most of them non-ASCII, fit the URL index on SQLite and PostgreSQL."""
    url = "https://news.example/" + "ж" * 989  # 21 + 1,978 = 1,999 bytes
    headers = token_for(admin)
    first = client.post("/api/v1/articles", headers=headers, json=GOOD_ARTICLE | {"url": url})
    assert first.status_code == 201 and first.get_json()["url"] == url
    again = client.post(
        "/api/v1/articles", headers=headers, json=GOOD_ARTICLE | {"url": url, "text": "Other."}
    )
    assert again.status_code == 409  # the same URL: a duplicate, found through the index


def test_too_large_body_is_413_json(app, client, reviewer, token_for):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post(
        "/api/v1/annotations", headers=token_for(reviewer), json={"note": "x" * 5000}
    )
    assert response.status_code == 413
    assert "larger than the limit" in error_of(response)["message"]


def test_requests_without_valid_credentials_get_401(client, article):
    assert client.get("/api/v1/articles").status_code == 401
    bad = client.get("/api/v1/articles", headers={"Authorization": "Bearer ann_not-a-real-token"})
    assert bad.status_code == 401 and error_of(bad)["code"] == "unauthorized"
    assert (
        client.get(
            "/api/v1/articles", headers={"Authorization": "Basic YWRtaW46YWRtaW4="}
        ).status_code
        == 401
    )


def test_deactivated_users_token_stops_working(client, reviewer, token_for):
    headers = token_for(reviewer)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    reviewer.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_cookie_session_needs_the_csrf_header_for_writes(client, reviewer, article):
    token = login(client, reviewer)
    body = {"sentence_id": article.sentences[0].id, "verdict": "verified"}
    refused = client.post("/api/v1/annotations", json=body)
    assert refused.status_code == 400 and error_of(refused)["code"] == "csrf_failed"
    assert client.get("/api/v1/me").status_code == 200  # reads need no token
    accepted = client.post("/api/v1/annotations", json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_role_matrix_reviewer_cannot_manage_articles(client, reviewer, admin, token_for, article):
    alice = token_for(reviewer)
    assert (
        client.post(
            "/api/v1/articles", headers=alice, json={"title": "x", "text": "y."}
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"/api/v1/articles/{article.id}", headers=alice, json={"title": "z"}
        ).status_code
        == 403
    )
    assert client.delete(f"/api/v1/articles/{article.id}", headers=alice).status_code == 403
    boss = token_for(admin)
    assert (
        client.patch(
            f"/api/v1/articles/{article.id}", headers=boss, json={"title": "New"}
        ).get_json()["title"]
        == "New"
    )
    text_change = client.patch(f"/api/v1/articles/{article.id}", headers=boss, json={"text": "  "})
    assert text_change.status_code == 422 and "text" in error_of(text_change)["fields"]
    assert (
        client.patch(
            f"/api/v1/articles/{article.id}", headers=alice, json={"text": "Other."}
        ).status_code
        == 403
    )
    assert client.delete(f"/api/v1/articles/{article.id}", headers=boss).status_code == 204
    assert client.get(f"/api/v1/articles/{article.id}", headers=boss).status_code == 404
    assert db.session.get(Article, article.id) is not None  # soft


def test_reviewers_never_see_each_others_annotations(client, make_user, token_for, article):
    alice, bob = make_user(), make_user()
    a, b = token_for(alice), token_for(bob)
    ann = client.post(
        "/api/v1/annotations",
        headers=a,
        json={"sentence_id": article.sentences[0].id, "verdict": "verified", "note": "private"},
    ).get_json()
    assert client.get(f"/api/v1/annotations/{ann['id']}", headers=b).status_code == 403
    assert (
        client.patch(
            f"/api/v1/annotations/{ann['id']}", headers=b, json={"note": "x", "version": 1}
        ).status_code
        == 403
    )
    assert client.delete(f"/api/v1/annotations/{ann['id']}", headers=b).status_code == 403
    seen = client.get(f"/api/v1/articles/{article.id}", headers=b).get_json()
    assert all(s["annotations"] == [] for s in seen["sentences"])
    assert "private" not in client.get("/api/v1/export?format=csv", headers=b).get_data(
        as_text=True
    )


def test_duplicate_article_is_409_with_existing_id(client, admin, token_for, article):
    response = client.post(
        "/api/v1/articles", headers=token_for(admin), json={"title": "Again", "text": article.text}
    )
    assert response.status_code == 409
    assert error_of(response)["existing_id"] == article.id


def test_export_date_filters(client, reviewer, token_for, article):
    headers = token_for(reviewer)
    client.post(
        "/api/v1/annotations",
        headers=headers,
        json={"sentence_id": article.sentences[0].id, "verdict": "verified"},
    )
    recent = client.get("/api/v1/export?format=jsonl&since=2020-01-01", headers=headers)
    assert recent.status_code == 200 and len(recent.get_data(as_text=True).splitlines()) == 1
    old = client.get("/api/v1/export?format=jsonl&until=2020-01-01", headers=headers)
    assert old.status_code == 200 and old.get_data(as_text=True) == ""
    verdict = client.get("/api/v1/export?format=jsonl&verdict=disputed,unproven", headers=headers)
    assert verdict.get_data(as_text=True) == ""


def test_search_keeps_its_query_in_the_next_link(client, reviewer, token_for, make_article):
    for i in range(3):
        make_article(text=f"Flood story {i}. Short.", title=f"Flood {i}")
    make_article(text="Other story. Short.", title="Elections")
    page = client.get("/api/v1/articles?q=flood&limit=2", headers=token_for(reviewer)).get_json()
    assert "q=flood" in page["next"]
    rest = client.get(page["next"], headers=token_for(reviewer)).get_json()
    assert [item["title"] for item in rest["items"]] == ["Flood 0"]


def test_external_id_given_to_the_api_comes_back_in_every_article_answer(client, admin, token_for):
    """The API accepted external_id but never returned it; now every article shape carries it."""
    headers = token_for(admin)
    created = client.post(
        "/api/v1/articles", headers=headers, json=GOOD_ARTICLE | {"external_id": "wire-42"}
    )
    assert created.status_code == 201 and created.get_json()["external_id"] == "wire-42"
    article_id = created.get_json()["id"]
    shown = client.get(f"/api/v1/articles/{article_id}", headers=headers).get_json()
    assert shown["external_id"] == "wire-42"
    listed = client.get("/api/v1/articles", headers=headers).get_json()["items"]
    assert [item["external_id"] for item in listed if item["id"] == article_id] == ["wire-42"]


def test_an_invalid_link_is_named_in_words_and_a_conflict_names_who_saved(
    client, reviewer, token_for, article, reuters
):
    """The page shows the envelope's message as it is: it must speak of "Evidence link 2", not of
    ``links[1].override_reason``; a 409 says who saved last, so the page can tell "you, in another
    tab" from another person."""
    alice = token_for(reviewer)
    sentence_id = article.sentences[1].id
    refused = client.post(
        "/api/v1/annotations",
        headers=alice,
        json={
            "sentence_id": sentence_id,
            "verdict": "disputed",
            "links": [
                {"url": "https://example.org/a"},
                {"url": "https://www.reuters.com/world/x", "credibility": "low"},
            ],
        },
    )
    assert refused.status_code == 422
    error = error_of(refused)
    assert list(error["fields"]) == ["links[1].override_reason"]  # the path, for the page to mark
    assert error["message"].startswith(
        "Evidence link 2: give a reason for overriding the registry's rating"
    )
    assert "links[" not in error["message"] and "override reason" not in error["message"]

    made = client.post(
        "/api/v1/annotations",
        headers=alice,
        json={"sentence_id": sentence_id, "verdict": "verified"},
    ).get_json()
    url = f"/api/v1/annotations/{made['id']}"
    assert client.patch(url, headers=alice, json={"note": "one", "version": 1}).status_code == 200
    stale = client.patch(url, headers=alice, json={"note": "two", "version": 1})
    assert stale.status_code == 409
    error = error_of(stale)
    assert error["current"]["note"] == "one"
    assert error["changed_by"] == reviewer.username
    assert error["changed_at"].startswith("20")
