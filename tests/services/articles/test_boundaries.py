"""Merging, splitting and re-running segmentation never loses an annotation or its text."""

import pytest

from annotator.extensions import db
from annotator.models import Annotation, Revision, Sentence
from annotator.services.annotations import annotations as ann_svc
from annotator.services.articles import boundaries as svc
from annotator.services.errors import Invalid, NotFound

TEXT = "Headline here\n\nThe mayor said the cost is $48 million. Critics disagree. They cite 2019 papers."


def claims(article) -> dict[int, str]:
    """Annotation id -> the text it judges (its span, or its whole sentence)."""
    db.session.expire_all()
    result = {}
    for ann in db.session.scalars(db.select(Annotation)):
        start, end = (
            (ann.span_start, ann.span_end)
            if ann.span_start is not None
            else (ann.sentence.start, ann.sentence.end)
        )
        result[ann.id] = article.text[start:end]
    return result


def assert_tiles(article) -> None:
    sentences = sorted(article.sentences, key=lambda s: s.index)
    assert [s.index for s in sentences] == list(range(len(sentences)))
    for s in sentences:
        assert article.text[s.start : s.end] == article.text[s.start : s.end].strip() != ""


@pytest.fixture
def setup(make_article, reviewer, admin):
    article = make_article(text=TEXT, title="Headline here")
    s = article.sentences
    ann_svc.annotate(s[2], {"verdict": "disputed"}, actor=reviewer)
    ann_svc.annotate(
        s[1],
        {"verdict": "verified", "span": {"start": s[1].start + 4, "end": s[1].start + 9}},
        actor=reviewer,
    )
    gone = ann_svc.annotate(s[3], {"verdict": "unproven"}, actor=reviewer)
    ann_svc.delete_annotation(gone, actor=reviewer)
    db.session.commit()
    return article, admin, reviewer


def test_merge_keeps_every_annotation_and_its_text(setup):
    article, admin, reviewer = setup
    before = claims(article)
    s = article.sentences
    svc.merge_sentences(article, s[1].id, s[2].id, actor=admin)
    db.session.commit()
    assert len(article.sentences) == 3
    assert article.sentences[1].text == "The mayor said the cost is $48 million. Critics disagree."
    assert claims(article) == before  # including the soft-deleted one
    assert_tiles(article)
    assert (
        db.session.scalar(
            db.select(Revision).where(Revision.entity == "article", Revision.action == "merge")
        )
        is not None
    )
    moved = db.session.scalars(db.select(Revision).where(Revision.action == "move")).all()
    assert moved and all(r.actor_id == admin.id for r in moved)


def test_split_keeps_every_annotation_and_its_text(setup):
    article, admin, _ = setup
    before = claims(article)
    target = article.sentences[1]
    offset = article.text.index("the cost")
    svc.split_sentence(article, target.id, offset, actor=admin)
    db.session.commit()
    assert [s.text for s in article.sentences][1:3] == [
        "The mayor said",
        "the cost is $48 million.",
    ]
    assert claims(article) == before
    assert_tiles(article)


def test_split_by_words_and_bad_requests(setup):
    article, admin, _ = setup
    sid = article.sentences[1].id
    with pytest.raises(Invalid) as caught:
        svc.split_before_text(article, sid, "not there", actor=admin)
    assert "split_before" in caught.value.fields
    with pytest.raises(Invalid):
        svc.split_sentence(
            article, sid, article.sentences[1].start, actor=admin
        )  # nothing on the left
    with pytest.raises(Invalid):
        svc.merge_sentences(
            article, article.sentences[0].id, article.sentences[2].id, actor=admin
        )  # not adjacent
    with pytest.raises(NotFound):
        svc.merge_sentences(article, 999_999, article.sentences[0].id, actor=admin)
    db.session.rollback()
    svc.split_before_text(article, sid, "the cost", actor=admin)
    db.session.commit()
    assert len(article.sentences) == 5


def test_resegment_after_manual_fixes_loses_nothing(setup):
    article, admin, _ = setup
    before = claims(article)
    svc.merge_sentences(article, article.sentences[2].id, article.sentences[3].id, actor=admin)
    db.session.commit()
    svc.resegment(article, actor=admin)
    db.session.commit()
    assert len(article.sentences) == 4
    assert claims(article) == before
    assert db.session.scalar(db.select(db.func.count()).select_from(Sentence)) == 4


