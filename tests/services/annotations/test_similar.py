""" "Seen before": matches from other articles, the visibility rule, and an index every write keeps.

The claims' vectors are encoded the way the worker of `annotator serve` does (``catch_up``), right
after each judgement here; tests/services/test_claim_vectors.py covers the worker itself.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.extensions import db
from annotator.services.annotations import claim_vectors
from annotator.services.annotations.annotations import (
    annotate,
    delete_annotation,
    update_annotation,
)
from annotator.services.annotations.similar import (
    rebuild_index,
    similar_claims,
    similar_to_sentence,
)
from annotator.services.articles.boundaries import edit_text
from annotator.services.errors import Invalid
from annotator.services.review.adjudication import adjudicate

FIRST = (
    "Flood barrier row\n\n"
    "Mayor Dana Okafor said the flood barrier would cost $48 million. "
    "The vote was held on Tuesday."
)
SECOND = (
    "Barrier costs questioned\n\n"
    "Okafor claimed the city's flood barrier will cost 48 million dollars. "
    "Residents gathered at the town hall."
)


@pytest.fixture
def two(make_article):
    first = make_article(text=FIRST, title="Flood barrier row", published_at="2026-11-01")
    second = make_article(text=SECOND, title="Barrier costs questioned")
    return first, second


def claim_sentence(article):
    return next(s for s in article.sentences if "barrier" in s.text and "cost" in s.text)


def judge(article, user, verdict="disputed", **fields):
    ann = annotate(
        claim_sentence(article),
        {
            "verdict": verdict,
            "attributed_to": "Dana Okafor",
            "note": "private reasoning",
            "links": [{"url": "https://www.reuters.com/flood", "credibility": "high"}],
            **fields,
        },
        actor=user,
    )
    db.session.commit()
    claim_vectors.catch_up()  # what the background worker does within seconds
    return ann


def matches(article, viewer, text=None):
    query = text if text is not None else claim_sentence(article).text
    return similar_claims(query, viewer=viewer, article_id=article.id)


def test_a_reviewer_sees_their_own_earlier_verdict_with_its_evidence(two, reviewer) -> None:
    first, second = two
    ann = judge(first, reviewer)
    [match] = matches(second, reviewer)
    assert match["annotation_id"] == ann.id
    assert match["claim"] == claim_sentence(first).text
    assert (match["verdict"], match["attributed_to"]) == ("disputed", "Dana Okafor")
    assert match["links"][0]["url"] == "https://www.reuters.com/flood"
    assert match["links"][0]["credibility"] == "high"
    assert match["article"] == {
        "id": first.id,
        "title": "Flood barrier row",
        "published_at": "2026-11-01",
    }
    assert "note" not in match and 0 <= match["score"] <= 1
    # A paraphrase of the same claim: offered as such, in its language, with the shared words.
    assert (match["tier"], match["language"]) == ("same", "en")
    claim, query = match["claim"], claim_sentence(second).text
    assert {"flood", "barrier", "Okafor", "48"} <= {claim[a:b] for a, b in match["shared"]["claim"]}
    assert {"flood", "barrier", "Okafor", "48"} <= {query[a:b] for a, b in match["shared"]["query"]}
    assert match["verdicts"] == [{"verdict": "disputed", "reviewer": reviewer.username}]


def test_the_same_article_is_never_offered(two, reviewer, admin) -> None:
    first, second = two
    judge(first, reviewer)
    assert matches(first, reviewer) == []
    assert matches(first, admin) == []  # an admin's matches take another path through the SQL
    assert len(matches(second, admin)) == 1


def test_another_reviewers_unadjudicated_verdict_stays_hidden(
    two, reviewer, make_user, admin
) -> None:
    first, second = two
    bob = make_user("reviewer", "bob")
    judge(first, bob)
    assert matches(second, reviewer) == []
    assert [m["reviewer"] for m in matches(second, admin)] == ["bob"]


def test_an_adjudicated_verdict_is_shown_to_every_reviewer(two, reviewer, make_user, admin) -> None:
    first, second = two
    bob = make_user("reviewer", "bob")
    agreeing = judge(first, bob, "disputed")
    carol = make_user("reviewer", "carol")
    judge(first, carol, "verified")  # overruled: stays hidden
    adjudicate(claim_sentence(first), "disputed", "", actor=admin)
    db.session.commit()
    [match] = matches(second, reviewer)
    assert (match["annotation_id"], match["final_verdict"]) == (agreeing.id, "disputed")
    assert match["reviewer"] is None  # whose it was stays blind


def test_deleted_annotations_are_not_offered(two, reviewer, admin) -> None:
    first, second = two
    ann = judge(first, reviewer)
    delete_annotation(ann, actor=reviewer)
    db.session.commit()
    assert matches(second, reviewer) == []
    assert matches(second, admin) == []


def test_a_span_is_matched_by_its_words_only(two, reviewer) -> None:
    first, second = two
    sentence = claim_sentence(first)
    words = "the flood barrier would cost $48 million"
    start = first.text.index(words)
    judge(first, reviewer, span={"start": start, "end": start + len(words)})
    [match] = matches(second, reviewer)
    assert match["claim"] == words
    assert match["span"] == {"start": start, "end": start + len(words)}
    assert matches(second, reviewer, "Residents gathered at the town hall.") == []
    assert sentence.text.startswith("Mayor")


def test_matches_follow_edits_of_attribution_and_text(two, reviewer, admin) -> None:
    from annotator.models import ClaimVector

    first, second = two
    ann = judge(first, reviewer)
    assert [m["attributed_to"] for m in matches(second, reviewer)] == ["Dana Okafor"]
    update_annotation(
        ann, {"attributed_to": "Councillor Lee"}, actor=reviewer, expected_version=ann.version
    )
    db.session.commit()
    assert [m["attributed_to"] for m in matches(second, reviewer)] == ["Councillor Lee"]
    before = db.session.scalar(db.select(ClaimVector.text_hash))
    edit_text(first, FIRST.replace("flood barrier", "seawall"), actor=admin)
    db.session.commit()
    # The stored vector is of the old words: stale, so on the work list, and encoded again.
    assert [c.text for c in claim_vectors.pending()] == [claim_sentence_text(first, "seawall")]
    assert claim_vectors.catch_up() == 1
    assert db.session.scalar(db.select(ClaimVector.text_hash)) != before
    asked = "Okafor claimed the city's seawall will cost 48 million dollars."
    [match] = matches(second, reviewer, asked)
    assert "seawall" in match["claim"]


def claim_sentence_text(article, word: str) -> str:
    db.session.refresh(article)
    return next(s.text for s in article.sentences if word in s.text)


def test_rebuild_index_restores_a_lost_index(two, reviewer) -> None:
    from annotator.models import ClaimVector

    first, second = two
    judge(first, reviewer)
    db.session.execute(db.text("DELETE FROM claim_index"))
    assert len(matches(second, reviewer)) == 1  # found by meaning: its vector is stored
    db.session.execute(db.delete(ClaimVector))
    claim_vectors.forget()
    assert matches(second, reviewer) == []  # neither its words nor its vector are indexed
    assert rebuild_index() == 1
    assert len(matches(second, reviewer)) == 1  # its words again, its vector encoded on demand


HOSTILE = [
    "",
    "   ",
    '"unbalanced',
    "NEAR(barrier cost)",
    "barr*",
    "-barrier",
    "claim:barrier",
    "^barrier",
    "barrier & cost | !okafor <-> x:*",
    "'; DROP TABLE annotations; --",
    "\x00\x01barrier\x1f",
    "barrier " * 1500,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_gives_results_or_nothing(two, reviewer, text) -> None:
    first, second = two
    judge(first, reviewer)
    found = matches(second, reviewer, text)
    assert all(m["annotation_id"] for m in found)


@pytest.mark.parametrize(
    ("start", "end", "limit", "field"),
    [
        ("x", None, "5", "start"),
        (None, "-1", "5", "end"),
        (None, None, "0", "limit"),
        (None, None, "99", "limit"),
        ("999999", None, "5", "span"),
    ],
)
def test_bad_span_or_limit_names_the_field(two, reviewer, start, end, limit, field) -> None:
    _, second = two
    with pytest.raises(Invalid) as error:
        similar_to_sentence(
            claim_sentence(second), viewer=reviewer, start=start, end=end, limit=limit
        )
    assert field in error.value.fields


def test_matched_from_is_recorded_and_checked(two, reviewer, make_user) -> None:
    first, second = two
    earlier = judge(first, reviewer)
    copy = judge(second, reviewer, matched_from=earlier.id)
    assert copy.matched_from_id == earlier.id
    bob = make_user("reviewer", "bob")
    with pytest.raises(Invalid) as error:
        judge(second, bob, matched_from=earlier.id)  # not Bob's to see
    assert "matched_from" in error.value.fields
    with pytest.raises(Invalid):
        judge(second, reviewer, matched_from="12")


def _export(viewer) -> str:
    from annotator.services.exchange import exports

    options = exports.parse_options({"all_articles": "1"})
    return "".join(
        exports.export_chunks("json", exports.parse_filter({}), viewer=viewer, options=options)
    )


@pytest.mark.parametrize("renumbered", [False, True])
def test_matched_from_survives_the_json_round_trip(two, reviewer, admin, renumbered) -> None:
    import json

    from annotator.models import Annotation, Article
    from annotator.services.exchange.reload import reload_export

    first, second = two
    earlier = judge(first, reviewer)
    judge(second, reviewer, matched_from=earlier.id)
    document = _export(admin)
    copies = [
        a
        for article in json.loads(document)["articles"]
        for s in article["sentences"]
        for a in s["annotations"]
        if a.get("matched_from")
    ]
    assert [a["matched_from"] for a in copies] == [earlier.id]
    if renumbered:  # ids still taken: the restore gives new ones
        for article in db.session.scalars(db.select(Article)):
            article.deleted_at = article.created_at
    else:  # an empty instance: ids kept
        db.session.execute(db.delete(Annotation))
        db.session.execute(db.delete(Article))
    db.session.commit()
    summary = reload_export(document.encode(), "backup.json", actor=None)
    db.session.commit()
    assert summary.ids_kept is not renumbered
    restored = db.session.scalars(
        db.select(Annotation)
        .join(Annotation.sentence)
        .join(Article)
        .where(Article.deleted_at.is_(None))
    ).all()
    [copy] = [a for a in restored if a.matched_from_id is not None]
    [origin] = [a for a in restored if a.matched_from_id is None]
    assert copy.matched_from_id == origin.id
    assert (origin.id == earlier.id) is not renumbered


@pytest.mark.parametrize("format_name", ["csv", "jsonl"])
def test_matched_from_is_in_the_csv_and_jsonl_exports(two, reviewer, admin, format_name) -> None:
    import csv
    import io
    import json

    from annotator.services.exchange import exports

    first, second = two
    earlier = judge(first, reviewer)
    copy = judge(second, reviewer, matched_from=earlier.id)
    text = "".join(
        exports.export_chunks(
            format_name,
            exports.parse_filter({}),
            viewer=admin,
            options=exports.parse_options({}),
        )
    )
    if format_name == "csv":
        rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
        found = {int(r["annotation_id"]): r["matched_from"] for r in rows}
        assert found == {earlier.id: "", copy.id: str(earlier.id)}
    else:
        lines = [json.loads(line) for line in text.splitlines()]
        assert {line["id"]: line["matched_from"] for line in lines} == {
            earlier.id: None,
            copy.id: earlier.id,
        }


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300) | st.text(alphabet="\"*-:^()&|!<>NEAR OR\\'\x00 ", max_size=80))
def test_any_text_gives_matches_or_nothing(two, reviewer, text) -> None:
    first, second = two
    if not db.session.scalar(db.select(db.func.count()).select_from(db.text("claim_index"))):
        judge(first, reviewer)
    found = matches(second, reviewer, text)
    assert all(0 <= m["score"] <= 1 for m in found)


COMMON_CLAIMS = " ".join(
    f"The council said the budget rose by {n} percent in the {w} quarter."
    for n, w in zip(range(2, 26), ("first", "second", "third", "fourth") * 6, strict=True)
)


@pytest.fixture
def crowded(make_article, reviewer):
    """An article of 24 claims of common words and one that also names the zeppelin."""
    text = "Budget claims\n\n" + COMMON_CLAIMS + " The council said the zeppelin budget rose."
    crowd = make_article(text=text, title="Budget claims")
    for sentence in crowd.sentences:
        if sentence.index:
            annotate(sentence, {"verdict": "unproven"}, actor=reviewer)
    db.session.commit()
    query = make_article(text="Zeppelin\n\nCouncil says the zeppelin budget rose.", title="Z")
    return crowd, query


def test_the_rare_word_finds_its_claim_among_many_common_ones(
    crowded, reviewer, monkeypatch
) -> None:
    """The lexical pool (the second source of candidates beside the vectors): the engine ranks
    only the rows holding the rarer words once common words fill the budget, and BM25 over every
    word of the sentence orders what it passes on."""
    from annotator.models import Annotation
    from annotator.services.annotations import similar
    from annotator.text import similarity

    crowd, query = crowded
    sentence = query.sentences[-1]
    asked: list[str] = []

    def pool() -> list[str]:
        found = similar._candidates(sentence.text, viewer=reviewer, article_id=query.id)
        ids = [key for key, _ in similarity.rerank(sentence.text, found)]
        claims = {c.id: c.text for c in found}
        assert set(ids) <= set(db.session.scalars(db.select(Annotation.id)))
        return [claims[key] for key in ids]

    @db.event.listens_for(db.engine, "before_cursor_execute")
    def spy(conn, cursor, statement, parameters, context, executemany) -> None:
        if "claim_index" in statement and "LIMIT" in statement:
            asked.append(repr(parameters))

    try:
        roomy = pool()
        monkeypatch.setattr(similar, "BUDGET", 3)
        tight = pool()
    finally:
        db.event.remove(db.engine, "before_cursor_execute", spy)
    assert len(roomy) == 25  # every claim shares "council", "budget", "rose" with the sentence
    assert "zeppelin" in roomy[0]
    assert tight == ["The council said the zeppelin budget rose."]
    assert "budget" in asked[0] and "budget" not in asked[-1] and "zeppelin" in asked[-1]
    # What the panel offers of them: the one claim about the zeppelin's budget, not the 24
    # claims about percentages that merely share words with it.
    offered = similar_to_sentence(sentence, viewer=reviewer, limit=20)["items"]
    assert [m["claim"] for m in offered][:1] == ["The council said the zeppelin budget rose."]
    assert all("percent" not in m["claim"] for m in offered if m["tier"] == "same")
