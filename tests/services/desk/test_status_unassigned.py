"""Work nobody assigned: the desk's "reviewers per article" says when such an article is done."""

from __future__ import annotations

import pytest

from annotator.extensions import db
from annotator.models import ArticleState, DeskSetting, Revision
from annotator.services.articles.listing import columns
from annotator.services.desk import status
from annotator.services.desk.dashboard import dashboard
from annotator.services.errors import Forbidden, Invalid
from annotator.services.review.adjudication import adjudicate
from tests.conftest import judge_all


def test_two_reviewers_finishing_an_unassigned_article_make_it_ready(desk) -> None:
    admin, (ann, bob, _cy), (story, *_rest) = desk
    judge_all(story, ann)
    assert status.status_data(story.id)["status"] == "in_review"
    judge_all(story, bob, overrides={1: "disputed"})
    assert status.status_data(story.id)["status"] == "ready"
    adjudicate(story.sentences[1], "disputed", actor=admin)
    db.session.commit()
    assert status.status_data(story.id)["status"] == "adjudicated"


def test_a_final_verdict_given_early_settles_the_article_when_it_becomes_ready(desk) -> None:
    admin, (ann, bob, _cy), (story, *_rest) = desk
    judge_all(story, ann)
    adjudicate(story.sentences[0], "verified", actor=admin)
    judge_all(story, bob)
    assert status.status_data(story.id)["status"] == "adjudicated"


def test_the_desk_number_decides_and_changing_it_recomputes(desk) -> None:
    admin, (ann, bob, cy), (story, other, _third) = desk
    judge_all(story, ann)
    judge_all(other, ann)
    judge_all(other, bob)
    assert status.status_data(story.id)["status"] == "in_review"
    assert status.set_reviewers_per_article(1, actor=admin) == 1  # story moves; other was ready
    db.session.commit()
    assert status.reviewers_per_article() == 1
    assert status.status_data(story.id)["status"] == "ready"
    status.set_reviewers_per_article(3, actor=admin)
    db.session.commit()
    assert status.status_data(story.id)["status"] == "in_review"  # one of three is not ready
    judge_all(_third, ann)
    judge_all(_third, bob)
    assert status.status_data(_third.id)["status"] == "in_review"
    judge_all(_third, cy)
    assert status.status_data(_third.id)["status"] == "ready"
    changes = db.session.scalars(
        db.select(Revision).where(Revision.entity == "desk_setting").order_by(Revision.id)
    ).all()
    assert [c.after for c in changes] == [
        {"reviewers_per_article": 1},
        {"reviewers_per_article": 3},
    ]


@pytest.mark.parametrize("bad", [0, 21, "two", True, None])
def test_the_number_of_reviewers_is_a_small_whole_number(desk, bad) -> None:
    admin, *_ = desk
    with pytest.raises(Invalid) as caught:
        status.set_reviewers_per_article(bad, actor=admin)
    assert "reviewers_per_article" in caught.value.fields


def test_only_admins_set_the_number(desk) -> None:
    _admin, (ann, *_), _ = desk
    with pytest.raises(Forbidden):
        status.set_reviewers_per_article(3, actor=ann)


def test_recompute_moves_articles_judged_before_the_rule(desk) -> None:
    admin, (ann, bob, _cy), (story, *_rest) = desk
    judge_all(story, ann)
    judge_all(story, bob, overrides={1: "disputed"})
    adjudicate(story.sentences[1], "disputed", actor=admin)
    # as an older desk left it: in review although settled
    db.session.get(ArticleState, story.id).status = "in_review"
    db.session.add(DeskSetting(name=status.RECOMPUTE_PENDING, value="yes"))
    db.session.commit()
    assert status.recompute_if_pending() == 1
    db.session.commit()
    assert status.status_data(story.id)["status"] == "adjudicated"
    assert db.session.get(DeskSetting, status.RECOMPUTE_PENDING) is None
    assert status.recompute_if_pending() is None


def test_dashboard_and_list_show_the_progress_of_unassigned_work(desk) -> None:
    admin, (ann, bob, _cy), (story, half, _none) = desk
    judge_all(story, ann)
    judge_all(story, bob)
    judge_all(half, ann)
    board = dashboard(viewer=admin)
    progress = {a.article_id: a for a in board.articles}
    assert progress[story.id].percent == 100
    assert progress[half.id].percent == 50
    assert progress[story.id].reviewers == ["ann", "bob"]
    counts = dict(board.status_counts)
    assert counts[status.Status.READY] == 1
    desk_columns = columns([story.id, half.id], viewer=admin)
    n = len(story.sentences)
    assert desk_columns[story.id].progress == [("ann", n), ("bob", n)]
    assert desk_columns[half.id].progress == [("ann", n)]


def test_annotator_init_recomputes_once_after_the_upgrade(desk, runner) -> None:
    _admin, (ann, bob, _cy), (story, *_rest) = desk
    judge_all(story, ann)
    judge_all(story, bob)
    db.session.get(ArticleState, story.id).status = "in_review"  # as the desk stood before 0019
    db.session.add(DeskSetting(name=status.RECOMPUTE_PENDING, value="yes"))  # what 0019 leaves
    db.session.commit()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "Worked out every article's status again: 1 moved." in first.output
    db.session.expire_all()
    assert status.status_data(story.id)["status"] == "ready"
    again = runner.invoke(args=["init"])
    assert "Worked out" not in again.output  # once only
