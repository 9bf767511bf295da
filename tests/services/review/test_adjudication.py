"""Reviewers compared (agreement, Cohen's and Fleiss' kappa) and admins' final verdicts."""

from __future__ import annotations

import pytest

from annotator.extensions import db
from annotator.models import Adjudication, Revision
from annotator.services.annotations.annotations import annotate, delete_annotation
from annotator.services.errors import Conflict, Forbidden, Invalid, NotFound
from annotator.services.review.adjudication import (
    adjudicate,
    agreement,
    clear_adjudication,
    cohen_kappa,
    fleiss_kappa,
    get_adjudication,
)
from tests.conftest import judge_all

# --------------------------------------------------------------------------- the formulas


def test_cohen_kappa_matches_the_textbook_example() -> None:
    # Wikipedia's example: 50 proposals, both yes 20, both no 15, A yes/B no 5, A no/B yes 10.
    first = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    # p_o = 35/50 = 0.7; p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.2/0.5 = 0.4
    assert cohen_kappa(first, second) == pytest.approx(0.4)


def test_fleiss_kappa_matches_the_textbook_example() -> None:
    # Wikipedia's example: 10 subjects, 14 raters each, 5 categories; kappa = 0.210.
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    items = [
        [category for category, n in zip("abcde", row, strict=True) for _ in range(n)]
        for row in table
    ]
    assert fleiss_kappa(items) == pytest.approx(0.2099, abs=1e-4)


def test_kappa_is_undefined_without_items_or_when_every_verdict_is_the_same() -> None:
    assert cohen_kappa([], []) is None
    assert cohen_kappa(["verified"] * 3, ["verified"] * 3) is None  # chance agreement is total
    assert fleiss_kappa([["verified"]]) is None  # one rater: nothing to compare
    assert fleiss_kappa([["disputed", "disputed"], ["disputed", "disputed"]]) is None
    assert cohen_kappa(["verified", "disputed"], ["verified", "disputed"]) == pytest.approx(1.0)


# --------------------------------------------------------------------------- comparing an article


@pytest.fixture
def four_judged(judged):
    """Five sentences; alice and bob judge four of them."""
    return judged(
        {
            0: ("verified", "verified"),
            1: ("verified", "disputed"),
            2: ("disputed", "disputed"),
            3: ("unproven", "unproven"),
        }
    )


def test_two_reviewers_get_percent_agreement_and_cohens_kappa(four_judged, admin) -> None:
    article, _alice, _bob = four_judged
    result = agreement(article.id, viewer=admin)
    assert result.reviewers == ["alice", "bob"]
    assert (result.total_sentences, result.compared, result.agreed) == (5, 4, 3)
    assert result.percent_agreement == 75.0
    # By hand: p_o = 3/4; alice V2 D1 U1, bob V1 D2 U1 -> p_e = (2+2+1)/16 = 5/16;
    # kappa = (12/16 - 5/16) / (11/16) = 7/11.
    assert result.kappa_method == "cohen"
    assert result.kappa == pytest.approx(7 / 11)
    first = result.sentences[0]  # the disagreement comes first
    assert first.sentence.index == 1 and first.agree is False
    assert first.verdicts == {"alice": "verified", "bob": "disputed"}
    assert [row.sentence.index for row in result.sentences] == [1, 0, 2, 3]


def test_three_reviewers_get_fleiss_kappa(make_article, make_user, admin) -> None:
    article = make_article()
    people = [make_user("reviewer", name) for name in ("alice", "bob", "carol")]
    s = article.sentences
    table = {
        0: ("verified", "verified", "verified"),
        1: ("verified", "verified", "disputed"),
        2: ("disputed", "unproven", "verified"),
    }
    for index, verdicts in table.items():
        for person, verdict in zip(people, verdicts, strict=True):
            annotate(s[index], {"verdict": verdict}, actor=person)
    db.session.commit()
    result = agreement(article.id, viewer=admin)
    # By hand: P_i = 1, 1/3, 0 -> P-bar = 4/9; labels V6 D2 U1 of 9 -> P_e = 41/81;
    # kappa = (36/81 - 41/81) / (40/81) = -1/8.
    assert result.kappa_method == "fleiss"
    assert result.kappa == pytest.approx(-0.125)
    assert (result.compared, result.agreed) == (3, 1)
    assert result.percent_agreement == pytest.approx(33.3)


def test_a_reviewer_counts_once_with_their_whole_sentence_claim(
    make_article, make_user, admin
) -> None:
    article = make_article()
    alice, bob = make_user("reviewer", "alice"), make_user("reviewer", "bob")
    sentence = article.sentences[1]
    annotate(
        sentence,
        {"verdict": "disputed", "span": {"start": sentence.start, "end": sentence.start + 5}},
        actor=alice,
    )
    annotate(sentence, {"verdict": "verified"}, actor=alice)  # the whole sentence: this one stands
    annotate(
        sentence,
        {"verdict": "unproven", "span": {"start": sentence.start, "end": sentence.start + 5}},
        actor=bob,
    )
    annotate(
        sentence,
        {"verdict": "verified", "span": {"start": sentence.start + 6, "end": sentence.start + 9}},
        actor=bob,
    )
    gone = annotate(sentence, {"verdict": "verified"}, actor=bob)
    db.session.flush()
    delete_annotation(gone, actor=bob)  # deleted claims do not count
    db.session.commit()
    row = agreement(article.id, viewer=admin).sentences[0]
    assert row.verdicts == {"alice": "verified", "bob": "unproven"}  # bob: his first live claim
    assert row.claims == {"alice": 2, "bob": 2}
    assert row.agree is False


