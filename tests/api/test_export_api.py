"""GET /api/v1/export and the export page: every format, every filter and option, clean errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from annotator.extensions import db
from annotator.services.annotations.annotations import annotate
from tests.conftest import login


@pytest.fixture
def annotated(make_article, reviewer):
    article = make_article(url="https://news.example/council")
    annotate(
        article.sentences[1],
        {
            "verdict": "disputed",
            "attributed_to": "Mayor Dana Okafor",
            "note": "=1+1",
            "links": [{"url": "https://e.example/r", "credibility": "high"}],
        },
        actor=reviewer,
    )
    db.session.commit()
    return article


@pytest.mark.parametrize(
    ("format_name", "media_type", "extension"),
    [
        ("csv", "text/csv", "csv"),
        ("json", "application/json", "json"),
        ("jsonl", "application/x-ndjson", "jsonl"),
        ("jsonld", "application/ld+json", "jsonld"),
        ("claimreview", "application/ld+json", "claimreview.jsonld"),
    ],
)
def test_every_format_downloads(
    client, token_for, reviewer, annotated, format_name, media_type, extension
):
    response = client.get(f"/api/v1/export?format={format_name}", headers=token_for(reviewer))
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Content-Disposition"].endswith(f'.{extension}"')
    body = response.get_data(as_text=True)
    if format_name == "csv":
        (row,) = csv.DictReader(io.StringIO(body, newline=""))
        assert row["note"] == "'=1+1" and row["revision_count"] == "1"
    elif format_name == "jsonl":
        assert json.loads(body)["note"] == "=1+1"
    else:
        document = json.loads(body)
        text = json.dumps(document)
        # ClaimReview is the desk's word: a reviewer's own note stays in JSON and CSV
        assert ("=1+1" in text) == (format_name != "claimreview")
        if format_name == "jsonld":  # IRIs are built on the address the app is served at
            assert document["first"]["items"][0]["id"].startswith(
                "http://localhost/api/v1/annotations/"
            )
        if format_name == "claimreview":
            assert (
                document["@graph"][0]["itemReviewed"]["appearance"]["url"]
                == "https://news.example/council"
            )


def test_claimreview_of_an_unpublished_article_without_url_links_no_page_behind_the_login(
    app, client, token_for, make_article, reviewer
):
    article = make_article(url=None)
    annotate(
        article.sentences[1],
        {"verdict": "unproven", "attributed_to": "the city council"},
        actor=reviewer,
    )
    db.session.commit()
    response = client.get("/api/v1/export?format=claimreview", headers=token_for(reviewer))
    (review,) = response.get_json(force=True)["@graph"]
    item = review["itemReviewed"]
    assert "url" not in item["appearance"] and "url" not in review
    assert f"/articles/{article.id}" not in response.get_data(as_text=True)
    assert item["author"] == {"@type": "Organization", "name": "the city council"}


def test_options_bom_and_rows_per_sentence(client, token_for, reviewer, annotated):
    headers = token_for(reviewer)
    raw = client.get("/api/v1/export?format=csv&bom=1", headers=headers).get_data()
    assert raw.startswith(b"\xef\xbb\xbfannotation_id,")
    body = client.get("/api/v1/export?format=csv&rows=sentences", headers=headers).get_data(
        as_text=True
    )
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert len(rows) == len(annotated.sentences)
    assert [r["verdict"] for r in rows] == ["", "disputed"] + [""] * (len(rows) - 2)
    history = client.get("/api/v1/export?format=json&include_history=1", headers=headers).get_json()
    (ann,) = history["articles"][0]["sentences"][1]["annotations"]
    assert [h["action"] for h in ann["history"]] == ["create"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("format=xml", "format"),
        ("rows=cells", "rows"),
        ("bom=maybe", "bom"),
        ("credibility=great", "credibility"),
        ("include_history=2", "include_history"),
        ("article=abc", "article"),
    ],
)
def test_bad_parameters_get_422_naming_the_field(client, token_for, reviewer, query, field):
    response = client.get(f"/api/v1/export?{query}", headers=token_for(reviewer))
    assert response.status_code == 422
    assert response.mimetype == "application/json"
    assert field in response.get_json()["error"]["fields"]


def test_export_needs_a_login(client):
    assert client.get("/api/v1/export?format=csv").status_code == 401


def test_export_page_offers_every_format_and_filter(client, reviewer, annotated):
    login(client, reviewer)
    page = client.get("/export").get_data(as_text=True)
    for name in ("csv", "json", "jsonl", "jsonld", "claimreview"):
        assert f'value="{name}"' in page
    for name in (
        'name="credibility"',
        'name="rows"',
        'name="bom"',
        'name="include_history"',
        'name="reviewer"',
    ):
        assert name in page
    response = client.get(
        f"/export/download?format=claimreview&credibility=high&article={annotated.id}"
    )
    assert response.status_code == 200
    assert (
        json.loads(response.get_data(as_text=True))["@graph"][0]["reviewRating"]["alternateName"]
        == "Disputed"
    )


@pytest.mark.parametrize("format_name", ["csv", "json", "jsonl", "jsonld", "claimreview"])
def test_download_starts_before_the_export_is_built(
    client, token_for, reviewer, make_article, format_name
):
    """A big export must not be built in memory first: the first bytes leave at once."""
    for n in range(3):
        article = make_article(title=f"Article {n}")
        annotate(article.sentences[1], {"verdict": "unproven"}, actor=reviewer)
    db.session.commit()
    response = client.get(
        f"/api/v1/export?format={format_name}", headers=token_for(reviewer), buffered=False
    )
    assert response.status_code == 200
    assert response.is_streamed
    chunks = iter(response.response)
    first = next(chunks)
    rest = b"".join(chunks)
    response.close()
    assert first and rest, "the export came out in one piece, not streamed"
    assert b"Article 2" not in first  # the last article was not read yet
