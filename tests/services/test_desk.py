"""Running a desk: assignments, queues, Continue, article status moves and their audit."""

from __future__ import annotations

from datetime import date

import pytest

from annotator.extensions import db
from annotator.models import Annotation, Assignment, Revision
from annotator.services.accounts.users import set_active
from annotator.services.annotations.annotations import annotate, delete_annotation, get_sentence
from annotator.services.desk import assignments, queue, status
from annotator.services.errors import Conflict, Forbidden, Invalid
from annotator.services.review.adjudication import adjudicate
from annotator.services.review.disagreements import disagreements_queue
from tests.conftest import count


@pytest.fixture
def desk(make_user, make_article, admin):
    """Three reviewers and three articles (four sentences each)."""
    people = [make_user("reviewer", name) for name in ("ann", "bob", "cy")]
    articles = [make_article(title=f"Story {i}") for i in range(3)]
    return admin, people, articles


def judge_all(article, reviewer, verdict="verified", overrides=None) -> None:
    for sentence in article.sentences:
        v = (overrides or {}).get(sentence.index, verdict)
        annotate(sentence, {"verdict": v}, actor=reviewer)
    db.session.commit()


def test_named_assignment_is_recorded_audited_and_starts_review(desk) -> None:
    admin, (ann, bob, _cy), (story, *_rest) = desk
    made = assignments.assign(
        [story], reviewers=["ann", "bob"], due_date="2026-12-31", priority="high", actor=admin
    )
    db.session.commit()
    assert sorted(a.reviewer.username for a in made) == ["ann", "bob"]
    assert made[0].due_date == date(2026, 12, 31)
    assert status.status_state(story.id)["status"] == "in_review"
    moves = db.session.scalars(db.select(Revision).where(Revision.entity == "article_status")).all()
    assert [(m.before, m.after["status"], m.actor_id) for m in moves] == [
        ({"status": "new"}, "in_review", admin.id)
    ]
    assert count(Revision) >= 3  # two assignments and the move


def test_count_fills_from_the_least_loaded_active_reviewers(desk) -> None:
    admin, (ann, bob, cy), (first, second, third) = desk
    assignments.assign([first], reviewers=["ann", "bob"], actor=admin)
    assignments.assign([second], reviewers=["ann"], actor=admin)
    set_active(bob, False, actor=admin)  # bob is out: never picked
    made = assignments.assign([third], count=2, actor=admin)
    db.session.commit()
    assert [a.reviewer.username for a in made] == ["cy", "ann"]  # cy had 0 open, ann 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"reviewers": ["nobody"]}, "reviewers"),
        ({"reviewers": ["boss"]}, "reviewers"),  # an admin account
        ({"reviewers": ["ann", "ann"]}, "reviewers[1]"),
        ({"reviewers": ["ann"], "due_date": "next friday"}, "due_date"),
        ({"reviewers": ["ann"], "due_date": "2026-02-30"}, "due_date"),
        ({"reviewers": ["ann"], "priority": "whenever"}, "priority"),
        ({"count": 4}, "count"),  # only three reviewers
        ({"count": 0}, "count"),
        ({}, "reviewers"),
        ({"reviewers": ["ann"], "count": 1}, "reviewers"),
    ],
)
def test_bad_assignments_name_the_field_and_change_nothing(desk, kwargs, field) -> None:
    admin, _people, (story, *_rest) = desk
    with pytest.raises(Invalid) as caught:
        assignments.assign([story], actor=admin, **kwargs)
    assert field in caught.value.fields
    db.session.rollback()
    assert count(Assignment) == 0
    assert status.status_state(story.id)["status"] == "new"


def test_deactivated_and_already_assigned_reviewers_are_refused(desk) -> None:
    admin, (ann, bob, _cy), (story, *_rest) = desk
    assignments.assign([story], reviewers=["ann"], actor=admin)
    set_active(bob, False, actor=admin)
    db.session.commit()
    with pytest.raises(Invalid) as caught:
        assignments.assign([story], reviewers=["ann", "bob"], actor=admin)
    assert "already assigned" in caught.value.fields["reviewers[0]"]
    assert "deactivated" in caught.value.fields["reviewers[1]"]


def test_reviewers_cannot_assign(desk) -> None:
    _admin, (ann, *_), (story, *_rest) = desk
    with pytest.raises(Forbidden):
        assignments.assign([story], reviewers=["ann"], actor=ann)


def test_a_stale_change_of_an_assignment_is_a_conflict_and_changes_nothing(desk) -> None:
    admin, _people, (story, *_rest) = desk
    [a] = assignments.assign([story], reviewers=["ann"], actor=admin)
    db.session.commit()
    assignments.update_assignment(a, {"priority": "urgent"}, actor=admin, expected_version=1)
    db.session.commit()
    with pytest.raises(Conflict):
        assignments.update_assignment(a, {"reviewer": "bob"}, actor=admin, expected_version=1)
    db.session.rollback()
    assert a.reviewer.username == "ann"
    assignments.update_assignment(a, {"reviewer": "bob"}, actor=admin, expected_version=2)
    db.session.commit()
    assert a.reviewer.username == "bob"
    with pytest.raises(Conflict):
        assignments.unassign(a, actor=admin, expected_version=2)
    assignments.unassign(a, actor=admin, expected_version=3)
    db.session.commit()
    assert count(Assignment) == 0


