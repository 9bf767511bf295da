"""Claim vectors and the matches they give: one per distinct claim, encoded off the save path by an
idempotent worker, tiers from the desk's settings, and the acceptance scenario of issue 23 (a wire
story among earlier fact-checks)."""

from __future__ import annotations

import collections
import csv
import threading
import time

import pytest
from sqlalchemy import event

from annotator.extensions import db
from annotator.models import ClaimVector
from annotator.services.annotations import claim_vectors
from annotator.services.annotations.annotations import annotate, delete_annotation
from annotator.services.annotations.similar import (
    match_thresholds,
    set_match_thresholds,
    similar_claims,
    similar_to_sentence,
)
from annotator.services.errors import Forbidden, Invalid
from annotator.services.review.adjudication import adjudicate
from annotator.text import claim_score, encoder
from tests.conftest import corpus_file
from tests.services.annotations.test_similar import FIRST, SECOND, claim_sentence


@pytest.fixture(autouse=True)
def _no_notes_from_earlier_tests(monkeypatch):
    """Each test starts with no sentence noted as changed and the worker not woken. Both live in
    the process: an earlier test's commits left them set, and a worker started here then woke at
    once and took a round the test did not cause (a whole look, when the machine has been up
    longer than FULL_SWEEP)."""
    monkeypatch.setattr(claim_vectors, "_changed", set())
    monkeypatch.setattr(claim_vectors, "_wake", threading.Event())


@pytest.fixture
def two(make_article):
    return make_article(text=FIRST, title="Flood barrier row"), make_article(
        text=SECOND, title="Barrier costs questioned"
    )


def judge(article, user, verdict="disputed", **fields):
    ann = annotate(claim_sentence(article), {"verdict": verdict, **fields}, actor=user)
    db.session.commit()
    return ann


def offered(article, viewer, words=None):
    query = words if words is not None else claim_sentence(article).text
    return similar_claims(query, viewer=viewer, article_id=article.id)


def rows() -> list[tuple[int, int, int, str]]:
    db.session.commit()  # a fresh read
    return db.session.execute(
        db.select(
            ClaimVector.sentence_id, ClaimVector.span_start, ClaimVector.span_end, ClaimVector.model
        ).order_by(ClaimVector.id)
    ).all()