def test_only_admins_compare_reviewers(four_judged, make_user) -> None:
    article, alice, _bob = four_judged
    with pytest.raises(Forbidden):
        agreement(article.id, viewer=alice)
    with pytest.raises(NotFound):
        agreement(99999, viewer=make_user("admin", "root"))


# --------------------------------------------------------------------------- final verdicts


def test_adjudicate_creates_then_updates_with_revisions(four_judged, admin) -> None:
    article, _alice, _bob = four_judged
    sentence = article.sentences[1]
    adj = adjudicate(sentence, "disputed", "  The vote was 7-2, not 8-1. ", actor=admin)
    db.session.commit()
    assert (adj.verdict, adj.note, adj.version, adj.adjudicator.username) == (
        "disputed",
        "The vote was 7-2, not 8-1.",
        1,
        "boss",
    )

    again = adjudicate(sentence, "unproven", "", actor=admin, expected_version=1)
    db.session.commit()
    assert again.id == adj.id and again.version == 2 and again.verdict == "unproven"
    row = agreement(article.id, viewer=admin).sentences[0]
    assert row.adjudication is not None and row.adjudication.verdict == "unproven"

    revisions = db.session.scalars(
        db.select(Revision)
        .where(Revision.entity == "adjudication", Revision.entity_id == adj.id)
        .order_by(Revision.id)
    ).all()
    assert [r.action for r in revisions] == ["create", "update"]
    assert (
        revisions[1].before["verdict"] == "disputed" and revisions[1].after["verdict"] == "unproven"
    )


def test_a_stale_version_is_a_conflict_and_changes_nothing(four_judged, admin, make_user) -> None:
    article, _alice, _bob = four_judged
    sentence = article.sentences[1]
    adjudicate(sentence, "disputed", "first", actor=admin)
    db.session.commit()
    other = make_user("admin", "editor")
    adjudicate(sentence, "verified", "second", actor=other, expected_version=1)
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        adjudicate(sentence, "unproven", "mine", actor=admin, expected_version=1)
    assert "version 2" in caught.value.message and caught.value.current["verdict"] == "verified"
    db.session.rollback()
    adj = get_adjudication(sentence)
    assert (adj.verdict, adj.note, adj.version) == ("verified", "second", 2)
    with pytest.raises(Conflict):
        clear_adjudication(sentence, actor=admin, expected_version=1)


def test_reviewers_cannot_record_or_clear_a_final_verdict(four_judged, admin) -> None:
    article, alice, _bob = four_judged
    sentence = article.sentences[1]
    with pytest.raises(Forbidden):
        adjudicate(sentence, "verified", "", actor=alice)
    assert get_adjudication(sentence) is None
    adjudicate(sentence, "verified", "", actor=admin)
    db.session.commit()
    with pytest.raises(Forbidden):
        clear_adjudication(sentence, actor=alice)
    assert get_adjudication(sentence) is not None


@pytest.mark.parametrize(
    ("verdict", "note", "version", "field"),
    [
        ("maybe", "", None, "verdict"),
        (None, "", None, "verdict"),
        ("verified", 5, None, "note"),
        ("verified", "x" * 10_001, None, "note"),
        ("verified", "", "1", "version"),
        ("verified", "", True, "version"),
        ("verified", "", 0, "version"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    four_judged, admin, verdict, note, version, field
) -> None:
    article, _alice, _bob = four_judged
    with pytest.raises(Invalid) as caught:
        adjudicate(article.sentences[1], verdict, note, actor=admin, expected_version=version)
    assert set(caught.value.fields) == {field}
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Adjudication.id))) == 0


def test_clear_removes_the_final_verdict_and_records_it(four_judged, admin) -> None:
    article, _alice, _bob = four_judged
    sentence = article.sentences[1]
    adj = adjudicate(sentence, "disputed", "why", actor=admin)
    db.session.commit()
    adj_id = adj.id
    clear_adjudication(sentence, actor=admin, expected_version=1)
    db.session.commit()
    assert get_adjudication(sentence) is None
    last = db.session.scalars(
        db.select(Revision)
        .where(Revision.entity == "adjudication", Revision.entity_id == adj_id)
        .order_by(Revision.id.desc())
    ).first()
    assert last.action == "delete" and last.before["note"] == "why" and last.after is None
    with pytest.raises(NotFound):
        clear_adjudication(sentence, actor=admin)
    with pytest.raises(Conflict):  # saving over a verdict that was cleared meanwhile
        adjudicate(sentence, "verified", "", actor=admin, expected_version=1)


def test_one_final_verdict_per_sentence_and_it_goes_with_its_sentence(four_judged, admin) -> None:
    """The database backstop: one final verdict per sentence; it goes with its sentence."""
    article, _alice, _bob = four_judged
    sentence = article.sentences[1]
    adjudicate(sentence, "disputed", "", actor=admin)
    db.session.commit()
    duplicate = Adjudication(
        sentence_id=sentence.id, verdict="verified", note="", adjudicator_id=admin.id
    )
    db.session.add(duplicate)
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.flush()
    db.session.rollback()
    db.session.execute(db.delete(type(sentence)).where(type(sentence).article_id == article.id))
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Adjudication.id))) == 0


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
