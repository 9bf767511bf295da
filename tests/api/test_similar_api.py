"""GET /api/v1/sentences/<id>/similar and matched_from through the API, blind review included."""

from __future__ import annotations

import pytest

from tests.services.annotations.test_similar import FIRST, SECOND, claim_sentence


@pytest.fixture
def two(make_article):
    return make_article(text=FIRST, title="Flood barrier row"), make_article(
        text=SECOND, title="Barrier costs questioned"
    )


def judge(client, headers, sentence_id, **fields):
    body = {
        "sentence_id": sentence_id,
        "verdict": "disputed",
        "attributed_to": "Dana Okafor",
        "note": "private",
        "links": [{"url": "https://www.reuters.com/flood", "credibility": "high"}],
        **fields,
    }
    response = client.post("/api/v1/annotations", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_copying_a_match_records_where_it_came_from(client, two, reviewer, token_for) -> None:
    first, second = two
    alice = token_for(reviewer)
    earlier = judge(client, alice, claim_sentence(first).id)
    target = claim_sentence(second)
    response = client.get(f"/api/v1/sentences/{target.id}/similar", headers=alice)
    assert response.status_code == 200
    body = response.get_json()
    assert body["span"] == {"start": target.start, "end": target.end}
    [match] = body["items"]
    assert match["annotation_id"] == earlier["id"] and match["verdict"] == "disputed"
    assert "note" not in match

    copy = judge(
        client,
        alice,
        target.id,
        verdict=match["verdict"],
        attributed_to=match["attributed_to"],
        links=[{"url": link["url"], "credibility": link["credibility"]} for link in match["links"]],
        matched_from=match["annotation_id"],
    )
    assert copy["matched_from"] == earlier["id"]
    fetched = client.get(f"/api/v1/annotations/{copy['id']}", headers=alice).get_json()
    assert fetched["matched_from"] == earlier["id"]
    patched = client.patch(
        f"/api/v1/annotations/{copy['id']}",
        json={"version": copy["version"], "matched_from": None},
        headers=alice,
    )
    assert patched.status_code == 200 and patched.get_json()["matched_from"] is None


def test_blind_review_holds_for_matches(client, two, reviewer, make_user, admin, token_for) -> None:
    first, second = two
    bob = token_for(make_user("reviewer", "bob"))
    earlier = judge(client, bob, claim_sentence(first).id)
    path = f"/api/v1/sentences/{claim_sentence(second).id}/similar"
    assert client.get(path, headers=token_for(reviewer)).get_json()["items"] == []
    [seen] = client.get(path, headers=token_for(admin)).get_json()["items"]
    assert seen["reviewer"] == "bob"
    refused = client.post(
        "/api/v1/annotations",
        json={
            "sentence_id": claim_sentence(second).id,
            "verdict": "disputed",
            "matched_from": earlier["id"],
        },
        headers=token_for(reviewer),
    )
    assert refused.status_code == 422
    assert "matched_from" in refused.get_json()["error"]["fields"]


def test_a_span_narrows_the_query(client, two, reviewer, token_for) -> None:
    first, second = two
    alice = token_for(reviewer)
    judge(client, alice, claim_sentence(first).id)
    vote = next(s for s in first.sentences if "vote" in s.text)
    judge(client, alice, vote.id, verdict="verified", attributed_to="")
    target = claim_sentence(second)
    words = "the city's flood barrier will cost 48 million dollars"
    start = second.text.index(words)
    path = f"/api/v1/sentences/{target.id}/similar?start={start}&end={start + len(words)}"
    response = client.get(path, headers=alice)
    assert response.status_code == 200
    assert response.get_json()["span"] == {"start": start, "end": start + len(words)}
    [match] = response.get_json()["items"]
    assert "flood barrier" in match["claim"] and match["tier"] == "same"
    # The span's offsets index the span: the shared words are marked in what was asked about.
    assert "flood" in {words[a:b] for a, b in match["shared"]["query"]}
    okafor = second.text.index("Okafor")
    alone = client.get(
        f"/api/v1/sentences/{target.id}/similar?start={okafor}&end={okafor + 6}", headers=alice
    )
    assert alone.get_json()["items"] == []  # one name is not a claim


def test_the_answer_is_what_the_panel_offers_in_the_documented_shape(
    client, two, reviewer, make_user, admin, token_for
) -> None:
    import jsonschema

    first, second = two
    judge(client, token_for(reviewer), claim_sentence(first).id)
    judge(client, token_for(make_user("reviewer", "bob")), claim_sentence(first).id)
    spec = client.get("/api/v1/openapi.json").get_json()
    schema = {"$ref": "#/components/schemas/SimilarClaims", "components": spec["components"]}
    for sentence in second.sentences:
        body = client.get(
            f"/api/v1/sentences/{sentence.id}/similar", headers=token_for(admin)
        ).get_json()
        jsonschema.validate(body, schema)
        scores = [m["score"] for m in body["items"]]
        assert scores == sorted(scores, reverse=True)
        assert all(m["tier"] in ("same", "related") and m["score"] >= 0.3 for m in body["items"])
        if sentence.id == claim_sentence(second).id:
            [match] = body["items"]  # two reviewers' judgements of one claim: one match
            assert len(match["annotation_ids"]) == 2 and match["tier"] == "same"
        elif "Residents" in sentence.text:
            assert body["items"] == []  # "Residents gathered at the town hall."


def test_admins_set_the_tiers_through_the_desk_settings(client, admin, reviewer, token_for) -> None:
    boss = token_for(admin)
    assert client.get("/api/v1/desk/settings", headers=boss).get_json()["match_related"] > 0
    changed = client.put(
        "/api/v1/desk/settings", json={"match_same_claim": 0.9, "match_related": 0.5}, headers=boss
    )
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["match_same_claim"], changed.get_json()["match_related"]) == (
        0.9,
        0.5,
    )
    for body, field in (
        ({"match_same_claim": 0.9}, "match_related"),
        ({"match_same_claim": 0.4, "match_related": 0.5}, "match_related"),
        ({"match_same_claim": "high", "match_related": 0.5}, "match_same_claim"),
    ):
        refused = client.put("/api/v1/desk/settings", json=body, headers=boss)
        assert refused.status_code == 422
        assert field in refused.get_json()["error"]["fields"]
    forbidden = client.put(
        "/api/v1/desk/settings",
        json={"match_same_claim": 0.9, "match_related": 0.5},
        headers=token_for(reviewer),
    )
    assert forbidden.status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=abc", "start"),
        ("end=-5", "end"),
        ("limit=0", "limit"),
        ("limit=1000", "limit"),
        ("start=0&end=1", "span"),
        ("start=99999999999999999999", "start"),
    ],
)
def test_bad_parameters_get_422_naming_them(client, two, reviewer, token_for, query, field) -> None:
    _, second = two
    response = client.get(
        f"/api/v1/sentences/{claim_sentence(second).id}/similar?{query}",
        headers=token_for(reviewer),
    )
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_unknown_sentence_is_404(client, reviewer, token_for) -> None:
    response = client.get("/api/v1/sentences/999999/similar", headers=token_for(reviewer))
    assert response.status_code == 404


HOSTILE_SENTENCES = [
    'He said "unbalanced barrier cost.',
    "NEAR(barrier cost, 2) and barr* -cost claim:x ^y.",
    "Robert'); DROP TABLE annotations;-- barrier.",
    "Barrier & cost | !okafor <-> foo:* cost.",
    "\u00e9t\u00e9 \u2163 \u00bd \U0001d54f\u200b barrier cost.",
    "Barrier cost " * 700 + ".",
]


@pytest.mark.parametrize("sentence", HOSTILE_SENTENCES)
def test_hostile_sentences_never_give_500(
    client, make_article, reviewer, token_for, sentence
) -> None:
    first = make_article(text=FIRST, title="Flood barrier row")
    alice = token_for(reviewer)
    judge(client, alice, claim_sentence(first).id)
    hostile = make_article(text="Hostile copy\n\n" + sentence, title="Hostile copy")
    for row in hostile.sentences:
        response = client.get(f"/api/v1/sentences/{row.id}/similar", headers=alice)
        assert response.status_code == 200, response.get_json()
