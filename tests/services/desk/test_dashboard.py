"""The desk dashboard: work per reviewer and day, agreement with final verdicts, progress."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from annotator.models import Status
from annotator.services.desk import assignments, dashboard
from annotator.services.errors import Forbidden
from annotator.services.review.adjudication import adjudicate
from tests.conftest import judge_all


def test_reviewers_never_see_the_dashboard(desk) -> None:
    _admin, (ann, *_), _stories = desk
    with pytest.raises(Forbidden):
        dashboard.dashboard(viewer=ann)


def test_work_per_reviewer_per_day_and_agreement_with_the_final_verdicts(desk) -> None:
    admin, (ann, bob, cy), (story, second, _third) = desk
    assignments.assign([story, second], reviewers=["ann", "bob"], actor=admin)
    judge_all(story, ann)
    judge_all(story, bob, overrides={0: "disputed"})
    adjudicate(story.sentences[0], "disputed", actor=admin)
    today = datetime.now(UTC).date()
    board = dashboard.dashboard(viewer=admin, days=3, today=today)
    rows = {row.name: row for row in board.reviewers}
    sentences = len(story.sentences)
    assert [d for d, _ in rows["ann"].per_day] == board.days and board.days[-1] == today
    assert (rows["ann"].judged, rows["bob"].judged, rows["cy"].judged) == (sentences, sentences, 0)
    # story is judged through: only the second article is still open work
    assert (rows["ann"].open_assignments, rows["cy"].open_assignments) == (1, 0)
    assert (rows["ann"].with_final, rows["ann"].agree_final) == (1, 0)
    assert (rows["bob"].with_final, rows["bob"].percent_final) == (1, 100.0)
    progress = {p.article_id: p for p in board.articles}
    assert progress[story.id].percent == 100 and progress[second.id].percent == 0
    assert progress[story.id].status in (Status.READY, Status.ADJUDICATED)
