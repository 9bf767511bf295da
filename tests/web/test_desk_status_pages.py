"""The desk's pages for work nobody assigned: the rule on the settings page, reviewers' progress
in the article list, real progress on the dashboard and a working Adjudicated filter."""

from __future__ import annotations

from annotator.extensions import db
from annotator.services.desk import status
from annotator.services.review.adjudication import adjudicate
from tests.conftest import judge_all, login


def test_admins_set_reviewers_per_article_on_the_settings_page(
    client, make_user, make_article, admin
) -> None:
    ann = make_user("reviewer", "ann")
    story = make_article(title="Only one reviewer")
    judge_all(story, ann)
    login(client, admin)
    page = client.get("/desk/settings").get_data(as_text=True)
    assert 'name="reviewers_per_article"' in page and 'value="2"' in page
    answer = client.post(
        "/desk/settings",
        data={"csrf_token": client.csrf, "open_unassigned": "y", "reviewers_per_article": "1"},
        follow_redirects=True,
    )
    assert "1 article moved" in answer.get_data(as_text=True)
    assert status.status_data(story.id)["status"] == "ready"
    refused = client.post(
        "/desk/settings",
        data={"csrf_token": client.csrf, "open_unassigned": "y", "reviewers_per_article": "lots"},
    )
    assert refused.status_code == 422
    assert "must be a whole number from 1 to 20" in refused.get_data(as_text=True)


def test_list_dashboard_and_filter_show_where_unassigned_work_stands(
    client, make_user, make_article, admin
) -> None:
    ann, bob = make_user("reviewer", "ann"), make_user("reviewer", "bob")
    done = make_article(title="Settled story")
    started = make_article(title="Started story")
    judge_all(done, ann)
    judge_all(done, bob, overrides={0: "disputed"})
    adjudicate(done.sentences[0], "disputed", actor=admin)
    judge_all(started, bob)
    db.session.commit()
    login(client, admin)
    listing = client.get("/").get_data(as_text=True)
    n = len(done.sentences)
    assert f"ann: {n} of {n}" in listing and f"bob: {n} of {n}" in listing
    assert "0 of" not in listing  # not the admin's own progress
    filtered = client.get("/?status=adjudicated").get_data(as_text=True)
    assert "Settled story" in filtered and "Started story" not in filtered
    board = client.get("/dashboard").get_data(as_text=True)
    assert "100%" in board and "50%" in board
