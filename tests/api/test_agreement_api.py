"""Agreement and final verdicts over the JSON API: admins only, versions checked, errors as envelopes."""

from __future__ import annotations

import pytest

from annotator.extensions import db
from annotator.models import Adjudication
from annotator.services.review.adjudication import get_adjudication


@pytest.fixture
def disagreed(judged):
    """alice and bob disagree on sentence 2 and agree on sentence 3."""
    article, alice, _bob = judged({1: ("verified", "disputed"), 2: ("unproven", "unproven")})
    return article, alice


def count_adjudications() -> int:
    return db.session.scalar(db.select(db.func.count(Adjudication.id)))


def test_admin_reads_the_agreement(client, disagreed, admin, token_for) -> None:
    article, _alice = disagreed
    body = client.get(
        f"/api/v1/articles/{article.id}/agreement", headers=token_for(admin)
    ).get_json()
    assert body["reviewers"] == ["alice", "bob"]
    assert (body["sentences_total"], body["sentences_compared"], body["sentences_agreed"]) == (
        5,
        2,
        1,
    )
    assert body["percent_agreement"] == 50.0
    assert body["kappa_method"] == "cohen"
    # alice V1 U1, bob D1 U1: p_o = 1/2, p_e = 1/4 -> kappa = 1/3
    assert body["kappa"] == pytest.approx(0.3333, abs=1e-4)
    first = body["sentences"][0]
    assert first["agree"] is False and first["verdicts"] == {"alice": "verified", "bob": "disputed"}
    assert first["adjudication"] is None and first["text"].startswith("The council voted")


def test_reviewers_get_403_and_missing_things_404(client, disagreed, token_for) -> None:
    article, alice = disagreed
    headers = token_for(alice)
    sentence = article.sentences[1]
    for method, path, body in (
        ("get", f"/api/v1/articles/{article.id}/agreement", None),
        ("put", f"/api/v1/sentences/{sentence.id}/adjudication", {"verdict": "verified"}),
        ("delete", f"/api/v1/sentences/{sentence.id}/adjudication", None),
    ):
        response = getattr(client, method)(path, json=body, headers=headers)
        assert response.status_code == 403, path
        assert response.get_json()["error"]["code"] == "forbidden"
    assert count_adjudications() == 0
    assert client.get(f"/api/v1/articles/{article.id}/agreement").status_code == 401


def test_put_creates_then_updates_and_a_stale_version_gets_409(
    client, disagreed, admin, token_for
) -> None:
    article, _alice = disagreed
    headers = token_for(admin)
    sentence = article.sentences[1]
    path = f"/api/v1/sentences/{sentence.id}/adjudication"
    response = client.put(
        path, json={"verdict": "disputed", "note": "The vote was 7-2."}, headers=headers
    )
    assert response.status_code == 201
    created = response.get_json()
    assert created | {"created_at": None, "updated_at": None} == {
        "id": created["id"],
        "sentence_id": sentence.id,
        "verdict": "disputed",
        "note": "The vote was 7-2.",
        "adjudicator": "boss",
        "version": 1,
        "created_at": None,
        "updated_at": None,
    }
    response = client.put(path, json={"verdict": "unproven", "version": 1}, headers=headers)
    assert response.status_code == 200 and response.get_json()["version"] == 2

    response = client.put(path, json={"verdict": "verified", "version": 1}, headers=headers)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "conflict" and error["current"]["verdict"] == "unproven"
    db.session.expire_all()
    assert get_adjudication(sentence).verdict == "unproven"

    agreement = client.get(f"/api/v1/articles/{article.id}/agreement", headers=headers).get_json()
    assert agreement["sentences_adjudicated"] == 1
    assert agreement["sentences"][0]["adjudication"]["verdict"] == "unproven"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"verdict": "false"}, "verdict"),
        ({}, "verdict"),
        ({"verdict": "verified", "note": ["a"]}, "note"),
        ({"verdict": "verified", "version": "1"}, "version"),
        ({"verdict": "verified", "reviewer": "x"}, "reviewer"),
    ],
)
def test_bad_bodies_name_the_field_and_change_nothing(
    client, disagreed, admin, token_for, body, field
) -> None:
    article, _alice = disagreed
    response = client.put(
        f"/api/v1/sentences/{article.sentences[1].id}/adjudication",
        json=body,
        headers=token_for(admin),
    )
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert count_adjudications() == 0


def test_unknown_sentences_and_non_json_bodies(client, disagreed, admin, token_for) -> None:
    article, _alice = disagreed
    headers = token_for(admin)
    assert (
        client.put(
            "/api/v1/sentences/99999/adjudication", json={"verdict": "verified"}, headers=headers
        ).status_code
        == 404
    )
    assert client.delete("/api/v1/sentences/99999/adjudication", headers=headers).status_code == 404
    assert client.get("/api/v1/articles/99999/agreement", headers=headers).status_code == 404
    response = client.put(
        f"/api/v1/sentences/{article.sentences[1].id}/adjudication",
        data="verdict=verified",
        headers=headers,
    )
    assert response.status_code == 415
    assert count_adjudications() == 0


def test_delete_clears_with_an_optional_version(client, disagreed, admin, token_for) -> None:
    article, _alice = disagreed
    headers = token_for(admin)
    path = f"/api/v1/sentences/{article.sentences[1].id}/adjudication"
    client.put(path, json={"verdict": "disputed"}, headers=headers)
    assert client.delete(path + "?version=7", headers=headers).status_code == 409
    assert client.delete(path + "?version=x", headers=headers).status_code == 422
    assert count_adjudications() == 1
    assert client.delete(path + "?version=1", headers=headers).status_code == 204
    assert count_adjudications() == 0
    assert client.delete(path, headers=headers).status_code == 404


def test_cookie_writes_need_the_csrf_header(client, disagreed, admin) -> None:
    from tests.conftest import login

    article, _alice = disagreed
    login(client, admin)
    path = f"/api/v1/sentences/{article.sentences[1].id}/adjudication"
    assert client.put(path, json={"verdict": "verified"}).status_code == 400
    assert count_adjudications() == 0
    assert (
        client.put(
            path, json={"verdict": "verified"}, headers={"X-CSRFToken": client.csrf}
        ).status_code
        == 201
    )
