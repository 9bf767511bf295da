"""Exports through the service: the same filters for every format, streaming without N+1 queries."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import event

from annotator.exporters import EXPORTERS, SCHEMA_FILE, schema_text
from annotator.extensions import db
from annotator.services.annotations.annotations import annotate, update_annotation
from annotator.services.errors import Invalid
from annotator.services.exchange import exports


def run(viewer, format_name="csv", **params):
    flt = exports.parse_filter(params)
    options = exports.parse_options(params)
    return "".join(exports.export_chunks(format_name, flt, viewer=viewer, options=options))


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def two_stories(make_article, make_user):
    alice, bob = make_user("reviewer", "alice"), make_user("reviewer", "bob")
    one, two = (
        make_article(),
        make_article(text="Other\n\nA second story here. And its end.", title="Other"),
    )
    a = annotate(
        one.sentences[1],
        {"verdict": "disputed", "links": [{"url": "https://low.example/x", "credibility": "low"}]},
        actor=alice,
    )
    db.session.flush()
    update_annotation(a, {"note": "edited"}, actor=alice, expected_version=1)
    annotate(
        one.sentences[2],
        {
            "verdict": "verified",
            "links": [{"url": "https://high.example/x", "credibility": "high"}],
        },
        actor=bob,
    )
    annotate(two.sentences[1], {"verdict": "unproven"}, actor=alice)
    db.session.commit()
    return {"alice": alice, "bob": bob, "one": one, "two": two}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"disputed", "verified", "unproven"}),
        ({"verdict": "disputed,verified"}, {"disputed", "verified"}),
        ({"verdict": ["disputed", "unproven"]}, {"disputed", "unproven"}),
        ({"reviewer": "bob"}, {"verified"}),
        ({"reviewer": "alice,bob", "verdict": "unproven"}, {"unproven"}),
        ({"credibility": "low"}, {"disputed"}),
        ({"credibility": "high,medium"}, {"verified"}),
        (
            {"since": "2000-01-01", "until": datetime.now(UTC).date().isoformat()},
            {"disputed", "verified", "unproven"},
        ),
        ({"until": "2000-01-01"}, set()),
    ],
)
def test_filters_apply_to_every_format(two_stories, admin, params, expected):
    for format_name in EXPORTERS:
        text = run(admin, format_name, **params)
        if format_name == "csv":
            found = {row["verdict"] for row in csv_rows(text)}
        elif format_name == "jsonl":
            found = {json.loads(line)["verdict"] for line in text.splitlines()}
        elif format_name == "json":
            found = {
                a["verdict"]
                for art in json.loads(text)["articles"]
                for s in art["sentences"]
                for a in s["annotations"]
            }
        elif format_name == "jsonld":
            items = json.loads(text)["first"]["items"]
            found = {
                b["value"] for i in items for b in i["body"] if b.get("purpose") == "assessing"
            }
        else:
            found = {r["reviewRating"]["alternateName"].lower() for r in json.loads(text)["@graph"]}
        assert found == expected, format_name


def test_article_filter_and_a_reviewer_sees_only_their_own(two_stories):
    rows = csv_rows(run(two_stories["alice"], article=str(two_stories["one"].id)))
    assert [r["verdict"] for r in rows] == [
        "disputed"
    ]  # bob's verdict on the same article is not alice's to see
    assert rows[0]["revision_count"] == "2"  # created, then edited


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"verdict": "maybe"}, "verdict"),
        ({"credibility": "great"}, "credibility"),
        ({"article": "one"}, "article"),
        ({"since": "yesterday"}, "since"),
        ({"rows": "cells"}, "rows"),
        ({"bom": "perhaps"}, "bom"),
    ],
)
def test_bad_parameters_name_the_field(two_stories, admin, params, field):
    with pytest.raises(Invalid) as caught:
        run(admin, **params)
    assert field in caught.value.fields


def test_rows_per_sentence_include_unannotated_sentences_and_articles(
    two_stories, admin, make_article
):
    empty = make_article(text="Quiet\n\nNothing to see. Really nothing.", title="Quiet")
    rows = csv_rows(run(admin, rows="sentences"))
    total = sum(len(a.sentences) for a in (two_stories["one"], two_stories["two"], empty))
    annotated_sentences = 3
    assert len(rows) == total  # every annotation sits on its own sentence here
    assert sum(1 for r in rows if r["annotation_id"]) == annotated_sentences
    assert {r["article_title"] for r in rows} == {
        "Council approves flood barrier",
        "Other",
        "Quiet",
    }
    assert [int(r["sentence_index"]) for r in rows if r["article_id"] == str(empty.id)] == [0, 1, 2]
    only = csv_rows(run(admin, rows="sentences", article=str(empty.id)))
    assert len(only) == len(empty.sentences) and not any(r["verdict"] for r in only)


def test_json_from_the_database_validates_and_keeps_strings(two_stories, admin):
    validator = Draft202012Validator(json.loads(schema_text(SCHEMA_FILE)))
    for params in ({}, {"include_history": "1", "all_articles": "1"}):
        document = json.loads(run(admin, "json", **params))
        assert not [e.message for e in validator.iter_errors(document)]
    history = [
        a["history"]
        for art in document["articles"]
        for s in art["sentences"]
        for a in s["annotations"]
    ]
    assert sorted(len(h) for h in history) == [1, 1, 2]


def test_export_streams_with_a_fixed_number_of_queries(app, make_article, make_user, admin):
    """No N+1: the query count does not grow with the annotations (here 1 vs 60, across 1 vs 3 articles)."""
    alice = make_user("reviewer", "alice")

    def annotate_all(article):
        for sentence in article.sentences:
            for _ in range(5):
                annotate(
                    sentence,
                    {
                        "verdict": "verified",
                        "links": [{"url": "https://e.example/", "credibility": "high"}],
                    },
                    actor=alice,
                )

    text = "Title\n\n" + " ".join(f"Sentence number {i} is here." for i in range(3))
    first = make_article(text=text, title="First")
    annotate(first.sentences[0], {"verdict": "verified"}, actor=alice)
    db.session.commit()

    def count_queries(format_name: str) -> int:
        statements: list[str] = []

        def listen(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            run(admin, format_name, include_history="1")
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        return len(statements)

    few = {name: count_queries(name) for name in EXPORTERS}
    for n in range(2):
        annotate_all(make_article(text=text.replace("Sentence", f"Line{n}"), title=f"More {n}"))
    annotate_all(first)
    db.session.commit()
    many = {name: count_queries(name) for name in EXPORTERS}
    for name in EXPORTERS:
        assert many[name] <= few[name] + 2, (
            name,
            few[name],
            many[name],
        )  # articles load in batches, not one by one


def test_times_are_utc_iso_and_until_covers_the_whole_day(two_stories, admin):
    rows = csv_rows(run(admin))
    stamp = datetime.fromisoformat(rows[0]["updated_at"])
    assert stamp.utcoffset() == timedelta(0)
    assert len(csv_rows(run(admin, until=stamp.date().isoformat()))) == 3