@pytest.fixture
def no_encoding(monkeypatch):
    """Any call into the encoder fails the test."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the encoder was called")

    monkeypatch.setattr(encoder, "encode_claims", refuse)
    monkeypatch.setattr(encoder, "encode_sentence", refuse)


def test_a_save_never_encodes_and_leaves_the_claim_on_the_work_list(
    two, reviewer, no_encoding
) -> None:
    first, _ = two
    judge(first, reviewer)
    assert [c.text for c in claim_vectors.pending()] == [claim_sentence(first).text]
    assert rows() == []


def test_two_judgements_of_one_claim_share_a_vector_and_appear_once(
    two, reviewer, make_user, admin
) -> None:
    first, second = two
    bob = make_user("reviewer", "bob")
    judge(first, reviewer, "disputed")
    judge(first, bob, "verified")
    words = "the flood barrier would cost $48 million"
    at = first.text.index(words)
    judge(first, bob, "unproven", span={"start": at, "end": at + len(words)})  # another claim
    assert claim_vectors.catch_up() == 2
    sentence = claim_sentence(first)
    assert [row[:3] for row in rows()] == [
        (sentence.id, -1, -1),
        (sentence.id, at, at + len(words)),
    ]
    seen = offered(second, admin)
    whole = [m for m in seen if m["claim"] == sentence.text]
    assert len(whole) == 1  # two reviewers, one entry
    assert sorted((v["verdict"], v["reviewer"]) for v in whole[0]["verdicts"]) == [
        ("disputed", reviewer.username),
        ("verified", "bob"),
    ]
    assert {m["claim"] for m in seen} == {sentence.text, words}
    # Blind review: Alice sees her own verdict on it, never Bob's.
    [mine] = [m for m in offered(second, reviewer) if m["claim"] == sentence.text]
    assert mine["verdicts"] == [{"verdict": "disputed", "reviewer": reviewer.username}]
    assert all(m["claim"] != words for m in offered(second, reviewer))


def test_a_settled_claim_shows_its_final_verdict_once(two, reviewer, make_user, admin) -> None:
    first, second = two
    bob, carol = make_user("reviewer", "bob"), make_user("reviewer", "carol")
    agreeing = judge(first, bob, "disputed")
    judge(first, carol, "verified")
    adjudicate(claim_sentence(first), "disputed", "", actor=admin)
    db.session.commit()
    claim_vectors.catch_up()
    [match] = offered(second, reviewer)
    assert (match["annotation_id"], match["final_verdict"]) == (agreeing.id, "disputed")
    assert match["verdicts"] == [{"verdict": "disputed", "reviewer": None}]  # carol's stays hidden
    [seen] = offered(second, admin)
    assert seen["annotation_id"] == agreeing.id  # what m copies agrees with the final verdict
    assert len(seen["verdicts"]) == 2


def test_tiers_come_from_the_desk_settings(two, reviewer, admin) -> None:
    first, second = two
    judge(first, reviewer)
    claim_vectors.catch_up()
    assert match_thresholds() == (claim_score.SAME_CLAIM, claim_score.RELATED)
    [match] = offered(second, reviewer)
    assert match["tier"] == "same" and match["score"] >= claim_score.SAME_CLAIM
    # A desk that wants certainty: nothing short of a probability of 1 is "same claim".
    set_match_thresholds(1.0, claim_score.RELATED, actor=admin)
    db.session.commit()
    assert [m["tier"] for m in offered(second, reviewer)] == ["related"]
    set_match_thresholds(1.0, 1.0, actor=admin)
    db.session.commit()
    assert offered(second, reviewer) == []  # below the related tier: nothing is offered


def test_a_short_sentence_is_never_the_same_claim(two, reviewer) -> None:
    first, second = two
    judge(first, reviewer)
    claim_vectors.catch_up()
    found = offered(second, reviewer, "Okafor: barrier costs $48 million.")
    assert found and all(m["tier"] == "related" for m in found)


def test_an_unrelated_sentence_is_offered_nothing(two, reviewer) -> None:
    first, second = two
    judge(first, reviewer)
    claim_vectors.catch_up()
    assert offered(second, reviewer, "Residents gathered at the town hall.") == []
    sentence = next(s for s in second.sentences if "Residents" in s.text)
    assert similar_to_sentence(sentence, viewer=reviewer)["items"] == []


@pytest.mark.parametrize(
    ("same", "related", "field"),
    [("x", 0.3, "same_claim"), (0.8, 1.5, "related"), (0.5, 0.7, "related"), (0, 0, "same_claim")],
)
def test_bad_tiers_are_refused_naming_the_field(admin, same, related, field) -> None:
    with pytest.raises(Invalid) as error:
        set_match_thresholds(same, related, actor=admin)
    assert field in error.value.fields


def test_only_admins_set_the_tiers(reviewer) -> None:
    with pytest.raises(Forbidden):
        set_match_thresholds(0.9, 0.4, actor=reviewer)


def test_a_vector_of_another_model_or_older_words_is_encoded_again(two, reviewer) -> None:
    first, _ = two
    judge(first, reviewer)
    assert claim_vectors.catch_up() == 1
    db.session.execute(db.update(ClaimVector).values(model="an-older-encoder"))
    db.session.commit()
    assert len(claim_vectors.pending()) == 1
    assert claim_vectors.catch_up() == 1
    assert [row[3] for row in rows()] == [encoder.MODEL]
    db.session.execute(db.update(ClaimVector).values(text_hash="0" * 64))
    db.session.commit()
    assert claim_vectors.catch_up() == 1
    assert claim_vectors.pending() == []


def test_catching_up_twice_changes_nothing(two, reviewer) -> None:
    first, second = two
    judge(first, reviewer)
    judge(second, reviewer)
    assert claim_vectors.catch_up() == 2
    before = db.session.scalars(db.select(ClaimVector.id).order_by(ClaimVector.id)).all()
    assert claim_vectors.catch_up() == 0
    assert claim_vectors.encode_pending() == 0
    db.session.commit()
    assert db.session.scalars(db.select(ClaimVector.id).order_by(ClaimVector.id)).all() == before


def test_concurrent_workers_encode_each_claim_once(
    app, make_article, reviewer, monkeypatch
) -> None:
    articles = [
        make_article(text=f"Claim {n}\n\nThe mayor said the bridge {n} would cost {n} million.")
        for n in range(1, 7)
    ]
    for article in articles:
        annotate(article.sentences[-1], {"verdict": "unproven"}, actor=reviewer)
    db.session.commit()
    encoded: list[str] = []
    real = encoder.encode_claims

    def counting(texts):
        encoded.extend(texts)
        time.sleep(0.05)  # long enough for the other worker to try
        return real(texts)

    monkeypatch.setattr(encoder, "encode_claims", counting)
    monkeypatch.setattr(claim_vectors, "BATCH", 2)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            with app.app_context():
                while claim_vectors.encode_pending(2, wait=True):
                    pass
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures
    assert sorted(encoded) == sorted(a.sentences[-1].text for a in articles)  # each once
    assert len(rows()) == 6 and claim_vectors.pending() == []


def test_the_background_worker_catches_up_after_a_save(app, two, reviewer) -> None:
    first, second = two
    worker = claim_vectors.Worker(app, sweep=0.2)
    worker.start()
    try:
        judge(first, reviewer)  # the commit wakes the worker
        deadline = time.monotonic() + 30
        while rows() == [] and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
        worker.join(timeout=30)
    assert [row[:3] for row in rows()] == [(claim_sentence(first).id, -1, -1)]
    assert not worker.is_alive() and worker.written == 1


def test_reindex_fills_in_what_is_missing_with_progress(runner, two, reviewer) -> None:
    first, second = two
    judge(first, reviewer)
    gone = judge(second, reviewer)
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "Claim vectors: 2 of 2 encoded" in result.output
    assert "Encoded 2 claims; 2 of 2 judged claims have a vector." in result.output
    ids = db.session.scalars(db.select(ClaimVector.id)).all()
    again = runner.invoke(args=["reindex"])
    assert "Encoded 0 claims; 2 of 2 judged claims have a vector." in again.output
    delete_annotation(gone, actor=reviewer)
    db.session.commit()
    full = runner.invoke(args=["reindex", "--full"])
    assert full.exit_code == 0, full.output
    assert "Encoded 1 claims; 1 of 1 judged claims have a vector." in full.output
    db.session.commit()
    [row] = db.session.scalars(db.select(ClaimVector.id)).all()
    assert row not in ids  # encoded again; the deleted claim's row is gone


# --------------------------------------------------------------------------- the acceptance scenario

SPANISH = "Una pareja de California le puso a su bebé recién nacido un emoji como nombre."
ENGLISH = "A couple in California reportedly named their newborn baby with an emoji."
EMOJI_CLAIM = 9  # "A California couple gave their newborn child an emoji for a name."


def _fact_checks(count: int) -> list[tuple[str, str]]:
    """The first ``count`` CheckThat! claims: (claim, the fact-check's title)."""
    path = corpus_file("claim-retrieval/verified_claims.docs.tsv")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader)
        return [(claim.strip(), title.strip()) for _, claim, title in list(reader)[:count]]


