"""Desk pages: assigning, my queue and Continue, status moves, history with restore, activity,
the disagreements queue and the dashboard; blind review holds on every one."""

from __future__ import annotations

import csv
import io

import pytest

from annotator.extensions import db
from annotator.models import Annotation, Assignment
from annotator.services.annotations.annotations import annotate, update_annotation
from annotator.services.desk import assignments, status
from annotator.services.review.adjudication import get_adjudication
from annotator.services.review.agreement import Scope, agreement_tables
from tests.conftest import count, login


def judge(article, reviewer, verdicts) -> None:
    for sentence, verdict in zip(article.sentences, verdicts, strict=False):
        annotate(sentence, {"verdict": verdict}, actor=reviewer)
    db.session.commit()


def test_admin_assigns_from_the_article_desk_page(client, desk) -> None:
    admin, _people, (story, *_rest) = desk
    login(client, admin)
    response = client.post(
        f"/articles/{story.id}/assignments",
        data={
            "csrf_token": client.csrf,
            "reviewers": "ann, bob",
            "due_date": "2026-12-24",
            "priority": "high",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/articles/{story.id}/desk").get_data(as_text=True)
    assert "Unassign ann" in page and "Unassign bob" in page and "In review" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reviewers": "nobody"}, "there is no user named"),
        ({"reviewers": "ann", "due_date": "soon"}, "must be a date like"),
        ({"reviewers": "boss"}, "is an admin"),
        ({"count": "9"}, "only 3 active reviewers"),
        ({}, "name the reviewers"),
    ],
)
def test_bad_assignment_forms_say_what_is_wrong_and_change_nothing(
    client, desk, data, message
) -> None:
    admin, _people, (story, *_rest) = desk
    login(client, admin)
    response = client.post(
        f"/articles/{story.id}/assignments",
        data={"csrf_token": client.csrf, "priority": "normal", **data},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Assignment) == 0


def test_bulk_assignment_from_the_article_list_and_an_unknown_article(client, desk) -> None:
    admin, _people, stories = desk
    login(client, admin)
    data = {
        "csrf_token": client.csrf,
        "count": "2",
        "priority": "normal",
        "article": [s.id for s in stories],
    }
    assert client.post("/assignments", data=data).status_code == 302
    assert count(Assignment) == 6
    data["article"] = [stories[0].id, 999]
    client.post("/assignments", data=data)
    assert "there is no article #999" in client.get("/").get_data(as_text=True)
    assert count(Assignment) == 6


def test_queue_shows_only_my_assignments_and_continue_goes_on_across_articles(client, desk) -> None:
    admin, (ann, bob, _cy), (first, second, third) = desk
    assignments.assign([first], reviewers=["ann", "bob"], priority="urgent", actor=admin)
    assignments.assign([second], reviewers=["ann"], actor=admin)
    assignments.assign([third], reviewers=["bob"], actor=admin)
    db.session.commit()
    judge(first, ann, ["verified"] * len(first.sentences))
    judge(first, bob, ["disputed"] * 2)
    login(client, ann)
    page = client.get("/queue").get_data(as_text=True)
    assert "Story 0" in page and "Story 1" in page and "Story 2" not in page
    assert "disputed" not in page  # bob's verdicts stay hidden
    response = client.get("/queue/continue")
    assert response.status_code == 302
    assert (
        f"/articles/{second.id}?sentence={second.sentences[0].id}" in response.headers["Location"]
    )


def test_a_desk_of_assignments_only_refuses_other_articles(client, desk) -> None:
    admin, (ann, *_), (first, second, _third) = desk
    assignments.assign([first], reviewers=["ann"], actor=admin)
    db.session.commit()
    login(client, admin)
    client.post("/desk/settings", data={"csrf_token": client.csrf})  # unticked: assignments only
    assert assignments.reviewers_may_open_unassigned() is False
    client.get("/logout")
    client2 = client.application.test_client()
    login(client2, ann)
    assert client2.get(f"/articles/{first.id}").status_code == 200
    assert client2.get(f"/articles/{second.id}").status_code == 403


def test_stale_status_move_is_refused_and_changes_nothing(client, desk) -> None:
    admin, _people, (story, *_rest) = desk
    login(client, admin)
    data = {"csrf_token": client.csrf, "status": "archived", "version": "0"}
    assert client.post(f"/articles/{story.id}/status", data=data).status_code == 302
    assert status.status_data(story.id)["status"] == "archived"
    data["status"] = "ready"
    client.post(f"/articles/{story.id}/status", data=data)  # still version 0: stale
    assert status.status_data(story.id)["status"] == "archived"
    assert "after you opened it" in client.get(f"/articles/{story.id}/desk").get_data(as_text=True)


