"""Batch import: one transaction per article, duplicates skipped, failures reported, preview stores nothing."""

from __future__ import annotations

import json

import pytest

from annotator.extensions import db
from annotator.importers import ImportFailure
from annotator.models import Article, Sentence
from annotator.services.articles import articles
from annotator.services.errors import Duplicate
from annotator.services.exchange import imports
from tests.conftest import SAMPLE_TEXT


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _jsonl(*items: dict) -> bytes:
    return "\n".join(json.dumps(item) for item in items).encode()


def test_batch_keeps_good_articles_reports_bad_and_duplicates_by_line(app, admin):
    data = _jsonl(
        {"title": "One", "text": "First article. It has two sentences."},
        {"title": "x" * 100_000, "text": "A title far too long."},
        {"title": "Three", "text": "Third article here."},
        {
            "title": "Again",
            "text": "first   ARTICLE. It has two sentences.",
        },  # same normalised text
        {"title": "Bad link", "text": "Fifth.", "url": "javascript:alert(1)"},
    )
    report = imports.import_sources(imports.sources_from_file(data, "batch.jsonl"), actor=admin)
    assert [(o.where, o.status) for o in report.outcomes] == [
        ("batch.jsonl, line 1", "imported"),
        ("batch.jsonl, line 2", "failed"),
        ("batch.jsonl, line 3", "imported"),
        ("batch.jsonl, line 4", "duplicate"),
        ("batch.jsonl, line 5", "failed"),
    ]
    assert "100,000 characters" in report.outcomes[1].message
    assert "http" in report.outcomes[4].message
    assert report.summary() == "Imported 2, duplicates skipped 1, failed 2"
    assert sorted(db.session.scalars(db.select(Article.title))) == ["One", "Three"]
    assert _count(Sentence) == 3


def test_forced_duplicates_are_imported(app, admin, make_article):
    make_article(text=SAMPLE_TEXT)
    sources = [imports.ImportItem("again.txt", {"title": "Again", "text": SAMPLE_TEXT})]
    assert imports.import_sources(sources, actor=admin).outcomes[0].status == "duplicate"
    assert imports.import_sources(sources, actor=admin, force=True).outcomes[0].status == "imported"
    assert _count(Article) == 2


WIRE = {"title": "Barrier vote", "text": "The council voted.", "external_id": "wire-42"}


@pytest.mark.parametrize(
    ("new", "duplicate"),
    [
        ({"title": "Update", "text": "The council voted 7-2.", "external_id": "wire-42"}, True),
        (
            {
                "title": "Update",
                "text": "New words.",
                "url": "https://example.org/other",
                "external_id": "wire-42",
            },
            True,
        ),
        ({"title": "Other", "text": "The council voted 7-2.", "external_id": "wire-43"}, False),
        ({"title": "Other", "text": "The council voted 7-2."}, False),
    ],
    ids=["same id", "same id, new url", "other id", "no id"],
)
def test_duplicates_by_external_id(app, admin, new, duplicate):
    existing = articles.create_article(WIRE, actor=admin)
    db.session.commit()
    found = articles.find_duplicate(articles.clean_article_fields(new))
    assert (found.id if found else None) == (existing.id if duplicate else None)
    outcome = imports.import_one(imports.ImportItem("new.json", new), actor=admin)
    assert outcome.status == ("duplicate" if duplicate else "imported")
    assert _count(Article) == (1 if duplicate else 2)
    if duplicate:
        assert outcome.article_id == existing.id
        assert outcome.message == f"This article is already here as #{existing.id} “Barrier vote”."


def test_duplicate_external_id_is_refused_unless_forced(app, admin):
    existing = articles.create_article(WIRE, actor=admin)
    db.session.commit()
    update = {"title": "Update", "text": "Entirely new words here.", "external_id": "wire-42"}
    with pytest.raises(Duplicate) as caught:
        articles.create_article(update, actor=admin)
    assert caught.value.existing_id == existing.id
    db.session.rollback()
    assert _count(Article) == 1 and _count(Sentence) == 1
    forced = articles.create_article(update, actor=admin, force=True)
    db.session.commit()
    assert forced.external_id == "wire-42" and _count(Article) == 2


def test_duplicate_external_id_within_one_batch_and_after_a_delete(app, admin):
    data = _jsonl(WIRE, {"title": "Again", "text": "Other words.", "external_id": "wire-42"})
    report = imports.import_sources(imports.sources_from_file(data, "batch.jsonl"), actor=admin)
    assert [o.status for o in report.outcomes] == ["imported", "duplicate"]
    assert report.outcomes[1].where == "batch.jsonl, line 2"
    # a deleted article no longer counts: its id can be imported again
    articles.delete_article(db.session.get(Article, report.outcomes[0].article_id), actor=admin)
    db.session.commit()
    (source,) = imports.sources_from_file(_jsonl(WIRE), "again.jsonl")
    assert imports.preview(source).duplicate_id is None
    assert imports.import_one(source, actor=admin).status == "imported"


