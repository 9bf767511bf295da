"""Search: the database's own full-text engine, kept current by every write, with blind review."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.extensions import db
from annotator.services import search as svc
from annotator.services.annotations.annotations import (
    annotate,
    delete_annotation,
    undelete_annotation,
    update_annotation,
)
from annotator.services.articles import boundaries
from annotator.services.errors import Forbidden, Invalid
from annotator.services.review.adjudication import adjudicate

STORY = (
    "Russia leaves Kherson\n\n"
    "Unproven footage showed soldiers crossing the river at night. Officials said the bridge was destroyed.\n\n"
    "Moscow's ministry called the withdrawal orderly. Kyiv said nothing."
)


@pytest.fixture
def kherson(app, make_article, make_user, admin):
    alice, bob = make_user("reviewer", "alice"), make_user("reviewer", "bob")
    article = make_article(
        text=STORY, title="Russia leaves Kherson", outlet="Wire Daily", published_at="2022-11-11"
    )
    footage, bridge = article.sentences[1], article.sentences[2]
    mine = annotate(
        footage,
        {
            "verdict": "unproven",
            "note": "alice checked the geolocation",
            "attributed_to": "social media",
            "links": [
                {
                    "url": "https://www.reuters.com/world/kherson-footage",
                    "title": "Reuters factcheck",
                    "credibility": "high",
                }
            ],
        },
        actor=alice,
    )
    theirs = annotate(
        footage, {"verdict": "disputed", "note": "bob secretnote about footage"}, actor=bob
    )
    annotate(bridge, {"verdict": "verified", "note": "satellite images"}, actor=bob)
    db.session.commit()
    return {
        "article": article,
        "alice": alice,
        "bob": bob,
        "admin": admin,
        "mine": mine,
        "theirs": theirs,
    }


def kinds(page) -> list[str]:
    return [hit.kind for hit in page.items]


def texts(page) -> str:
    return " | ".join("".join(p for p, _ in hit.context + hit.detail) for hit in page.items)


def test_a_phrase_finds_the_sentence_with_its_words_marked(kherson) -> None:
    page = svc.search(
        '"unproven footage"', svc.SearchFilter(kinds=("sentence",)), viewer=kherson["alice"]
    )
    assert page.total == 1 and page.items[0].sentence_id == kherson["article"].sentences[1].id
    marked = [piece for piece, matched in page.items[0].context if matched]
    assert [m.lower() for m in marked] == ["unproven", "footage"]
    # the paragraph is the context: the next sentence of the same paragraph is there too
    assert "bridge was destroyed" in texts(page)
    assert (
        svc.search(
            '"footage unproven"', svc.SearchFilter(kinds=("sentence",)), viewer=kherson["alice"]
        ).total
        == 0
    )


def test_prefix_negation_and_punctuation(kherson) -> None:
    viewer = kherson["admin"]
    assert svc.search("foot*", svc.SearchFilter(kinds=("sentence",)), viewer=viewer).total == 1
    assert svc.search("kherson -footage", svc.SearchFilter(), viewer=viewer).total >= 1
    assert (
        "footage"
        not in texts(svc.search("kherson -footage", svc.SearchFilter(), viewer=viewer)).lower()
    )
    found = svc.search("reuters.com", svc.SearchFilter(kinds=("link",)), viewer=viewer)
    assert found.total == 1 and found.items[0].extra["credibility"] == "high"


def test_a_left_out_word_stays_out_whatever_the_desks_other_languages(kherson, monkeypatch) -> None:
    # Arabic's stemmer leaves "footage" as it is while the English row's stems hold "footag":
    # the word must still leave out the sentence, in every form the query is stemmed in.
    monkeypatch.setattr(svc, "desk_languages", lambda: ("en", "ar"))
    found = svc.search("kherson -footage", svc.SearchFilter(), viewer=kherson["admin"])
    assert found.total >= 1
    assert "footage" not in texts(found).lower()


def test_a_reviewer_never_finds_another_reviewers_notes_or_verdicts(kherson) -> None:
    alice = kherson["alice"]
    assert svc.search("secretnote", svc.SearchFilter(), viewer=alice).total == 0
    page = svc.search("footage", svc.SearchFilter(), viewer=alice)
    assert "secretnote" not in texts(page)
    for hit in page.items:
        assert all(v["reviewer"] == "alice" for v in hit.verdicts)
        assert hit.final is None
    assert svc.search("secretnote", svc.SearchFilter(), viewer=kherson["admin"]).total == 1
    with pytest.raises(Forbidden):
        svc.parse_filter({"reviewer": "bob"}, viewer=alice)


def test_filters(kherson) -> None:
    admin = kherson["admin"]

    def total(q: str, **params) -> int:
        return svc.search(q, svc.parse_filter(params, viewer=admin), viewer=admin).total

    assert total("footage", kind="annotation", verdict="disputed") == 1
    assert total("footage", kind="sentence", verdict="verified") == 0
    assert total("bridge", kind="sentence", verdict="verified") == 1
    assert total("footage", kind="sentence", reviewer="alice") == 1
    assert total("reuters", credibility="low") == 0 and total("reuters", credibility="high") == 1
    assert total("footage", outlet="wire") >= 1 and total("footage", outlet="other") == 0
    assert total("footage", since="2022-11-01", until="2022-11-30") >= 1
    assert total("footage", since="2023-01-01") == 0
    assert total("footage", kind="sentence", adjudicated="1") == 0
    adjudicate(kherson["article"].sentences[1], "disputed", "settled", actor=admin)
    db.session.commit()
    assert total("footage", kind="sentence", adjudicated="1") == 1
    assert total("footage", kind="sentence", adjudicated="0") == 0
    assert (
        total("footage", article=str(kherson["article"].id)) >= 1
        and total("footage", article="999") == 0
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "tweets"}, "kind"),
        ({"verdict": "maybe"}, "verdict"),
        ({"credibility": "great"}, "credibility"),
        ({"article": "²"}, "article"),
        ({"article": "99999999999999999999"}, "article"),
        ({"since": "yesterday"}, "since"),
        ({"adjudicated": "perhaps"}, "adjudicated"),
    ],
)
def test_bad_filters_name_their_field(kherson, params, field) -> None:
    with pytest.raises(Invalid) as error:
        svc.parse_filter(params, viewer=kherson["admin"])
    assert field in error.value.fields


def test_the_index_follows_every_write(kherson) -> None:
    admin, alice, article = kherson["admin"], kherson["alice"], kherson["article"]
    every = svc.SearchFilter()
    boundaries.edit_text(article, STORY.replace("soldiers", "paratroopers"), actor=admin)
    db.session.commit()
    assert svc.search("paratroopers", every, viewer=admin).total == 1
    assert svc.search("soldiers", every, viewer=admin).total == 0
    boundaries.merge_sentences(
        article, article.sentences[1].id, article.sentences[2].id, actor=admin
    )
    db.session.commit()
    merged = svc.search('"night officials"', svc.SearchFilter(kinds=("sentence",)), viewer=admin)
    assert merged.total == 1
    update_annotation(
        kherson["mine"],
        {"note": "rechecked with drone maps"},
        actor=alice,
        expected_version=kherson["mine"].version,
    )
    db.session.commit()
    assert (
        svc.search("drone", every, viewer=alice).total == 1
        and svc.search("geolocation", every, viewer=alice).total == 0
    )
    delete_annotation(kherson["mine"], actor=alice)
    db.session.commit()
    assert svc.search("drone", every, viewer=alice).total == 0
    undelete_annotation(kherson["mine"], actor=alice)
    db.session.commit()
    assert svc.search("drone", every, viewer=alice).total == 1
    before = {
        (h.kind, h.ref_id)
        for q in ("kherson", "drone", "reuters")
        for h in svc.search(q, every, viewer=admin).items
    }
    assert len(before) >= 4
    counts = svc.reindex()
    db.session.commit()
    assert counts["sentence"] == len(article.sentences) and counts["annotation"] == 3
    after = {
        (h.kind, h.ref_id)
        for q in ("kherson", "drone", "reuters")
        for h in svc.search(q, every, viewer=admin).items
    }
    assert after == before


def test_paging(app, make_article, admin) -> None:
    for number in range(25):
        make_article(
            text=f"Story {number}\n\nThe levee held in town {number}.", title=f"Story {number}"
        )
    first = svc.search("levee", svc.SearchFilter(), viewer=admin, limit=10)
    assert first.total == 25 and len(first.items) == 10 and first.next == 10
    last = svc.search("levee", svc.SearchFilter(), viewer=admin, limit=10, offset=20)
    assert len(last.items) == 5 and last.next is None and last.previous == 10
    seen = {
        h.ref_id
        for o in (0, 10, 20)
        for h in svc.search("levee", svc.SearchFilter(), viewer=admin, limit=10, offset=o).items
    }
    assert len(seen) == 25


HOSTILE = [
    '"unbalanced footage',
    "footage NEAR/2 river",
    "body:footage",
    "^footage",
    "footage*",
    "*",
    "-",
    "--footage",
    "NOT",
    "footage OR",
    "(footage",
    "'; DROP TABLE articles; --",
    "\x00\x01footage\x1f",
    "footage\ud800",
    "日本語 footage",
    "x" * 999,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_give_results_or_a_sentence(kherson, query) -> None:
    try:
        svc.search(query, svc.SearchFilter(), viewer=kherson["admin"])
    except Invalid as error:
        assert error.fields["q"].endswith(".")


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("", "Type a word"),
        ("   ", "Type a word"),
        ("-footage", "not only"),
        ("x" * 10_000, "limit is 1,000"),
    ],
)
def test_queries_that_cannot_be_searched_say_why(kherson, query, reason) -> None:
    with pytest.raises(Invalid) as error:
        svc.search(query, svc.SearchFilter(), viewer=kherson["admin"])
    assert reason in error.value.fields["q"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=80))
def test_any_typed_text_is_answered(kherson, typed) -> None:
    try:
        svc.search(typed, svc.SearchFilter(), viewer=kherson["admin"])
    except Invalid as error:
        assert "q" in error.fields
    db.session.rollback()


def test_the_article_list_reaches_every_article_a_page_at_a_time(
    app, make_article, make_user
) -> None:
    from annotator.services.articles.listing import list_page

    viewer = make_user("reviewer", "pager")
    for number in range(7):
        make_article(
            text=f"T{number}\n\nSentence {number}.", title=f"{'BCA'[number % 3]} story {number}"
        )
    for sort in ("newest", "oldest", "title", "progress"):
        seen, cursor, pages = [], "", 0
        while True:
            page = list_page(viewer=viewer, sort=sort, cursor=cursor, per_page=3)
            assert page.total == 7
            seen += [row.article.id for row in page.rows]
            pages += 1
            if not page.next:
                break
            cursor = page.next
        assert len(seen) == 7 == len(set(seen)) and pages == 3, sort
        back = list_page(viewer=viewer, sort=sort, cursor=page.previous, per_page=3)
        assert [r.article.id for r in back.rows] == seen[3:6], sort
    titles = [r.article.title for r in list_page(viewer=viewer, sort="title", per_page=7).rows]
    assert titles == sorted(titles, key=str.lower)
    for junk in ("x", "eyJrIjpbXX0", "²", "eyJrIjpbIngiXSwiZCI6ImFmdGVyIn0"):
        assert len(list_page(viewer=viewer, cursor=junk, per_page=3).rows) == 3


def test_a_page_of_results_costs_the_same_queries_however_many_hits(
    app, make_article, admin
) -> None:
    from tests.web.test_workspace import count_queries

    make_article(text="One\n\nThe levee held in town.", title="One")
    one = count_queries(app, lambda: svc.search("levee", svc.SearchFilter(), viewer=admin))
    for number in range(12):
        make_article(text=f"Story {number}\n\nThe levee held in town {number}.", title=f"S{number}")
    many = count_queries(app, lambda: svc.search("levee", svc.SearchFilter(), viewer=admin))
    assert len(many) == len(one)


def test_a_first_page_counts_its_hits_in_the_query_that_ranks_them(
    app, make_article, admin
) -> None:
    from tests.web.test_workspace import count_queries

    for number in range(7):
        make_article(text=f"Story {number}\n\nThe levee held in town {number}.", title=f"S{number}")
    pages = []
    statements = count_queries(
        app, lambda: pages.append(svc.search("levee", svc.SearchFilter(), viewer=admin, limit=3))
    )
    assert pages[0].total == 7 and not pages[0].more and len(pages[0].items) == 3
    # One statement matches the query: a second one matched every hit again to count them.
    assert sum("search_index" in statement for statement in statements) == 1


def test_pages_by_cursor_cover_every_hit_once_best_first(make_article, admin) -> None:
    # Several ranks and ties: each page starts after the previous page's last hit.
    make_article(
        text="\n\n".join(
            " ".join(["Drone strike reported near the bridge."] * (1 + n % 3)) for n in range(9)
        ),
        title="Drones",
    )
    every = svc.SearchFilter(kinds=("sentence",))
    whole = svc.search("drone", every, viewer=admin, limit=100)
    seen, after, offset = [], None, 0
    while True:
        page = svc.search("drone", every, viewer=admin, limit=4, offset=offset, after=after)
        seen += [hit.ref_id for hit in page.items]
        if page.after is None:
            break
        after, offset = page.after, page.next
    assert whole.total == len(seen) == len(set(seen)) > 8
    assert seen == [hit.ref_id for hit in whole.items]  # the same order as one long page


def test_a_cursor_it_never_gave_is_refused_naming_the_field(kherson) -> None:
    with pytest.raises(Invalid) as error:
        svc.search("footage", svc.SearchFilter(), viewer=kherson["admin"], after="not-a-cursor")
    assert "after" in error.value.fields


def test_the_count_stops_at_the_cap_and_says_more_than(kherson, monkeypatch) -> None:
    monkeypatch.setattr(svc, "COUNT_CAP", 2)
    page = svc.search("footage", svc.SearchFilter(), viewer=kherson["admin"], limit=1)
    assert page.more and page.total == 2
    assert page.count_label == "more than 2 results"
    few = svc.search("bridge", svc.SearchFilter(kinds=("sentence",)), viewer=kherson["admin"])
    assert not few.more and few.count_label == "1 result"


# ----- other forms of a word, by the article's language ------------------------------------


def test_a_word_finds_its_other_forms_in_the_articles_language(
    make_article, admin, reviewer
) -> None:
    spanish = make_article(
        text="Llegan las vacunas\n\nLas vacunas llegaron a Kherson el viernes.",
        title="Llegan las vacunas",
        language="es",
    )
    english = make_article(
        text="Vaccines arrive\n\nThe vaccines reached the city on Friday.",
        title="Vaccines arrive",
        language="en",
    )
    for viewer in (admin, reviewer):
        page = svc.search("vacuna", svc.SearchFilter(kinds=("sentence",)), viewer=viewer)
        assert [hit.article_id for hit in page.items] == [spanish.id, spanish.id]
        assert [p for p, matched in page.items[1].context if matched] == ["vacunas"]
        page = svc.search("vaccine", svc.SearchFilter(kinds=("sentence",)), viewer=viewer)
        assert {hit.article_id for hit in page.items} == {english.id}
    # Word for word still wins where the word is written so, and phrases and prefixes still work.
    assert svc.search('"las vacunas llegaron"', svc.SearchFilter(), viewer=admin).total == 1
    assert svc.search("vacun*", svc.SearchFilter(kinds=("sentence",)), viewer=admin).total == 2
    assert (
        svc.search("vacuna -kherson", svc.SearchFilter(kinds=("sentence",)), viewer=admin).total
        == 1
    )


def test_a_claim_note_is_stemmed_in_its_articles_language(make_article, reviewer) -> None:
    article = make_article(
        text="Titular\n\nEl ministro dijo que las vacunas llegaron.", title="Titular", language="es"
    )
    annotate(
        article.sentences[1],
        {"verdict": "unproven", "note": "Sin pruebas de vacunación"},
        actor=reviewer,
    )
    db.session.commit()
    page = svc.search("prueba", svc.SearchFilter(kinds=("annotation",)), viewer=reviewer)
    assert page.total == 1 and [p for p, m in page.items[0].detail if m] == ["pruebas"]


def test_an_article_given_another_language_is_stemmed_again(app, make_article, admin) -> None:
    from sqlalchemy import text as sql

    article = make_article(text="Kherson\n\nLas vacunas llegaron.", title="Kherson", language="en")
    boundaries.update_article(article, {"language": "es"}, actor=admin)
    db.session.commit()
    languages = (
        db.session.execute(
            sql("SELECT DISTINCT language FROM search_index WHERE article_id = :id"),
            {"id": article.id},
        )
        .scalars()
        .all()
    )
    assert languages == ["es"]
    assert svc.search("vacuna", svc.SearchFilter(kinds=("sentence",)), viewer=admin).total == 1


# ----- PostgreSQL's phrases, found by word pairs ---------------------------------------------

# Texts where a phrase's words are near each other without being its pairs: stop words whose gap
# any word fills, a symbol the parser drops ("²": to_tsquery counts a place for it, to_tsvector
# none), repeats, accents, digits, URLs, another language, and positions past PostgreSQL's last
# (16,383: the words after it share it).
PAIR_TEXTS = [
    "The minister of defence spoke. The minister big defence spoke. Defence of the minister.",
    "The budget ² vote passed. The budget x vote failed. Budget and vote.",
    "Said had said had said. He said he had. Had said.",
    "Café crème at the café. Crème café. The council voted 7-2 on Tuesday.",
    "See https://www.reuters.com/world/kherson-footage and reuters com too. Com reuters.",
    "Unproven footage showed soldiers crossing the river. Footage unproven.",
]
PAIR_QUERIES = [
    '"minister of defence"',
    '"defence of the minister"',
    '"budget ² vote"',
    '"budget vote"',
    '"said had"',
    '"had said"',
    '"said he had"',
    '"café crème"',
    '"crème café"',
    '"7 2"',
    "7-2",
    "reuters.com",
    "reuters.co*",
    "www.reuters.com/world*",
    '"unproven footage" "crossing the river"',
    '"unproven footage" -"the river"',
    '"footage unproven" soldiers',
    '"las vacunas llegaron"',
    '"vacuna llegó"',
    '"end here"',
    '"here again"',
    '"w16379 tail"',
]


@pytest.fixture
def phrases(app, make_article, admin):
    for number, story in enumerate(PAIR_TEXTS):
        make_article(text=f"Story {number}\n\n{story}", title=f"Story {number}", language="en")
    make_article(
        text="Vacunas\n\nLas vacunas llegaron. Llegó la vacuna. Vacunas las llegaron.",
        title="Vacunas",
        language="es",
    )
    words = " ".join(f"w{number}" for number in range(16_380))
    make_article(text=f"Long\n\n{words} tail end here again.", title="Long", language="en")
    return admin


def test_phrases_find_the_same_hits_with_and_without_word_pairs(phrases, monkeypatch) -> None:
    every = svc.SearchFilter()

    def hits(query: str) -> tuple[int, list[tuple[str, int]]]:
        page = svc.search(query, every, viewer=phrases, limit=100)
        return page.total, [(hit.kind, hit.ref_id) for hit in page.items]

    paired = {query: hits(query) for query in PAIR_QUERIES}
    monkeypatch.setattr(svc, "_phrase_pairs", lambda query: [])
    unpaired = {query: hits(query) for query in PAIR_QUERIES}
    assert paired == unpaired
    assert sum(bool(total) for total, _ in paired.values()) >= 15  # they do find things


def test_postgresql_finds_a_phrase_by_its_word_pairs_when_they_pay(
    app, phrases, monkeypatch
) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's FTS5 keeps word positions")
    from tests.web.test_workspace import count_queries

    def statement(query: str) -> str:
        found = count_queries(app, lambda: svc.search(query, svc.SearchFilter(), viewer=phrases))
        return next(s for s in found if "search_index.tsv" in s)

    phrase = statement('"unproven footage"')
    assert "annotator_word_pairs(tsv) || annotator_word_pairs(stv)) @>" in phrase
    assert "ts_match_vq(search_index.stv" in phrase and "@@" not in phrase.split("WHERE")[1]
    # Not without a phrase, nor when a form has no pair ("said" alone in English), nor when
    # the pairs are common.
    for query in ("unproven footage", "reuters*", '"said had"'):
        assert "annotator_word_pairs" not in statement(query), query
    monkeypatch.setattr(svc, "MAX_PAIR_ROWS", -1)
    assert "annotator_word_pairs" not in statement('"unproven footage"')


def test_postgresql_finds_a_phrase_through_the_word_pair_index(phrases) -> None:
    """The condition is the index's own expression: PostgreSQL can answer it from the index."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's FTS5 keeps word positions")
    from sqlalchemy import event
    from sqlalchemy import text as sql

    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, *args) -> None:
        if "annotator_word_pairs" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        svc.search('"unproven footage"', svc.SearchFilter(), viewer=phrases)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    statement, parameters = seen[0]
    connection = db.session.connection()
    # These few rows would be read whole; told not to, only the pair index can find them.
    for setting in ("enable_seqscan", "enable_indexscan"):
        connection.execute(sql(f"SET LOCAL {setting} = off"))
    plan = connection.exec_driver_sql("EXPLAIN " + statement, parameters).scalars().all()
    db.session.rollback()
    assert any("ix_search_index_pairs" in line for line in plan), "\n".join(plan)


