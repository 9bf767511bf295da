"""The desk over the API: assignments, queue, status, history, disagreements, agreement, settings."""

from __future__ import annotations

import pytest

from annotator.extensions import db
from annotator.models import Assignment
from annotator.services.annotations.annotations import annotate
from tests.conftest import count


@pytest.fixture
def desk_api(desk, token_for):
    """The desk (conftest) with an API token each: boss, ann, bob and cy."""
    admin, reviewers, stories = desk
    people = {u.username: u for u in reviewers}
    heads = {"boss": token_for(admin)} | {name: token_for(u) for name, u in people.items()}
    return heads, people, stories


def test_assign_queue_continue_and_ready_by_itself(client, desk_api) -> None:
    heads, people, (story, second, _third) = desk_api
    response = client.post(
        f"/api/v1/articles/{story.id}/assignments",
        json={"reviewers": ["ann", "bob"], "due_date": "2026-12-24", "priority": "high"},
        headers=heads["boss"],
    )
    assert response.status_code == 201
    made = response.get_json()["items"]
    assert {a["reviewer"] for a in made} == {"ann", "bob"} and made[0]["priority"] == "high"
    response = client.post(
        "/api/v1/assignments", json={"articles": [second.id], "count": 1}, headers=heads["boss"]
    )
    assert response.get_json()["items"][0]["reviewer"] == "cy"  # the least loaded
    queue = client.get("/api/v1/queue", headers=heads["ann"]).get_json()
    assert [i["article"]["id"] for i in queue["items"]] == [story.id]
    assert queue["next"] == {"article_id": story.id, "sentence_id": story.sentences[0].id}
    for name in ("ann", "bob"):
        for sentence in story.sentences:
            client.post(
                "/api/v1/annotations",
                json={"sentence_id": sentence.id, "verdict": "verified"},
                headers=heads[name],
            )
    assert (
        client.get(f"/api/v1/articles/{story.id}/status", headers=heads["ann"]).get_json()["status"]
        == "ready"
    )
    assert client.get("/api/v1/queue", headers=heads["ann"]).get_json()["next"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reviewers": ["ghost"]}, "reviewers"),
        ({"reviewers": ["ann"], "due_date": "31/12/2026"}, "due_date"),
        ({"reviewers": ["ann"], "due_date": 20261231}, "due_date"),
        ({"reviewers": ["ann", "ann"]}, "reviewers[1]"),
        ({"count": "two"}, "count"),
        ({"reviewers": ["ann"], "colour": "red"}, "colour"),
        ({"reviewers": "ann", "priority": 9}, "priority"),
    ],
)
def test_bad_assignments_get_422_naming_the_field(client, desk_api, body, field) -> None:
    heads, _people, (story, *_rest) = desk_api
    response = client.post(
        f"/api/v1/articles/{story.id}/assignments", json=body, headers=heads["boss"]
    )
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert count(Assignment) == 0