def test_preview_reports_a_duplicate_external_id_without_storing(app, admin):
    existing = articles.create_article(WIRE, actor=admin)
    db.session.commit()
    preview = imports.preview(
        imports.ImportItem(
            "new.json", {"title": "New", "text": "New words.", "external_id": "wire-42"}
        )
    )
    assert (preview.duplicate_id, preview.duplicate_title) == (existing.id, "Barrier vote")
    assert _count(Article) == 1


def test_html_field_is_stored_as_its_words_only(app, admin):
    html = (
        '<p>Read <a href="javascript:evil(1)">the report</a>.</p>'
        '<img src=x onerror="evil(2)"><script>evil(3)</script><p>Second paragraph.</p>'
    )
    data = _jsonl({"title": "From a scraper", "html": html})
    (outcome,) = imports.import_sources(
        imports.sources_from_file(data, "scraped.jsonl"), actor=admin
    ).outcomes
    assert outcome.status == "imported"
    stored = db.session.scalar(db.select(Article.text))
    assert stored == "Read the report.\n\nSecond paragraph."


def test_missing_title_from_a_first_line_too_long_is_refused_not_cut(app, admin):
    (source,) = imports.sources_from_file(
        json.dumps({"text": "W" * 600 + "\n\nBody."}).encode(), "a.json"
    )
    assert imports.preview(source).problems == {
        "title": "Title is 600 characters long; the limit is 500."
    }
    outcome = imports.import_one(source, actor=admin)
    assert (outcome.status, outcome.message) == (
        "failed",
        "title: Title is 600 characters long; the limit is 500.",
    )
    assert _count(Article) == 0


def test_missing_title_comes_from_the_first_line(app, admin):
    (source,) = imports.sources_from_file(
        b'{"text": "\\n  Headline here\\nBody text follows."}', "a.json"
    )
    outcome = imports.import_one(source, actor=admin)
    assert outcome.status == "imported"
    assert outcome.title == "Headline here"


def test_failure_midway_keeps_what_came_before(app, admin, monkeypatch):
    from annotator.services.articles import articles

    real = articles.create_article
    calls = []

    def flaky(data, **kwargs):
        calls.append(data["title"])
        article = real(data, **kwargs)
        if len(calls) == 3:
            db.session.flush()
            raise articles.Invalid({"text": "simulated failure after the sentences were flushed"})
        return article

    monkeypatch.setattr(articles, "create_article", flaky)
    sources = [
        imports.ImportItem(f"f{i}.txt", {"title": f"T{i}", "text": f"Article number {i}. Done."})
        for i in range(5)
    ]
    report = imports.import_sources(sources, actor=admin)
    assert [o.status for o in report.outcomes] == [
        "imported",
        "imported",
        "failed",
        "imported",
        "imported",
    ]
    assert report.failures[0].where == "f2.txt"
    assert sorted(db.session.scalars(db.select(Article.title))) == ["T0", "T1", "T3", "T4"]
    assert _count(Sentence) == 8  # nothing of T2 is half-stored


def test_preview_splits_flags_problems_and_duplicates_without_storing(app, admin, make_article):
    existing = make_article(text=SAMPLE_TEXT, url="https://example.org/barrier")
    before = (_count(Article), _count(Sentence))
    good = imports.preview(
        imports.ImportItem("new.txt", {"title": "New", "text": "One here. Two here.\n\nThree."})
    )
    assert [(s.paragraph, s.text) for s in good.sentences] == [
        (0, "One here."),
        (0, "Two here."),
        (1, "Three."),
    ]
    assert [len(group) for group in good.paragraphs] == [2, 1]
    assert not good.problems and good.duplicate_id is None
    same_url = imports.preview(
        imports.ImportItem(
            "dup.txt",
            {"title": "Dup", "text": "Other words.", "url": "https://example.org/barrier"},
        )
    )
    assert same_url.duplicate_id == existing.id
    bad = imports.preview(
        imports.ImportItem("bad.txt", {"title": "t" * 600, "text": "", "published_at": "yesterday"})
    )
    assert set(bad.problems) == {"title", "text", "published_at"}
    assert (_count(Article), _count(Sentence)) == before


def test_unreadable_file_outcome_names_file_and_line(app):
    outcome = imports.failed_file(
        ImportFailure("batch.csv", "a field is too long.", line=7), "batch.csv"
    )
    assert (outcome.where, outcome.status, outcome.message) == (
        "batch.csv, line 7",
        "failed",
        "a field is too long.",
    )
