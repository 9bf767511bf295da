"""Article status: moves by itself, by hand with versions, and their audit."""

from __future__ import annotations

import pytest

from annotator.extensions import db
from annotator.models import Annotation
from annotator.services.annotations.annotations import delete_annotation
from annotator.services.desk import assignments, status
from annotator.services.errors import Conflict, Forbidden, Invalid
from annotator.services.review.adjudication import adjudicate
from annotator.services.review.disagreements import disagreements_queue
from tests.conftest import judge_all


def test_article_moves_to_ready_by_itself_and_to_adjudicated_when_settled(desk) -> None:
    admin, (ann, bob, _cy), (story, *_rest) = desk
    assignments.assign([story], reviewers=["ann", "bob"], actor=admin)
    db.session.commit()
    judge_all(story, ann)
    assert status.status_data(story.id)["status"] == "in_review"
    judge_all(story, bob, overrides={1: "disputed"})
    assert status.status_data(story.id)["status"] == "ready"
    items, total = disagreements_queue(viewer=admin)
    assert total == 1 and items[0].sentence_id == story.sentences[1].id
    assert items[0].verdicts == {"ann": "verified", "bob": "disputed"}
    adjudicate(story.sentences[1], "disputed", actor=admin)
    db.session.commit()
    assert status.status_data(story.id)["status"] == "adjudicated"
    assert disagreements_queue(viewer=admin) == ([], 0)


def test_ready_goes_back_to_review_when_a_judgement_is_deleted(desk) -> None:
    admin, (ann, *_), (story, *_rest) = desk
    assignments.assign([story], reviewers=["ann"], actor=admin)
    judge_all(story, ann)
    assert status.status_data(story.id)["status"] == "ready"
    first = db.session.scalars(db.select(Annotation).order_by(Annotation.id)).first()
    delete_annotation(first, actor=ann)
    db.session.commit()
    assert status.status_data(story.id)["status"] == "in_review"


def test_admins_move_by_hand_with_versions(desk) -> None:
    admin, (ann, *_), (story, *_rest) = desk
    status.move(story, "ready", actor=admin, expected_version=0)
    db.session.commit()
    with pytest.raises(Conflict):
        status.move(story, "archived", actor=admin, expected_version=0)
    with pytest.raises(Invalid) as caught:
        status.move(story, "finished", actor=admin, expected_version=1)
    assert "status" in caught.value.fields
    with pytest.raises(Forbidden):
        status.move(story, "archived", actor=ann, expected_version=1)
    db.session.rollback()
    assert status.status_data(story.id) | {"changed_at": None} == {
        "status": "ready",
        "label": "Ready for adjudication",
        "by_hand": True,
        "version": 1,
        "changed_at": None,
    }
