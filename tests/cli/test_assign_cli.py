"""`annotator assign`: named reviewers or the least loaded, with a due date; refusals change nothing."""

from __future__ import annotations

from annotator.extensions import db
from annotator.models import Assignment
from annotator.services.desk import status
from tests.conftest import count


def test_assign_named_and_by_count(runner, make_user, make_article, admin) -> None:
    for name in ("ann", "bob", "cy"):
        make_user("reviewer", name)
    first, second = make_article(title="One"), make_article(title="Two")
    result = runner.invoke(
        args=["assign", str(first.id), "--reviewers", "ann,bob", "--due", "2026-12-24"]
    )
    assert result.exit_code == 0, result.output
    assert f"Article #{first.id} -> ann, due 2026-12-24" in result.output
    result = runner.invoke(args=["assign", str(second.id), "--count", "2", "--priority", "high"])
    assert result.exit_code == 0, result.output
    assert "-> cy" in result.output and "Made 2 assignments." in result.output
    db.session.expire_all()
    assert count(Assignment) == 4
    assert status.status_data(second.id)["status"] == "in_review"


def test_refusals_name_the_problem_and_assign_nothing(
    runner, make_user, make_article, admin
) -> None:
    make_user("reviewer", "ann")
    story = make_article()
    for args, words in (
        (
            ["assign", str(story.id), "--reviewers", "ann", "--due", "tomorrow"],
            "due_date: must be a date",
        ),
        (["assign", str(story.id), "999", "--reviewers", "ann"], "there is no article #999"),
        (["assign", str(story.id), "--reviewers", "ann,zed"], "no user named 'zed'"),
        (["assign", str(story.id), "--count", "2"], "only 1 active reviewer"),
        (["assign", str(story.id), "--reviewers", "ann", "--by", "ann"], "no active admin named"),
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, (args, result.output)
        assert words in result.output, (args, result.output)
    db.session.expire_all()
    assert count(Assignment) == 0