def test_history_shows_each_change_and_restores_an_earlier_version(client, desk, reuters) -> None:
    _admin, (ann, *_), (story, *_rest) = desk
    sentence = story.sentences[0]
    a = annotate(sentence, {"verdict": "verified", "note": "first look"}, actor=ann)
    db.session.commit()
    update_annotation(
        a,
        {"verdict": "disputed", "links": [{"url": "https://www.reuters.com/x", "title": "Wire"}]},
        actor=ann,
        expected_version=1,
    )
    db.session.commit()
    login(client, ann)
    page = client.get(f"/annotations/{a.id}/history").get_data(as_text=True)
    assert "Verdict</strong> changed" in page and "<del>verified</del>" in page
    assert "Link https://www.reuters.com/x</strong> added" in page
    first_revision = int(page.split("/history/")[-1].split("/restore")[0])
    response = client.post(
        f"/annotations/{a.id}/history/{first_revision}/restore",
        data={"csrf_token": client.csrf, "version": "1"},  # stale: it is at version 2
    )
    assert db.session.get(Annotation, a.id).verdict == "disputed"
    response = client.post(
        f"/annotations/{a.id}/history/{first_revision}/restore",
        data={"csrf_token": client.csrf, "version": "2"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    restored = db.session.get(Annotation, a.id)
    assert (restored.verdict, restored.note, restored.links, restored.version) == (
        "verified",
        "first look",
        [],
        3,
    )


def test_reviewers_see_only_their_own_history_and_no_desk_pages(client, desk) -> None:
    _admin, (ann, bob, _cy), (story, *_rest) = desk
    theirs = annotate(story.sentences[0], {"verdict": "disputed"}, actor=bob)
    db.session.commit()
    login(client, ann)
    assert client.get(f"/annotations/{theirs.id}/history").status_code == 403
    for url in (
        "/dashboard",
        "/disagreements",
        f"/articles/{story.id}/activity",
        f"/articles/{story.id}/desk",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "disputed" not in response.get_data(as_text=True)


def test_disagreements_queue_adjudicates_inline_and_the_article_settles(client, desk) -> None:
    admin, (ann, bob, _cy), (story, *_rest) = desk
    assignments.assign([story], reviewers=["ann", "bob"], actor=admin)
    db.session.commit()
    n = len(story.sentences)
    judge(story, ann, ["verified"] * n)
    judge(story, bob, ["verified"] * (n - 1) + ["disputed"])
    assert status.status_data(story.id)["status"] == "ready"
    login(client, admin)
    page = client.get("/disagreements").get_data(as_text=True)
    last = story.sentences[-1]
    assert f'id="s{last.id}"' in page and "1 sentence where" in page
    response = client.post(
        f"/disagreements/{last.id}",
        data={f"s{last.id}-csrf_token": client.csrf, f"s{last.id}-verdict": "disputed"},
    )
    assert response.status_code == 302
    assert get_adjudication(last).verdict == "disputed"
    assert status.status_data(story.id)["status"] == "adjudicated"
    assert "No open disagreements" in client.get("/disagreements").get_data(as_text=True)
    activity = client.get(f"/articles/{story.id}/activity").get_data(as_text=True)
    for words in (
        "imported the article",
        "assigned ann",
        "from new to in_review",
        "from in_review to ready",
        "final verdict",
    ):
        assert words in activity


def test_dashboard_draws_charts_with_tables_and_the_csv_has_the_same_figures(client, desk) -> None:
    admin, (ann, bob, cy), (first, second, _third) = desk
    judge(first, ann, ["verified", "disputed", "verified", "unproven"])
    judge(first, bob, ["verified", "verified", "verified", "unproven"])
    judge(first, cy, ["disputed", "verified"])
    judge(second, ann, ["verified", "verified"])
    judge(second, bob, ["disputed", "verified"])
    login(client, admin)
    page = client.get("/dashboard").get_data(as_text=True)
    assert page.count("<svg") >= 4 and 'role="img"' in page
    assert 'id="reviewer-table"' in page and 'id="pairs"' in page
    tables = agreement_tables(Scope(), viewer=admin)
    assert f"{tables.alpha:.3f}" in page
    rows = list(
        csv.reader(
            io.StringIO(client.get("/dashboard/agreement.csv?table=pairs").get_data(as_text=True))
        )
    )
    assert rows[0][:6] == [
        "first",
        "second",
        "sentences_both_judged",
        "agreed",
        "percent_agreement",
        "cohen_kappa",
    ]
    ann_bob = next(r for r in rows if r[:2] == ["ann", "bob"])
    pair = next(p for p in tables.pairs if (p.first, p.second) == ("ann", "bob"))
    assert int(ann_bob[2]) == pair.items == 6
    assert float(ann_bob[5]) == pytest.approx(pair.kappa, abs=1e-4)
    scoped = client.get(f"/dashboard/agreement.csv?table=articles&article={second.id}").get_data(
        as_text=True
    )
    assert "Story 1" in scoped and "Story 0" not in scoped
    assert client.get("/dashboard?since=yesterday").status_code == 422


def listing(client, url: str) -> str:
    """The article table of the list page (the page's top may name an article to review next)."""
    return client.get(url).get_data(as_text=True).split('class="articles"')[1]


def test_article_list_shows_status_assignees_and_due_and_filters_by_them(client, desk) -> None:
    admin, (ann, *_), (first, second, third) = desk
    assignments.assign([first], reviewers=["ann"], due_date="2027-01-09", actor=admin)
    assignments.assign([second], reviewers=["bob"], due_date="2027-01-02", actor=admin)
    db.session.commit()
    login(client, admin)
    page = listing(client, "/?sort=due")
    assert page.index("Story 1") < page.index("Story 0") < page.index("Story 2")
    assert "2027-01-02" in page and 'name="article"' in page  # bulk checkboxes for admins
    listed = listing(client, "/?status=in_review&assignee=ann")
    assert "Story 0" in listed and "Story 1" not in listed and "Story 2" not in listed
    due = listing(client, "/?due=2027-01-05")
    assert "Story 1" in due and "Story 0" not in due
    bad = client.get("/?due=someday&assignee=nobody").get_data(as_text=True)
    assert "The filter was not applied" in bad and "Story 2" in bad
    client.get("/logout")
    other = client.application.test_client()
    login(other, ann)
    home = other.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/queue")  # her home
    mine = other.get("/?sort=newest").get_data(as_text=True)
    assert "bob" not in mine and 'name="article"' not in mine  # reviewers see only their own


@pytest.mark.parametrize("number", ["²", "99999999999999999999", "-1", "x"])
def test_odd_numbers_in_desk_forms_and_pages_are_read_leniently(client, desk, number) -> None:
    """Hidden version fields, ticked article ids and page numbers that are not plain numbers
    count as absent (a missing version, no article, the first page), never as a crash."""
    admin, _people, (story, *_rest) = desk
    login(client, admin)
    moved = client.post(
        f"/articles/{story.id}/status",
        data={"csrf_token": client.csrf, "status": "in_review", "version": number},
    )
    assert moved.status_code == 302
    assert status.status_data(story.id)["status"] == "new"  # refused: the version is required
    assert "is required" in client.get(moved.headers["Location"]).get_data(as_text=True)
    bulk = client.post(
        "/assignments",
        data={"csrf_token": client.csrf, "article": number, "reviewers": "ann"},
    )
    assert bulk.status_code == 302 and count(Assignment) == 0
    for page in ("/disagreements", f"/articles/{story.id}/activity"):
        assert client.get(f"{page}?page={number}").status_code == 200


def test_admins_set_the_seen_before_tiers_on_the_desk_rules_page(client, desk) -> None:
    from annotator.services.annotations.similar import match_thresholds
    from annotator.text.claim_score import SAME_CLAIM

    admin, _people, _articles = desk
    login(client, admin)
    page = client.get("/desk/settings").get_data(as_text=True)
    assert "Seen before" in page and f'value="{SAME_CLAIM * 100:g}"' in page  # the default, in %
    data = {"csrf_token": client.csrf, "open_unassigned": "y", "same_claim": "90", "related": "40%"}
    assert client.post("/desk/settings", data=data).status_code == 302
    assert match_thresholds() == (0.9, 0.4)
    data["related"] = "95"
    refused = client.post("/desk/settings", data=data)
    assert refused.status_code == 422
    assert "must not be above the same-claim tier" in refused.get_data(as_text=True)
    assert match_thresholds() == (0.9, 0.4)