def test_split_through_a_whole_sentence_claim_keeps_its_text(setup):
    article, admin, reviewer = setup
    target = article.sentences[2]  # "Critics disagree." judged as a whole
    before = claims(article)
    svc.split_before_text(article, target.id, "disagree", actor=admin)
    db.session.commit()
    assert claims(article) == before  # the claim spans both parts now, recorded as a span
    ann = db.session.scalar(db.select(Annotation).where(Annotation.verdict == "disputed"))
    # the reviewer can still edit it without touching the span
    ann_svc.update_annotation(
        ann,
        {"note": "still fine", "span": {"start": ann.span_start, "end": ann.span_end}},
        actor=reviewer,
        expected_version=ann.version,
    )
    db.session.commit()


def test_api_merge_split_are_admin_only(client, setup, token_for):
    article, admin, reviewer = setup
    s = article.sentences
    body = {"first": s[1].id, "second": s[2].id}
    assert (
        client.post(
            f"/api/v1/articles/{article.id}/sentences/merge", json=body, headers=token_for(reviewer)
        ).status_code
        == 403
    )
    merged = client.post(
        f"/api/v1/articles/{article.id}/sentences/merge", json=body, headers=token_for(admin)
    )
    assert merged.status_code == 200
    data = merged.get_json()
    assert len(data["sentences"]) == 3
    for sentence in data["sentences"]:
        assert data["text"][sentence["start"] : sentence["end"]] == sentence["text"]
    bad = client.post(
        f"/api/v1/articles/{article.id}/sentences/split",
        json={"sentence_id": s[0].id, "offset": "x"},
        headers=token_for(admin),
    )
    assert bad.status_code == 422 and "offset" in bad.get_json()["error"]["fields"]
    again = client.post(f"/api/v1/articles/{article.id}/resegment", headers=token_for(admin))
    assert len(again.get_json()["sentences"]) == 4


def test_page_split_and_merge_for_admins(client, setup):
    from tests.conftest import login

    article, admin, reviewer = setup
    sid = article.sentences[1].id
    login(client, reviewer)
    assert (
        client.post(
            f"/articles/{article.id}/sentences/{sid}/split",
            data={"split_before": "the cost", "csrf_token": client.csrf},
        ).status_code
        == 403
    )
    admin_client = client.application.test_client()
    login(admin_client, admin)
    response = admin_client.post(
        f"/articles/{article.id}/sentences/{sid}/split",
        data={"split_before": "the cost", "csrf_token": admin_client.csrf},
        follow_redirects=True,
    )
    assert "Split the sentence in two" in response.get_data(as_text=True)
    refused = admin_client.post(
        f"/articles/{article.id}/sentences/{sid}/split",
        data={"split_before": "zebra", "csrf_token": admin_client.csrf},
        follow_redirects=True,
    )
    assert "Not split" in refused.get_data(as_text=True)
    merged = admin_client.post(
        f"/articles/{article.id}/sentences/{sid}/merge-next",
        data={"csrf_token": admin_client.csrf},
        follow_redirects=True,
    )
    assert "Merged the sentence" in merged.get_data(as_text=True)


def test_editing_the_text_reanchors_annotations_by_their_words(setup, client, token_for):
    article, admin, reviewer = setup
    before = claims(article)
    # new words in front, a typo fixed elsewhere, and the words of the "Critics disagree." claim removed
    new_text = "Breaking: " + TEXT.replace("Critics disagree.", "Critics were split.")
    response = client.patch(
        f"/api/v1/articles/{article.id}", headers=token_for(admin), json={"text": new_text}
    )
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["text"] == new_text
    for sentence in data["sentences"]:
        assert new_text[sentence["start"] : sentence["end"]] == sentence["text"]
    db.session.expire_all()
    lost = db.session.scalar(db.select(Annotation).where(Annotation.verdict == "disputed"))
    assert data["unplaced_annotations"] == [lost.id]
    assert lost.lost_quote == "Critics disagree."  # kept, listed, its words remembered
    after = {
        k: v for k, v in claims(db.session.get(type(article), article.id)).items() if k != lost.id
    }
    assert after == {k: v for k, v in before.items() if k != lost.id}  # the others kept their words
    assert db.session.scalar(db.select(db.func.count()).select_from(Annotation)) == 3


def test_editing_text_with_a_repeated_quote_picks_the_nearest(make_article, reviewer, admin):
    text = "Prices rose. The mayor said prices rose. Prices rose again later."
    article = make_article(text=text, title="t")
    second = article.sentences[1]
    start = text.index("prices rose", second.start)
    ann = ann_svc.annotate(
        second, {"verdict": "verified", "span": {"start": start, "end": start + 11}}, actor=reviewer
    )
    db.session.commit()
    result = svc.edit_text(article, "Intro. " + text, actor=admin)
    db.session.commit()
    assert result.unplaced == []
    assert (ann.span_start, ann.span_end) == (start + 7, start + 18)


