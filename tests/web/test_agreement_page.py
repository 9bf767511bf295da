"""The agreement page: admins only; disagreements first; a form per sentence records the final verdict."""

from __future__ import annotations

import re

import pytest

from annotator.extensions import db
from annotator.models import Adjudication, Revision
from annotator.services.review.adjudication import get_adjudication
from tests.conftest import login


@pytest.fixture
def disagreed(judged):
    """alice and bob agree on sentences 1 and 4, not on 3; alice alone judges 5."""
    article, alice, _bob = judged(
        {
            0: ("verified", "verified"),
            2: ("verified", "disputed"),
            3: ("unproven", "unproven"),
            4: ("disputed", None),
        }
    )
    return article, alice


def post_verdict(client, article, sentence, **fields):
    data = {f"s{sentence.id}-{name}": value for name, value in fields.items()}
    data[f"s{sentence.id}-csrf_token"] = client.csrf
    return client.post(f"/articles/{article.id}/agreement/{sentence.id}", data=data)


def count_adjudications() -> int:
    return db.session.scalar(db.select(db.func.count(Adjudication.id)))


def test_visitors_log_in_and_reviewers_are_refused(client, disagreed) -> None:
    article, alice = disagreed
    response = client.get(f"/articles/{article.id}/agreement")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, alice)
    response = client.get(f"/articles/{article.id}/agreement")
    assert response.status_code == 403
    assert "bob" not in response.get_data(as_text=True)  # reviewers judge blind
    response = post_verdict(client, article, article.sentences[2], verdict="verified")
    assert response.status_code == 403 and count_adjudications() == 0
    workspace = client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert "Reviewer agreement" not in workspace  # no link for reviewers


def test_admin_sees_figures_and_disagreements_first(client, disagreed, admin) -> None:
    article, _alice = disagreed
    login(client, admin)
    workspace = client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert f'href="/articles/{article.id}/agreement"' in workspace
    page = client.get(f"/articles/{article.id}/agreement")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "3 of 5" in html  # sentences compared
    assert "66.7% (2 agree, 1 disagree)" in html
    assert "Cohen&#39;s kappa" in html or "Cohen's kappa" in html
    statuses = re.findall(r'data-status="(\w+)"', html)
    assert statuses == ["disagree", "agree", "agree", "single"]
    first_row = html[html.index('data-status="disagree"') : html.index('data-status="agree"')]
    assert "Mayor Dana Okafor said it would cost $48 million." in first_row
    assert (
        ">verified<" in first_row and ">disputed<" in first_row and "Disagree" in first_row
    )  # words, not colours


def test_the_form_records_and_changes_a_final_verdict(client, disagreed, admin) -> None:
    article, _alice = disagreed
    sentence = article.sentences[2]
    login(client, admin)
    response = post_verdict(
        client, article, sentence, verdict="disputed", note="Budget papers say $61 million."
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/articles/{article.id}/agreement#s{sentence.id}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Final verdict of sentence 3: disputed." in html
    assert "by boss: Budget papers say $61 million." in html
    adj = get_adjudication(sentence)
    assert (adj.verdict, adj.version) == ("disputed", 1)

    response = post_verdict(client, article, sentence, verdict="unproven", note="", version="1")
    assert response.status_code == 302
    db.session.expire_all()
    assert (get_adjudication(sentence).verdict, get_adjudication(sentence).version) == (
        "unproven",
        2,
    )

    # A second admin's tab still holds version 1: refused, nothing changed.
    response = post_verdict(client, article, sentence, verdict="verified", version="1")
    assert response.status_code == 302
    assert "after you opened it" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert get_adjudication(sentence).verdict == "unproven"
    actions = db.session.scalars(
        db.select(Revision.action)
        .where(Revision.entity == "adjudication")
        .order_by(Revision.id)  # without it PostgreSQL may return the rows in any order
    ).all()
    assert actions == ["create", "update"]


def test_the_final_verdict_can_be_cleared(client, disagreed, admin) -> None:
    article, _alice = disagreed
    sentence = article.sentences[2]
    login(client, admin)
    post_verdict(client, article, sentence, verdict="disputed")
    html = client.get(f"/articles/{article.id}/agreement").get_data(as_text=True)
    assert "Clear final verdict" in html
    response = client.post(
        f"/articles/{article.id}/agreement/{sentence.id}/clear",
        data={f"c{sentence.id}-csrf_token": client.csrf, f"c{sentence.id}-version": "1"},
    )
    assert response.status_code == 302
    assert count_adjudications() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"verdict": ""}, "Choose the final verdict."),
        ({"verdict": "maybe"}, "Not a valid choice"),
        ({"verdict": "verified", "note": "x" * 10_001}, "10000"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    client, disagreed, admin, fields, message
) -> None:
    article, _alice = disagreed
    login(client, admin)
    response = post_verdict(client, article, article.sentences[2], **fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert count_adjudications() == 0


def test_sentences_of_other_articles_and_missing_csrf_are_refused(
    client, disagreed, admin, make_article
) -> None:
    article, _alice = disagreed
    other = make_article(text="Other\n\nA different story. With two sentences.", title="Other")
    login(client, admin)
    response = post_verdict(client, article, other.sentences[1], verdict="verified")
    assert response.status_code == 404
    sentence = article.sentences[2]
    response = client.post(
        f"/articles/{article.id}/agreement/{sentence.id}",
        data={f"s{sentence.id}-verdict": "verified"},
    )
    assert response.status_code == 400
    assert client.get("/articles/99999/agreement").status_code == 404
    assert count_adjudications() == 0
