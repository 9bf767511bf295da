"""Final verdicts in exports: the `adjudicated` filter everywhere, CSV columns, JSON objects, ClaimReview."""

from __future__ import annotations

import csv
import io
import json

import pytest
from jsonschema import Draft202012Validator

from annotator.exporters import SCHEMA_FILE, schema_text
from annotator.exporters.csv_format import COLUMNS
from annotator.extensions import db
from annotator.services import publishing
from annotator.services.annotations.annotations import annotate
from annotator.services.errors import Forbidden, Invalid
from annotator.services.exchange import exports
from annotator.services.review.adjudication import adjudicate
from tests.conftest import login


@pytest.fixture
def adjudicated(make_article, make_user, admin):
    """alice and bob disagree on sentence 1 (adjudicated: disputed); they agree on sentence 2."""
    article = make_article(url="https://news.example/a")
    alice, bob = make_user("reviewer", "alice"), make_user("reviewer", "bob")
    s1, s2 = article.sentences[1], article.sentences[2]
    annotate(s1, {"verdict": "verified"}, actor=alice)
    annotate(s1, {"verdict": "unproven"}, actor=bob)
    annotate(s2, {"verdict": "unproven"}, actor=alice)
    annotate(s2, {"verdict": "unproven"}, actor=bob)
    adjudicate(s1, "disputed", "=SUM(A1) budget papers", actor=admin)
    db.session.commit()
    return article, alice


def run(viewer, format_name="csv", **params):
    flt = exports.parse_filter(params)
    options = exports.parse_options(params)
    return "".join(exports.export_chunks(format_name, flt, viewer=viewer, options=options))


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_appends_the_final_verdict_columns(adjudicated, admin) -> None:
    article, _alice = adjudicated
    assert COLUMNS[-2:] == ("adjudicated_verdict", "adjudicated_by")
    text = run(admin)
    assert text.splitlines()[0].endswith(",adjudicated_verdict,adjudicated_by")
    rows = csv_rows(text)
    by_sentence = {
        (r["sentence_index"], r["reviewer"]): (
            r["verdict"],
            r["adjudicated_verdict"],
            r["adjudicated_by"],
        )
        for r in rows
    }
    assert by_sentence == {
        ("1", "alice"): ("verified", "disputed", "boss"),
        ("1", "bob"): ("unproven", "disputed", "boss"),
        ("2", "alice"): ("unproven", "", ""),
        ("2", "bob"): ("unproven", "", ""),
    }
    sentences = csv_rows(run(admin, rows="sentences"))
    assert [
        (r["sentence_index"], r["adjudicated_verdict"]) for r in sentences if not r["annotation_id"]
    ] == [("0", ""), ("3", ""), ("4", "")]


def test_the_adjudicated_filter_keeps_only_settled_sentences(adjudicated, admin) -> None:
    rows = csv_rows(run(admin, adjudicated="1"))
    assert sorted((r["sentence_index"], r["reviewer"]) for r in rows) == [
        ("1", "alice"),
        ("1", "bob"),
    ]
    assert len(csv_rows(run(admin, adjudicated="0"))) == 4
    lines = run(admin, "jsonl", adjudicated="1").splitlines()
    assert len(lines) == 2


@pytest.mark.parametrize("value", ["maybe", "2", "yes please"])
def test_a_bad_adjudicated_value_names_the_field(adjudicated, value) -> None:
    with pytest.raises(Invalid) as caught:
        exports.parse_filter({"adjudicated": value})
    assert set(caught.value.fields) == {"adjudicated"}


def test_json_carries_the_final_verdict_and_validates(adjudicated, admin) -> None:
    document = json.loads(run(admin, "json", all_articles="1"))
    validator = Draft202012Validator(json.loads(schema_text(SCHEMA_FILE)))
    assert not [e.message for e in validator.iter_errors(document)]
    sentences = document["articles"][0]["sentences"]
    assert [s["adjudication"] is not None for s in sentences] == [False, True, False, False, False]
    final = sentences[1]["adjudication"]
    assert {k: final[k] for k in ("verdict", "note", "adjudicator", "version")} == {
        "verdict": "disputed",
        "note": "=SUM(A1) budget papers",
        "adjudicator": "boss",
        "version": 1,
    }  # JSON keeps strings exactly as stored
    assert final["created_at"].endswith("+00:00")
    bad = json.loads(json.dumps(document))
    bad["articles"][0]["sentences"][1]["adjudication"]["verdict"] = "false"
    assert list(validator.iter_errors(bad))


