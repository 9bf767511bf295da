"""Annotation services: validation, versions, revisions, soft delete, ownership."""

import pytest

from annotator.extensions import db
from annotator.models import Annotation, EvidenceLink, Revision
from annotator.services.annotations import annotations as svc
from annotator.services.audit import history
from annotator.services.errors import Conflict, Forbidden, Invalid
from annotator.services.serialize import annotation_data

GOOD = {
    "verdict": "unproven",
    "attributed_to": "Mayor Dana Okafor",
    "note": "Budget papers say otherwise.",
    "links": [{"url": "https://example.org/budget", "credibility": "high", "stance": "refutes"}],
}


@pytest.fixture
def sentence(make_article):
    return make_article().sentences[1]


def test_annotate_stores_everything_and_writes_a_revision(sentence, reviewer):
    ann = svc.annotate(sentence, GOOD, actor=reviewer)
    db.session.commit()
    assert (ann.verdict, ann.attributed_to, ann.version) == ("unproven", "Mayor Dana Okafor", 1)
    assert [(link.url, link.credibility, link.stance) for link in ann.links] == [
        ("https://example.org/budget", "high", "refutes")
    ]
    (revision,) = history("annotation", ann.id)
    assert (revision.action, revision.actor_id, revision.before) == ("create", reviewer.id, None)
    assert revision.after["verdict"] == "unproven"


def test_update_bumps_version_and_records_before_and_after(sentence, reviewer):
    ann = svc.annotate(sentence, GOOD, actor=reviewer)
    db.session.commit()
    svc.update_annotation(
        ann, {"verdict": "disputed", "links": []}, actor=reviewer, expected_version=1
    )
    db.session.commit()
    assert ann.version == 2 and ann.links == []
    update = history("annotation", ann.id)[-1]
    assert update.before["verdict"] == "unproven" and update.after["verdict"] == "disputed"
    assert update.before["links"][0]["url"] == "https://example.org/budget"
    assert db.session.scalar(db.select(db.func.count()).select_from(EvidenceLink)) == 0


def test_stale_version_is_refused_names_who_saved_last_and_changes_nothing(sentence, reviewer):
    ann = svc.annotate(sentence, GOOD, actor=reviewer)
    db.session.commit()
    svc.update_annotation(ann, {"note": "second"}, actor=reviewer, expected_version=1)
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        svc.update_annotation(ann, {"note": "stale"}, actor=reviewer, expected_version=1)
    db.session.rollback()
    assert caught.value.current["note"] == "second"
    db.session.expire_all()
    assert db.session.get(Annotation, ann.id).note == "second"
    assert len(history("annotation", ann.id)) == 2


def test_missing_version_is_refused(sentence, reviewer):
    ann = svc.annotate(sentence, GOOD, actor=reviewer)
    with pytest.raises(Invalid) as caught:
        svc.update_annotation(ann, {"note": "x"}, actor=reviewer, expected_version=None)
    assert "version" in caught.value.fields


def test_soft_delete_hides_and_restore_brings_back(sentence, reviewer):
    ann = svc.annotate(sentence, GOOD, actor=reviewer)
    db.session.commit()
    svc.delete_annotation(ann, actor=reviewer)
    db.session.commit()
    assert svc.annotations_for_article(sentence.article_id, viewer=reviewer) == []
    assert db.session.get(Annotation, ann.id) is not None  # still stored
    svc.undelete_annotation(ann, actor=reviewer)
    db.session.commit()
    assert svc.annotations_for_article(sentence.article_id, viewer=reviewer) == [ann]
    assert [r.action for r in history("annotation", ann.id)] == ["create", "delete", "restore"]