@pytest.fixture
def desk(make_article, make_user, admin):
    """A desk that imported 36 earlier fact-checks (each judged by two reviewers and settled)
    and then the Kherson wire story."""
    checkers = [make_user("reviewer", "ana"), make_user("reviewer", "ben")]
    verdicts = ("disputed", "unproven", "verified")
    for n, (claim, title) in enumerate(_fact_checks(36)):
        article = make_article(text=f"{title}\n\n{claim}", title=title)
        sentence = article.sentences[-1]
        verdict = verdicts[n % 3]
        for checker in checkers:
            annotate(sentence, {"verdict": verdict, "attributed_to": "Snopes"}, actor=checker)
        adjudicate(sentence, verdict, "", actor=admin)
    db.session.commit()
    story = corpus_file("kherson-withdrawal.txt").read_text(encoding="utf-8")
    title, body = story.split("\n", 1)
    wire = make_article(text=body.strip(), title=title.strip())
    claim_vectors.catch_up()
    return wire


def test_a_wire_story_among_earlier_fact_checks(desk, make_article, reviewer) -> None:
    sentences = [s for s in desk.sentences if len(s.text.split()) >= 4]
    offers = {s.text: similar_to_sentence(s, viewer=reviewer)["items"] for s in sentences}
    quiet = [text for text, items in offers.items() if not items]
    print(f"{len(quiet)} of {len(offers)} sentences of the story: no earlier claim like this")
    assert len(quiet) >= 0.9 * len(offers), {t: i[0]["claim"] for t, i in offers.items() if i}
    emoji_claim = _fact_checks(EMOJI_CLAIM + 1)[EMOJI_CLAIM][0]

    # An English paraphrase: offered as the same claim, with its verdict, once.
    english = make_article(text=f"Emoji baby\n\n{ENGLISH}", title="Emoji baby")
    [best, *_] = similar_to_sentence(english.sentences[-1], viewer=reviewer)["items"]
    assert (best["claim"], best["tier"], best["final_verdict"]) == (emoji_claim, "same", "disputed")
    assert len(best["annotation_ids"]) == 2  # two reviewers' judgements, one match
    assert best["language"] == "en"

    # A Spanish paraphrase finds the English fact-check too.
    spanish = make_article(text=f"Bebé emoji\n\n{SPANISH}", title="Bebé emoji", language="es")
    found = similar_to_sentence(spanish.sentences[-1], viewer=reviewer)["items"]
    assert found and found[0]["claim"] == emoji_claim
    assert found[0]["tier"] in ("same", "related") and found[0]["language"] == "en"