def test_claimreview_rates_an_adjudicated_sentence_with_its_final_verdict(
    adjudicated, admin
) -> None:
    graph = json.loads(run(admin, "claimreview"))["@graph"]
    ratings = sorted(
        (
            r["author"]["name"],
            r["claimReviewed"][:10],
            r["reviewRating"]["alternateName"],
            r["reviewRating"]["ratingValue"],
        )
        for r in graph
    )
    assert ratings == [  # one review per claim, by the desk, never one per reviewer
        ("Fact-check desk", "Mayor Dana", "Unproven", 2),  # both reviewers agree: no final needed
        ("Fact-check desk", "The counci", "Disputed", 1),  # the desk settled alice's "verified"
    ]
    assert all(r["author"]["@type"] == "Organization" for r in graph)
    settled = next(r for r in graph if r["reviewRating"]["alternateName"] == "Disputed")
    assert settled["reviewBody"] == "=SUM(A1) budget papers"  # the adjudication note
    text = json.dumps(graph)
    assert "alice" not in text and "bob" not in text  # per-reviewer detail stays in JSON and CSV


def test_claimreview_links_the_public_page_once_published_and_never_a_login_page(
    adjudicated, admin
) -> None:
    article, _alice = adjudicated
    unpublished = json.loads(run(admin, "claimreview"))["@graph"]
    assert all("url" not in r and "@id" not in r for r in unpublished)
    assert "/articles/" not in json.dumps(unpublished) and "api/v1" not in json.dumps(unpublished)
    pub = publishing.publish(article, actor=admin)
    db.session.commit()
    graph = json.loads(run(admin, "claimreview"))["@graph"]
    page = f"http://localhost/fact-checks/{pub.slug}"
    settled = next(r for r in graph if r["reviewRating"]["alternateName"] == "Disputed")
    assert settled["url"] == settled["@id"] == page + "#claim-1"
    agreed = next(r for r in graph if r["reviewRating"]["alternateName"] == "Unproven")
    assert agreed["url"] == page  # on the page's article, not one of its settled claims
    publishing.unpublish(article, actor=admin)
    db.session.commit()
    assert all("url" not in r for r in json.loads(run(admin, "claimreview"))["@graph"])


def test_reviewers_exports_leave_final_verdicts_out(adjudicated) -> None:
    _article, alice = adjudicated
    rows = csv_rows(run(alice))
    assert [r["reviewer"] for r in rows] == ["alice", "alice"]
    assert not any(r["adjudicated_verdict"] or r["adjudicated_by"] for r in rows)
    document = json.loads(run(alice, "json"))
    assert all(s["adjudication"] is None for s in document["articles"][0]["sentences"])
    graph = json.loads(run(alice, "claimreview"))["@graph"]  # her own judgements, no final verdict
    assert sorted(r["reviewRating"]["alternateName"] for r in graph) == ["Unproven", "Verified"]
    with pytest.raises(Forbidden):
        run(alice, adjudicated="1")


def test_api_page_and_cli_offer_the_filter(
    adjudicated, admin, client, token_for, runner, tmp_path
) -> None:
    _article, alice = adjudicated
    response = client.get("/api/v1/export?format=csv&adjudicated=1", headers=token_for(admin))
    assert response.status_code == 200 and len(csv_rows(response.get_data(as_text=True))) == 2
    response = client.get("/api/v1/export?format=csv&adjudicated=maybe", headers=token_for(admin))
    assert response.status_code == 422 and "adjudicated" in response.get_json()["error"]["fields"]
    response = client.get("/api/v1/export?format=csv&adjudicated=1", headers=token_for(alice))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"

    login(client, admin)
    assert 'name="adjudicated"' in client.get("/export").get_data(as_text=True)
    page = client.get("/export/download?format=csv&adjudicated=1")
    assert page.status_code == 200 and len(csv_rows(page.get_data(as_text=True))) == 2

    out = tmp_path / "settled.csv"
    result = runner.invoke(args=["export", "--adjudicated", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = csv_rows(out.read_text(encoding="utf-8"))
    assert {r["adjudicated_verdict"] for r in rows} == {"disputed"} and len(rows) == 2


def test_reviewers_do_not_see_the_adjudicated_checkbox(adjudicated, client) -> None:
    _article, alice = adjudicated
    login(client, alice)
    assert 'name="adjudicated"' not in client.get("/export").get_data(as_text=True)