def test_a_row_that_matches_a_phrase_holds_its_word_pairs(app) -> None:
    """PostgreSQL's two pair functions agree with its phrase match: every phrase of two or three
    words of a small vocabulary (a stop word, two forms of a word, a symbol the parser drops)
    against every text of up to three of them, word for word and stemmed."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite's FTS5 keeps word positions")
    import itertools

    from sqlalchemy import text as sql

    from annotator.text.search_query import Query as Parsed
    from annotator.text.search_query import Term, tsquery

    vocabulary = ["of", "minister", "ministers", "²", "x"]
    phrases = [w for n in (2, 3) for w in itertools.product(vocabulary, repeat=n)]
    bodies = [" ".join(w) for n in (1, 2, 3) for w in itertools.product(vocabulary, repeat=n)]
    missed = db.session.execute(
        sql(
            "SELECT p.words, b.body, c.config "
            "FROM unnest(CAST(:words AS text[]), CAST(:tsqs AS text[])) AS p(words, tsq), "
            "unnest(CAST(:bodies AS text[])) AS b(body), "
            "unnest(CAST(:configs AS regconfig[])) AS c(config), "
            "to_tsvector(c.config, b.body) AS v "
            "WHERE v @@ to_tsquery(c.config, p.tsq) AND NOT annotator_word_pairs(v) "
            "@> annotator_phrase_pairs(c.config, string_to_array(p.words, ' '))"
        ),
        {
            "words": [" ".join(words) for words in phrases],
            "tsqs": [tsquery(Parsed((Term(words),))) for words in phrases],
            "bodies": bodies,
            "configs": ["simple", "english", "german"],
        },
    ).all()
    assert missed == []