def test_unknown_articles_and_reviewers_assigning_are_refused(client, desk_api) -> None:
    heads, _people, (story, *_rest) = desk_api
    response = client.post(
        "/api/v1/assignments", json={"articles": [story.id, 404], "count": 1}, headers=heads["boss"]
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["articles"] == "there is no article #404."
    assert (
        client.post(
            f"/api/v1/articles/{story.id}/assignments", json={"count": 1}, headers=heads["ann"]
        ).status_code
        == 403
    )
    assert count(Assignment) == 0


def test_stale_assignment_and_status_changes_get_409_and_change_nothing(client, desk_api) -> None:
    heads, _people, (story, *_rest) = desk_api
    [a] = client.post(
        f"/api/v1/articles/{story.id}/assignments",
        json={"reviewers": ["ann"]},
        headers=heads["boss"],
    ).get_json()["items"]
    url = f"/api/v1/assignments/{a['id']}"
    moved = client.patch(url, json={"version": 1, "reviewer": "bob"}, headers=heads["boss"])
    assert moved.status_code == 200 and moved.get_json()["reviewer"] == "bob"
    stale = client.patch(url, json={"version": 1, "priority": "low"}, headers=heads["boss"])
    assert stale.status_code == 409 and stale.get_json()["error"]["current"]["priority"] == "normal"
    assert client.delete(url + "?version=1", headers=heads["boss"]).status_code == 409
    assert client.delete(url + "?version=2", headers=heads["boss"]).status_code == 204
    status_url = f"/api/v1/articles/{story.id}/status"
    version = client.get(status_url, headers=heads["boss"]).get_json()["version"]
    ok = client.put(
        status_url, json={"status": "archived", "version": version}, headers=heads["boss"]
    )
    assert ok.status_code == 200 and ok.get_json()["status"] == "archived"
    stale = client.put(
        status_url, json={"status": "new", "version": version}, headers=heads["boss"]
    )
    assert stale.status_code == 409
    assert client.get(status_url, headers=heads["boss"]).get_json()["status"] == "archived"
    bad = client.put(
        status_url, json={"status": "done", "version": version + 1}, headers=heads["boss"]
    )
    assert bad.status_code == 422 and "status" in bad.get_json()["error"]["fields"]


def test_revisions_and_restore_over_the_api(client, desk_api) -> None:
    heads, people, (story, *_rest) = desk_api
    created = client.post(
        "/api/v1/annotations",
        json={"sentence_id": story.sentences[0].id, "verdict": "verified", "note": "a"},
        headers=heads["ann"],
    ).get_json()
    client.patch(
        f"/api/v1/annotations/{created['id']}",
        json={"version": 1, "verdict": "unproven"},
        headers=heads["ann"],
    )
    client.delete(f"/api/v1/annotations/{created['id']}", headers=heads["ann"])
    url = f"/api/v1/annotations/{created['id']}/revisions"
    history = client.get(url, headers=heads["ann"]).get_json()
    assert [r["action"] for r in history["items"]] == ["deleted", "changed", "created"]
    assert history["items"][1]["changes"] == [
        {"what": "Verdict", "kind": "changed", "before": "verified", "after": "unproven"}
    ]
    assert client.get(url, headers=heads["bob"]).status_code == 403  # blind review
    first = history["items"][-1]["id"]
    restored = client.post(
        f"{url}/{first}/restore", json={"version": history["version"]}, headers=heads["ann"]
    )
    assert restored.status_code == 200
    assert (restored.get_json()["verdict"], restored.get_json()["note"]) == ("verified", "a")
    again = client.post(f"{url}/{first}/restore", json={"version": 1}, headers=heads["ann"])
    assert again.status_code == 409


def test_disagreements_agreement_activity_and_settings(client, desk_api) -> None:
    heads, people, (story, *_rest) = desk_api
    annotate(story.sentences[0], {"verdict": "verified"}, actor=people["ann"])
    annotate(story.sentences[0], {"verdict": "disputed"}, actor=people["bob"])
    annotate(story.sentences[1], {"verdict": "verified"}, actor=people["ann"])
    annotate(story.sentences[1], {"verdict": "verified"}, actor=people["bob"])
    db.session.commit()
    assert client.get("/api/v1/disagreements", headers=heads["ann"]).status_code == 403
    found = client.get("/api/v1/disagreements", headers=heads["boss"]).get_json()
    assert found["total"] == 1 and found["items"][0]["verdicts"] == {
        "ann": "verified",
        "bob": "disputed",
    }
    tables = client.get(f"/api/v1/agreement?article={story.id}", headers=heads["boss"]).get_json()
    assert tables["sentences_compared"] == 2 and tables["percent_agreement"] == 50.0
    assert tables["pairs"][0]["confusion_matrix"] == [[1, 0, 1], [0, 0, 0], [0, 0, 0]]
    assert client.get("/api/v1/agreement?since=soon", headers=heads["boss"]).status_code == 422
    assert client.get("/api/v1/agreement", headers=heads["ann"]).status_code == 403
    log = client.get(f"/api/v1/articles/{story.id}/activity", headers=heads["boss"]).get_json()
    # its import, four judgements and the move to in review; not the other articles' imports
    assert log["total"] == 6 and log["items"][-1]["summary"].startswith("imported")
    assert (
        client.get(f"/api/v1/articles/{story.id}/activity", headers=heads["ann"]).status_code == 403
    )
    closed = client.put(
        "/api/v1/desk/settings",
        json={"reviewers_open_unassigned": False},
        headers=heads["boss"],
    )
    assert closed.get_json()["reviewers_open_unassigned"] is False
    assert client.get(f"/api/v1/articles/{story.id}", headers=heads["ann"]).status_code == 403
    assert (
        client.put(
            "/api/v1/desk/settings",
            json={"reviewers_open_unassigned": "no"},
            headers=heads["boss"],
        ).status_code
        == 422
    )