def test_final_verdicts_follow_their_sentence_or_leave_a_revision(setup):
    from annotator.models import Adjudication
    from annotator.services.review.adjudication import adjudicate

    article, admin, _ = setup
    s = article.sentences
    adjudicate(s[2], "disputed", "second", actor=admin)
    adjudicate(s[3], "verified", "third", actor=admin)
    db.session.commit()
    svc.merge_sentences(
        article, s[1].id, s[2].id, actor=admin
    )  # s[2] goes; its verdict moves to s[1]
    db.session.commit()
    verdicts = {a.sentence_id: a.note for a in db.session.scalars(db.select(Adjudication))}
    assert verdicts == {article.sentences[1].id: "second", article.sentences[2].id: "third"}
    assert db.session.scalar(
        db.select(Revision).where(Revision.entity == "adjudication", Revision.action == "move")
    )
    svc.edit_text(
        article, "New start. " + article.text, actor=admin
    )  # the text changed: verdicts are recorded, then cleared
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Adjudication)) == 0
    removed = db.session.scalars(
        db.select(Revision).where(Revision.entity == "adjudication", Revision.action == "delete")
    ).all()
    assert sorted(r.before["note"] for r in removed) == ["second", "third"]


def test_moving_many_annotations_costs_no_extra_queries(app, make_article, reviewer, admin):
    from tests.web.test_workspace import count_queries

    def edit_with(claims: int) -> int:
        article = make_article(
            text=" ".join(f"Sentence number {i} here." for i in range(30)), title=f"t{claims}"
        )
        for sentence in article.sentences[1 : 1 + claims]:
            ann_svc.annotate(
                sentence,
                {"verdict": "verified", "links": [{"url": "https://example.org/x"}]},
                actor=reviewer,
            )
        db.session.commit()
        # new words in front: every sentence is new, so every annotation moves
        statements = count_queries(
            app, lambda: svc.edit_text(article, "Intro. " + article.text, actor=admin)
        )
        db.session.commit()
        return len(statements)

    assert edit_with(1) == edit_with(20)


def test_merge_with_next_joins_a_sentence_with_the_following_one(setup):
    article, admin, _ = setup
    first, second = article.sentences[1], article.sentences[2]
    svc.merge_with_next(article, first.id, actor=admin)
    assert article.text[article.sentences[1].start : article.sentences[1].end] == (
        "The mayor said the cost is $48 million. Critics disagree."
    )
    assert second.id not in [s.id for s in article.sentences]


def test_the_last_sentence_has_no_next_one_to_merge(setup):
    article, admin, _ = setup
    with pytest.raises(Invalid) as caught:
        svc.merge_with_next(article, article.sentences[-1].id, actor=admin)
    assert caught.value.fields == {
        "second": "this is the last sentence; there is nothing after it to merge."
    }


def test_update_article_changes_the_fields_then_the_text(setup):
    article, admin, _ = setup
    edited = svc.update_article(
        article,
        {"outlet": "Daily", "text": "Intro. " + article.text},
        actor=admin,
    )
    assert article.outlet == "Daily"
    assert article.text.startswith("Intro. Headline here")
    assert edited.unplaced == []


def test_update_article_without_text_leaves_the_text(setup):
    article, admin, _ = setup
    before = article.text
    edited = svc.update_article(article, {"title": "New title"}, actor=admin)
    assert (article.title, article.text, edited.moved, edited.unplaced) == (
        "New title",
        before,
        0,
        [],
    )


def test_an_edits_new_sentences_go_in_as_one_statement(make_article, admin, sentence_inserts):
    """Like a new article's (articles.insert_sentences): SQLite's full-text index writes what it
    gathered at the end of each statement, so a statement a sentence cost an edit the most."""
    article = make_article(
        text=" ".join(f"Sentence number {n} here." for n in range(60)), title="t"
    )
    old_ids = sorted(s.id for s in article.sentences)
    sentence_inserts.clear()  # making the article inserted its sentences
    svc.edit_text(article, "Intro. " + article.text, actor=admin)  # every sentence is new
    db.session.commit()
    assert sentence_inserts == [61 * 5]  # one statement with every row's five values
    db.session.expire_all()
    stored = db.session.scalars(
        db.select(Sentence).where(Sentence.article_id == article.id).order_by(Sentence.index)
    ).all()
    assert [s.index for s in stored] == list(range(61))
    assert [s.text for s in stored][:2] == ["Intro.", "Sentence number 0 here."]
    ids = [s.id for s in stored]
    assert ids == sorted(ids) and ids[0] > old_ids[-1]  # new ids, in order, as the ORM gave them