def test_queue_orders_by_priority_then_due_date_and_continue_crosses_articles(desk) -> None:
    admin, (ann, *_), (first, second, third) = desk
    assignments.assign([first], reviewers=["ann"], priority="low", actor=admin)
    assignments.assign([second], reviewers=["ann"], due_date="2027-01-05", actor=admin)
    assignments.assign([third], reviewers=["ann"], due_date="2027-01-01", actor=admin)
    db.session.commit()
    assert [row.article.id for row in queue.queue(ann)] == [third.id, second.id, first.id]
    judge_all(third, ann)
    # third is done: Continue goes to the first sentence of the next article in the queue
    assert queue.next_in_queue(ann) == (second.id, second.sentences[0].id)
    annotate(second.sentences[0], {"verdict": "disputed"}, actor=ann)
    db.session.commit()
    assert queue.next_in_queue(ann) == (second.id, second.sentences[1].id)
    assert [row.done for row in queue.queue(ann)] == [False, False, True]


def test_article_moves_to_ready_by_itself_and_to_adjudicated_when_settled(desk) -> None:
    admin, (ann, bob, _cy), (story, *_rest) = desk
    assignments.assign([story], reviewers=["ann", "bob"], actor=admin)
    db.session.commit()
    judge_all(story, ann)
    assert status.status_state(story.id)["status"] == "in_review"
    judge_all(story, bob, overrides={1: "disputed"})
    assert status.status_state(story.id)["status"] == "ready"
    items, total = disagreements_queue(viewer=admin)
    assert total == 1 and items[0].sentence_id == story.sentences[1].id
    assert items[0].verdicts == {"ann": "verified", "bob": "disputed"}
    adjudicate(story.sentences[1], "disputed", actor=admin)
    db.session.commit()
    assert status.status_state(story.id)["status"] == "adjudicated"
    assert disagreements_queue(viewer=admin) == ([], 0)


def test_ready_goes_back_to_review_when_a_judgement_is_deleted(desk) -> None:
    admin, (ann, *_), (story, *_rest) = desk
    assignments.assign([story], reviewers=["ann"], actor=admin)
    judge_all(story, ann)
    assert status.status_state(story.id)["status"] == "ready"
    first = db.session.scalars(db.select(Annotation).order_by(Annotation.id)).first()
    delete_annotation(first, actor=ann)
    db.session.commit()
    assert status.status_state(story.id)["status"] == "in_review"


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
    assert status.status_state(story.id) | {"changed_at": None} == {
        "status": "ready",
        "label": "Ready for adjudication",
        "by_hand": True,
        "version": 1,
        "changed_at": None,
    }


def test_a_desk_of_assignments_only_keeps_reviewers_to_their_queue(desk) -> None:
    admin, (ann, *_), (first, second, _third) = desk
    assignments.assign([first], reviewers=["ann"], actor=admin)
    assignments.set_reviewers_may_open_unassigned(False, actor=admin)
    db.session.commit()
    annotate(get_sentence(first.sentences[0].id), {"verdict": "verified"}, actor=ann)
    with pytest.raises(Forbidden):
        annotate(get_sentence(second.sentences[0].id), {"verdict": "verified"}, actor=ann)


def test_reviewers_never_see_the_disagreements_queue(desk) -> None:
    _admin, (ann, *_), _articles = desk
    with pytest.raises(Forbidden):
        disagreements_queue(viewer=ann)


def test_the_agreement_page_gives_alpha_equal_to_the_pure_formula(desk) -> None:
    from annotator.services.review.adjudication import agreement
    from annotator.stats.agreement import krippendorff_alpha

    admin, (ann, bob, cy), (story, *_rest) = desk
    judge_all(story, ann, overrides={0: "disputed"})
    judge_all(story, bob, overrides={1: "unproven"})
    annotate(story.sentences[2], {"verdict": "verified"}, actor=cy)  # three on one sentence
    db.session.commit()
    result = agreement(story.id, viewer=admin)
    units = [list(row.verdicts.values()) for row in result.sentences]
    assert len(units) == len(story.sentences) and result.alpha is not None
    assert result.alpha == pytest.approx(krippendorff_alpha(units))
    reference = pytest.importorskip("krippendorff", reason="krippendorff is a test dependency")
    import numpy as np

    codes = {"verified": 0, "unproven": 1, "disputed": 2}
    matrix = np.array(
        [
            [codes.get(row.verdicts.get(name), np.nan) for row in result.sentences]
            for name in ("ann", "bob", "cy")
        ],
        dtype=float,
    )
    expected = reference.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert result.alpha == pytest.approx(expected, abs=1e-9)
