"""Adjudicating with the reasons in view: every reviewer's verdict, attribution, note and evidence
(with credibility) and the sentences around, on the disagreements queue, the agreement page and
in the API; one click takes a reviewer's judgement as final. Admins only: reviewers judge blind."""

from __future__ import annotations

import html
import re

import pytest

from annotator.extensions import db
from annotator.models import Revision
from annotator.services.annotations.annotations import annotate
from annotator.services.errors import Conflict, Forbidden, NotFound
from annotator.services.review import reasons as judgements
from annotator.services.review.adjudication import adjudicate, get_adjudication
from tests.conftest import login

ALICE_NOTE = "The minutes record the vote as 7-2."
BOB_NOTE = "Two members abstained: the tally is unclear."


@pytest.fixture
def split(make_article, make_user):
    """alice and bob disagree on sentence 2 (index 1) of the sample article, with reasons."""
    article = make_article()
    alice, bob = make_user("reviewer", "alice"), make_user("reviewer", "bob")
    sentence = article.sentences[1]
    annotate(
        sentence,
        {
            "verdict": "verified",
            "attributed_to": "the council",
            "note": ALICE_NOTE,
            "links": [
                {
                    "url": "https://records.example/minutes",
                    "title": "Minutes",
                    "credibility": "high",
                    "stance": "supports",
                }
            ],
        },
        actor=alice,
    )
    annotate(
        sentence,
        {
            "verdict": "disputed",
            "attributed_to": "council spokesperson",
            "note": BOB_NOTE,
            "links": [{"url": "https://blog.example/rumour", "credibility": "low"}],
        },
        actor=bob,
    )
    db.session.commit()
    return article, sentence, alice, bob


def _words(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def _assert_reasons(page: str, article) -> None:
    words = _words(page)
    for shown in (
        ALICE_NOTE,
        BOB_NOTE,
        "the council",
        "council spokesperson",
        "Minutes credibility: high",
        "https://blog.example/rumour credibility: low",
    ):
        assert shown in words, shown
    assert 'href="https://records.example/minutes"' in page
    before, after = article.sentences[0], article.sentences[2]
    assert before.text.strip() in words and after.text.strip() in words  # the sentences around
    assert "Take alice's judgement as final" in words and "Take bob's judgement as final" in words


def test_the_queue_shows_each_reviewers_reasons_in_context(client, admin, split) -> None:
    article, *_ = split
    login(client, admin)
    _assert_reasons(client.get("/disagreements").get_data(as_text=True), article)


def test_the_agreement_page_shows_them_too(client, admin, split) -> None:
    article, *_ = split
    login(client, admin)
    _assert_reasons(client.get(f"/articles/{article.id}/agreement").get_data(as_text=True), article)


def test_one_click_takes_a_reviewers_judgement_as_final(client, admin, split) -> None:
    article, sentence, _alice, bob = split
    login(client, admin)
    queue = client.get("/disagreements").get_data(as_text=True)
    form = re.search(
        r'<form method="post" action="([^"]+/adopt)" class="adopt">(.*?)</form>', queue, re.S
    )
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
    bobs = [m for m in re.finditer(r'data-reviewer="bob".*?</form>', queue, re.S)][0].group(0)
    fields["annotation"] = re.search(r'name="annotation" value="(\d+)"', bobs).group(1)
    answer = client.post(form.group(1), data=fields, follow_redirects=True)
    page = _words(answer.get_data(as_text=True))
    assert "Final verdict of sentence 2: disputed, taken from bob's judgement." in page
    assert "No open disagreements." in page
    final = get_adjudication(sentence)
    assert (str(final.verdict), final.note, final.adjudicator_id) == (
        "disputed",
        BOB_NOTE,
        admin.id,
    )
    audit = db.session.scalar(db.select(Revision).where(Revision.entity == "adjudication"))
    assert audit.actor_id == admin.id and audit.after["verdict"] == "disputed"


def test_a_stale_or_foreign_judgement_is_refused_and_changes_nothing(
    app, admin, split, make_article
) -> None:
    article, sentence, alice, _bob = split
    reasons = judgements.judgements_of([sentence.id], viewer=admin)[sentence.id]
    alices = next(j for j in reasons if j.reviewer == "alice")
    adjudicate(sentence, "unproven", actor=admin)
    db.session.commit()
    with pytest.raises(Conflict):  # the admin saw no final verdict; there is one now
        judgements.adopt(alices.annotation_id, sentence=sentence, actor=admin, expected_version=0)
    other = make_article(title="Another")
    with pytest.raises(NotFound):  # not a judgement of this sentence
        judgements.adopt(alices.annotation_id, sentence=other.sentences[1], actor=admin)
    with pytest.raises(Forbidden):
        judgements.adopt(alices.annotation_id, sentence=sentence, actor=alice)
    assert str(get_adjudication(sentence).verdict) == "unproven"


def test_reviewers_see_no_reasons_and_cannot_adopt(client, split) -> None:
    article, sentence, alice, _bob = split
    login(client, alice)
    assert client.get("/disagreements").status_code == 403
    refused = client.post(
        f"/articles/{article.id}/agreement/{sentence.id}/adopt",
        data={"csrf_token": client.csrf, "annotation": "1"},
    )
    assert refused.status_code == 403 and get_adjudication(sentence) is None
    with pytest.raises(Forbidden):
        judgements.judgements_of([sentence.id], viewer=alice)


def test_the_api_disagreements_carry_the_reasons(client, admin, split, token_for) -> None:
    article, sentence, _alice, _bob = split
    body = client.get("/api/v1/disagreements", headers=token_for(admin)).get_json()
    (item,) = body["items"]
    assert item["context"] == {
        "before": article.sentences[0].text,
        "after": article.sentences[2].text,
    }
    by_name = {j["reviewer"]: j for j in item["judgements"]}
    assert by_name["alice"]["note"] == ALICE_NOTE and by_name["alice"]["verdict"] == "verified"
    assert by_name["alice"]["attributed_to"] == "the council"
    assert by_name["alice"]["links"] == [
        {
            "url": "https://records.example/minutes",
            "title": "Minutes",
            "credibility": "high",
            "stance": "supports",
            "source": None,
        }
    ]
    assert by_name["bob"]["links"][0]["credibility"] == "low"