def test_reviewers_cannot_see_or_change_each_others_work(sentence, make_user):
    alice, bob, boss = make_user(), make_user(), make_user("admin")
    ann = svc.annotate(sentence, GOOD, actor=alice)
    db.session.commit()
    with pytest.raises(Forbidden):
        svc.get_annotation(ann.id, viewer=bob)
    with pytest.raises(Forbidden):
        svc.update_annotation(ann, {"note": "mine now"}, actor=bob, expected_version=1)
    with pytest.raises(Forbidden):
        svc.delete_annotation(ann, actor=boss)  # admins read everything but edit only their own
    assert svc.get_annotation(ann.id, viewer=boss) is ann
    assert svc.annotations_for_article(sentence.article_id, viewer=bob) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"verdict": "true"}, "verdict"),
        ({"verdict": None}, "verdict"),
        ({"links": [{"url": "javascript:alert(1)"}]}, "links[0].url"),
        ({"links": [{"url": "data:text/html,hi"}]}, "links[0].url"),
        ({"links": [{"url": "https://user:pw@example.org/"}]}, "links[0].url"),
        ({"links": [{"url": "https://example.org/" + "a" * 2001}]}, "links[0].url"),
        (
            {"links": [{"url": "https://example.org/", "credibility": "excellent"}]},
            "links[0].credibility",
        ),
        ({"links": [{"url": "https://example.org/", "stance": "maybe"}]}, "links[0].stance"),
        ({"links": "https://example.org"}, "links"),
        ({"attributed_to": "x" * 501}, "attributed_to"),
        ({"note": "x" * 10_001}, "note"),
        ({"span": {"start": 0, "end": 5}}, "span"),
        ({"span": {"start": "a", "end": 5}}, "span"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(sentence, reviewer, changes, field):
    with pytest.raises(Invalid) as caught:
        svc.annotate(sentence, GOOD | changes, actor=reviewer)
    db.session.rollback()
    assert field in caught.value.fields
    assert db.session.scalar(db.select(db.func.count()).select_from(Annotation)) == 0
    assert (
        db.session.scalar(
            db.select(db.func.count()).select_from(Revision).where(Revision.entity == "annotation")
        )
        == 0
    )


def test_span_inside_the_sentence_is_kept(sentence, reviewer):
    start = sentence.start + 4
    ann = svc.annotate(
        sentence, GOOD | {"span": {"start": start, "end": start + 7}}, actor=reviewer
    )
    assert annotation_data(ann)["span"] == {"start": start, "end": start + 7}


def test_saving_without_a_change_writes_no_revision_and_keeps_the_version(sentence, reviewer):
    """A reviewer who presses Enter on a claim they did not touch leaves no empty revision."""
    ann = svc.annotate(sentence, GOOD, actor=reviewer)
    db.session.commit()
    same = annotation_data(ann)
    unchanged = {name: same[name] for name in ("verdict", "attributed_to", "note", "span")}
    unchanged["links"] = same["links"]  # sent back as read, with their ratings
    svc.update_annotation(ann, unchanged, actor=reviewer, expected_version=1)
    db.session.commit()
    assert ann.version == 1
    assert [r.action for r in history("annotation", ann.id)] == ["create"]

    svc.update_annotation(
        ann, {"note": GOOD["note"] + " Checked."}, actor=reviewer, expected_version=1
    )
    db.session.commit()
    assert ann.version == 2
    assert [r.action for r in history("annotation", ann.id)] == ["create", "update"]


def test_claim_words_become_the_selection_that_holds_them_else_their_first_occurrence(
    make_article,
):
    article = make_article(text="The cost rose. The cost rose again, and the cost fell.")
    second = article.sentences[1]
    later = article.text.rindex("the cost")
    assert svc.claim_span(second, "  ") is None
    assert svc.claim_span(second, "the cost", later, later + 8) == {
        "start": later,
        "end": later + 8,
    }
    first = second.start + second.text.index("cost")
    assert svc.claim_span(second, "cost", 0, 4) == {"start": first, "end": first + 4}
    with pytest.raises(Invalid) as caught:
        svc.claim_span(second, "cost fell sharply")
    assert list(caught.value.fields) == ["claim_text"]
