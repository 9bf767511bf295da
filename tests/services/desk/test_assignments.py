"""Assigning articles: by name or by count, refusals, versions, and a desk of assignments only."""

from __future__ import annotations

from datetime import date

import pytest

from annotator.extensions import db
from annotator.models import Assignment, Revision
from annotator.services.accounts.users import set_active
from annotator.services.annotations.annotations import annotate, get_sentence
from annotator.services.desk import assignments, status
from annotator.services.errors import Conflict, Forbidden, Invalid
from tests.conftest import count


def test_named_assignment_is_recorded_audited_and_starts_review(desk) -> None:
    admin, (ann, bob, _cy), (story, *_rest) = desk
    made = assignments.assign(
        [story], reviewers=["ann", "bob"], due_date="2026-12-31", priority="high", actor=admin
    )
    db.session.commit()
    assert sorted(a.reviewer.username for a in made) == ["ann", "bob"]
    assert made[0].due_date == date(2026, 12, 31)
    assert status.status_data(story.id)["status"] == "in_review"
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
    assert status.status_data(story.id)["status"] == "new"


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


def test_a_desk_of_assignments_only_keeps_reviewers_to_their_queue(desk) -> None:
    admin, (ann, *_), (first, second, _third) = desk
    assignments.assign([first], reviewers=["ann"], actor=admin)
    assignments.set_reviewers_may_open_unassigned(False, actor=admin)
    db.session.commit()
    annotate(get_sentence(first.sentences[0].id), {"verdict": "verified"}, actor=ann)
    with pytest.raises(Forbidden):
        annotate(get_sentence(second.sentences[0].id), {"verdict": "verified"}, actor=ann)
