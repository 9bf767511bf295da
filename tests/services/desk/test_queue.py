"""A reviewer's queue and Continue."""

from __future__ import annotations

from annotator.extensions import db
from annotator.services.annotations.annotations import annotate
from annotator.services.desk import assignments, queue
from tests.conftest import judge_all


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