def test_an_imported_articles_sentences_are_encoded_ahead_by_the_worker(
    app, make_article, monkeypatch
) -> None:
    asked: list[str] = []
    real = encoder.encode_sentence
    monkeypatch.setattr(encoder, "encode_sentence", lambda t: asked.append(t) or real(t))
    worker = claim_vectors.Worker(app, sweep=0.2)
    worker.start()
    try:
        article = make_article(text=FIRST, title="Flood barrier row")  # committed: wakes it
        wanted = [s.text for s in sorted(article.sentences, key=lambda s: s.index)]
        db.session.commit()
        deadline = time.monotonic() + 30
        while len(asked) < len(wanted) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
        worker.join(timeout=30)
    assert asked[: len(wanted)] == wanted  # so its first reviewer's panel need not wait


def test_the_worker_finds_a_claim_saved_by_another_process(app, two, reviewer) -> None:
    """No commit of this process wakes it: the tables' fingerprint changes, so it looks."""
    first, _ = two
    sentence_id = claim_sentence(first).id
    worker = claim_vectors.Worker(app, sweep=0.1)
    worker.start()
    try:
        time.sleep(0.5)  # its first look: nothing to do
        db.session.execute(  # as another process would write it: no ORM object in this session
            db.text(
                "INSERT INTO annotations (sentence_id, reviewer_id, verdict, attributed_to, note, "
                "version, created_at, updated_at) VALUES (:s, :r, 'disputed', '', '', 1, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"s": sentence_id, "r": reviewer.id},
        )
        db.session.commit()
        deadline = time.monotonic() + 30
        while rows() == [] and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
        worker.join(timeout=30)
    assert [row[:3] for row in rows()] == [(sentence_id, -1, -1)]


def test_a_save_written_without_the_orm_still_wakes_the_worker(two, reviewer) -> None:
    # create_annotation INSERTs directly (no flush to notice): its commit must wake the worker.
    first, _ = two
    claim_vectors._wake.clear()
    judge(first, reviewer)
    assert claim_vectors._wake.is_set()


def test_after_a_save_the_worker_reads_only_the_saved_sentence(
    app, two, reviewer, monkeypatch
) -> None:
    """A save must not cost the worker a read of every claim the desk holds."""
    first, second = two
    walked: list[object] = []
    real = claim_vectors._walk
    monkeypatch.setattr(
        claim_vectors, "_walk", lambda ids=None, **kw: walked.append(ids) or real(ids, **kw)
    )
    # Not the two articles' encoding ahead: when it ends after the save (the model loads on a
    # process's first encoding, seconds on a busy machine) the worker looks at the whole list,
    # rightly, since the claims changed meanwhile; that look is not the save's.
    monkeypatch.setattr(claim_vectors, "_ahead", collections.deque())
    worker = claim_vectors.Worker(app, sweep=60)  # no timed look during the test
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while not walked and time.monotonic() < deadline:  # its first, whole look
            time.sleep(0.02)
        assert walked == [None]
        judge(first, reviewer)
        while len(rows()) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
        worker.join(timeout=30)
    assert [row[:3] for row in rows()] == [(claim_sentence(first).id, -1, -1)]
    assert walked[1:] and all(ids == {claim_sentence(first).id} for ids in walked[1:])


@pytest.fixture
def windows(monkeypatch):
    """The sentence windows (after, upto] the whole work list is read in, two judgements each."""
    monkeypatch.setattr(claim_vectors, "_FIRST_AT_ONCE", 2, raising=False)
    monkeypatch.setattr(claim_vectors, "_MOST_AT_ONCE", 2, raising=False)
    seen: list[tuple[int, int]] = []

    def note(_conn, _cursor, statement, _parameters, context, _many) -> None:
        if "JOIN claim_vectors v" in statement:
            bound = context.compiled_parameters[0]
            seen.append((bound.get("after"), bound.get("upto")))

    event.listen(db.engine, "before_cursor_execute", note)
    yield seen
    event.remove(db.engine, "before_cursor_execute", note)


def bridges(make_article, reviewer, count: int) -> list:
    articles = [
        make_article(text=f"Claim {n}\n\nThe mayor said the bridge {n} would cost {n} million.")
        for n in range(1, count + 1)
    ]
    for article in articles:
        annotate(article.sentences[-1], {"verdict": "unproven"}, actor=reviewer)
    db.session.commit()
    return articles


def test_a_batch_reads_the_work_list_a_window_of_sentences_at_a_time(
    make_article, reviewer, windows, no_encoding
) -> None:
    """A desk of a million claims: a batch must not read them all to find its first few."""
    articles = bridges(make_article, reviewer, 8)
    assert [c.text for c in claim_vectors.pending(1)] == [articles[0].sentences[-1].text]
    claimed = [a.sentences[-1].id for a in articles]
    assert windows == [(0, claimed[1])]  # the first two judgements, and no further
    windows.clear()
    assert len(claim_vectors.pending()) == 8  # from the first claim found on, and round
    assert windows[0][0] == claimed[0] - 1
    for sentence_id in claimed:  # each read once, in windows of two judgements at most
        assert len([w for w in windows if w[0] < sentence_id <= w[1]]) == 1
    for after, upto in windows:
        assert len([s for s in claimed if after < s <= upto]) <= 2
    assert claim_vectors.counts() == (0, 8)


def test_the_next_batch_starts_where_the_last_found_work_and_goes_round(
    make_article, reviewer, windows
) -> None:
    articles = bridges(make_article, reviewer, 6)
    assert claim_vectors.encode_pending(2) == 2  # the first two articles' claims
    windows.clear()
    later = claim_vectors.pending(1)
    assert [c.text for c in later] == [articles[2].sentences[-1].text]
    assert windows[0][0] >= articles[0].sentences[-1].id  # not the encoded first claim again
    # A claim judged before the cursor is found once the walk goes round.
    annotate(articles[0].sentences[0], {"verdict": "disputed"}, actor=reviewer)
    db.session.commit()
    while claim_vectors.encode_pending(2):
        pass
    assert claim_vectors.pending() == []
    assert claim_vectors.counts() == (7, 7)
    keys = {(row[0], row[1], row[2]) for row in rows()}
    assert (articles[0].sentences[0].id, -1, -1) in keys
    assert len(keys) == 7


def test_a_full_rebuild_still_reaches_every_claim_from_the_cursor(
    make_article, reviewer, windows
) -> None:
    bridges(make_article, reviewer, 5)
    assert claim_vectors.catch_up() == 5
    assert claim_vectors.encode_pending(1) == 0
    claim_vectors._cursor[claim_vectors._database()] = 10**9  # past the last sentence
    assert len(claim_vectors.pending()) == 0
    assert claim_vectors.catch_up(full=True) == 5
    assert claim_vectors.counts() == (5, 5)
