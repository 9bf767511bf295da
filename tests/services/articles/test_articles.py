"""Article services: validation, duplicates, offsets."""

import pytest

from annotator.extensions import db
from annotator.models import Article, Sentence
from annotator.services.articles import articles as svc
from annotator.services.errors import Duplicate, Invalid
from tests.conftest import SAMPLE_TEXT, corpus_file


def test_kherson_offsets_slice_the_text_exactly(app):
    text = corpus_file("kherson-withdrawal.txt").read_text(encoding="utf-8")
    article = svc.create_article({"title": "Kherson", "text": text}, actor=None)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Article, article.id)
    assert stored.text == text  # exactly as imported
    covered = []
    for sentence in stored.sentences:
        piece = text[sentence.start : sentence.end]
        assert piece == piece.strip() and piece
        covered.append(piece)
    assert "".join(covered).replace(" ", "") == "".join(text.split())  # nothing lost
    assert (
        stored.sentences[0].text == "Russia leaves key city for Ukraine, US calls for negotiation"
    )


def test_an_articles_sentences_go_in_as_one_statement(app, sentence_inserts):
    """Not a statement a sentence: SQLite's full-text index writes what it gathered at the end of
    each statement, so an executemany of the sentences doubled the cost of an import."""
    text = " ".join(f"Sentence number {n} says something new." for n in range(300))
    article = svc.create_article({"title": "Many", "text": text}, actor=None)
    db.session.commit()
    assert sentence_inserts == [
        300 * 5
    ]  # one statement with every row's five values, not 300 of them
    stored = db.select(db.func.count()).where(Sentence.article_id == article.id)
    assert db.session.scalar(stored) == article.sentence_count == 300


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "", "text": "Body."}, "title"),
        ({"title": "T", "text": "   "}, "text"),
        ({"title": "T", "text": "x" * 500_001}, "text"),
        ({"title": "x" * 100_000, "text": "Body."}, "title"),
        ({"title": "T", "text": "Body.", "url": "javascript:alert(1)"}, "url"),
        ({"title": "T", "text": "Body.", "published_at": "last Tuesday"}, "published_at"),
        ({"title": "T", "text": "a\x00b"}, "text"),
        ({"title": "T", "text": "Body.", "rating": 5}, "rating"),
    ],
)
def test_bad_articles_are_refused_naming_the_field(app, data, field):
    with pytest.raises(Invalid) as caught:
        svc.create_article(data, actor=None)
    db.session.rollback()
    assert field in caught.value.fields
    assert db.session.scalar(db.select(db.func.count()).select_from(Article)) == 0


def test_duplicates_are_refused_unless_forced(app):
    first = svc.create_article({"title": "A", "text": SAMPLE_TEXT}, actor=None)
    db.session.commit()
    with pytest.raises(Duplicate) as caught:
        svc.create_article({"title": "B", "text": "  " + SAMPLE_TEXT.upper() + "\n"}, actor=None)
    assert caught.value.existing_id == first.id
    db.session.rollback()
    svc.create_article({"title": "B", "text": SAMPLE_TEXT}, actor=None, force=True)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Article)) == 2


def test_list_shows_progress_per_viewer(make_article, make_user):
    from annotator.services.annotations.annotations import annotate

    article = make_article()
    alice, bob = make_user(), make_user()
    annotate(article.sentences[0], {"verdict": "verified"}, actor=alice)
    db.session.commit()
    from annotator.services.articles.listing import list_articles

    (row,) = list_articles(viewer=alice)
    assert (row.sentences, row.reviewed, row.mine) == (len(article.sentences), 1, 1)
    (row,) = list_articles(viewer=bob)
    assert (row.reviewed, row.mine) == (0, 0)
