"""Our JSON export restores into an empty instance and exports again unchanged; bad files change nothing."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import pytest
from jsonschema import Draft202012Validator

from annotator.db import add_sql_functions
from annotator.exporters import SCHEMA_FILE, schema_text
from annotator.extensions import db
from annotator.models import (
    Adjudication,
    Annotation,
    Article,
    EvidenceLink,
    Revision,
    Role,
    Source,
    User,
)
from annotator.services import sources as registry
from annotator.services.annotations.annotations import (
    annotate,
    delete_annotation,
    get_sentence,
    update_annotation,
)
from annotator.services.errors import Invalid
from annotator.services.exchange import exports
from annotator.services.exchange.reload import is_export_document, reload_export
from annotator.services.review.adjudication import adjudicate

EVERYONE = User(username="everyone", role=Role.ADMIN)  # a reader that survives wiping the tables
TRICKY = '=HYPERLINK("http://x") "quoted", comma\nnew line ‮ RTL'


def export_json(viewer: User, **params: str) -> str:
    flt = exports.parse_filter({})
    options = exports.parse_options({"include_history": "1", "all_articles": "1", **params})
    return "".join(exports.export_chunks("json", flt, viewer=viewer, options=options))


def wipe() -> None:
    """Empty every table, as a fresh instance would be."""
    db.session.commit()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    db.session.expire_all()


@pytest.fixture
def populated(make_article, make_user):
    alice, bob = make_user("reviewer", "alice"), make_user("reviewer", "bob.k")
    first = make_article(
        url="https://news.example/a", outlet="Daily", author="Reporter", published_at="2022-11-11"
    )
    make_article(
        text="Second story\n\nNobody has annotated this one. It has two sentences.",
        title="Second story",
    )
    third = make_article(
        text="Third\n\nOfficials said the bridge was destroyed. Others denied it.", title="Third"
    )
    judge = make_user("admin", "judge")
    wire = registry.create_source(
        {
            "name": "Reuters",
            "domains": "reuters.com, www.reuters.co.uk",
            "credibility": "medium",
            "rationale": TRICKY,
        },
        actor=judge,
    )
    db.session.flush()
    registry.update_source(wire, {"credibility": "high"}, actor=judge)  # its history: 2 revisions
    rumours = registry.create_source(
        {"name": "Rumour mill", "domains": ["rumours.blogspot.com"], "credibility": "low"},
        actor=judge,
    )
    db.session.flush()
    s1, s2 = first.sentences[1], first.sentences[2]
    a = annotate(
        s1,
        {
            "verdict": "disputed",
            "attributed_to": TRICKY,
            "note": TRICKY,
            "span": {"start": s1.start, "end": s1.start + 10},
            "links": [
                {
                    "url": "https://evidence.example/1",
                    "title": "Report",
                    "credibility": "high",
                    "stance": "refutes",
                },
                {"url": "https://evidence.example/2", "credibility": "low"},
                {"url": "https://uk.reuters.com/world/flood", "title": "Wire"},  # rated high
                {"url": "https://rumours.blogspot.com/2022/barrier"},  # rated low
                {
                    "url": "https://www.reuters.com/fact-check",
                    "credibility": "low",
                    "override_reason": "A retracted story.",
                },
            ],
        },
        actor=alice,
    )
    db.session.flush()
    update_annotation(a, {"note": TRICKY + " (edited)"}, actor=alice, expected_version=1)
    annotate(s1, {"verdict": "verified", "attributed_to": "", "note": "", "links": []}, actor=bob)
    gone = annotate(
        s2, {"verdict": "unproven", "attributed_to": "x", "note": "", "links": []}, actor=bob
    )
    db.session.flush()
    delete_annotation(gone, actor=bob)
    annotate(get_sentence(third.sentences[1].id), {"verdict": "unproven"}, actor=alice)
    registry.retire_source(rumours, actor=judge)  # the link keeps its rating and its source
    adjudicate(s1, "verified", "first look", actor=judge)
    db.session.flush()
    adjudicate(s1, "disputed", TRICKY, actor=judge, expected_version=1)  # version 2
    adjudicate(
        get_sentence(third.sentences[0].id), "unproven", "", actor=judge
    )  # nobody annotated it
    db.session.commit()
    return alice


def test_export_restores_into_an_empty_instance_byte_for_byte(app, populated, admin):
    before = export_json(admin)
    assert is_export_document(before.encode())
    wipe()
    restorer = User(username="restorer", password_hash="!", role=Role.ADMIN)  # noqa: S106
    db.session.add(restorer)
    db.session.flush()

    summary = reload_export(before.encode(), "backup.json", actor=restorer)
    db.session.commit()

    assert summary.ids_kept and summary.articles == 3 and summary.annotations == 3
    assert summary.adjudications == 2
    assert summary.sources == 2 and summary.source_ids_kept and summary.sources_matched == []
    assert sorted(summary.users_created) == ["alice", "bob.k", "judge"]
    after = export_json(restorer)
    assert after == before  # byte for byte: ids kept, keys sorted, every string as stored
    Draft202012Validator(json.loads(schema_text(SCHEMA_FILE))).validate(json.loads(after))
    # The registry came back: the retired entry stays retired, ratings and histories are kept,
    # and the links point at the restored entries.
    entries = {s.name: s for s in db.session.scalars(db.select(Source))}
    assert entries["Reuters"].domain_names == ["reuters.co.uk", "reuters.com"]
    assert (entries["Reuters"].credibility, entries["Reuters"].rationale) == ("high", TRICKY)
    assert entries["Reuters"].rated_by.username == "judge" and not entries["Reuters"].retired
    assert entries["Rumour mill"].retired
    assert [r.action for r in registry.history(entries["Reuters"])] == ["create", "update"]
    assert [r.action for r in registry.history(entries["Rumour mill"])] == ["create", "retire"]
    links = db.session.scalars(db.select(EvidenceLink).where(EvidenceLink.source_id.is_not(None)))
    assert sorted(
        (link.source.name, link.credibility, link.credibility_source) for link in links
    ) == [
        ("Reuters", "high", "registry"),
        ("Reuters", "low", "reviewer"),
        ("Rumour mill", "low", "registry"),
    ]
    assert registry.lookup("https://www.reuters.com/x").name == "Reuters"  # domains work again
    assert registry.lookup("https://rumours.blogspot.com/") is None  # retired: no new ratings
    final = db.session.scalars(db.select(Adjudication).order_by(Adjudication.sentence_id)).all()
    assert [(a.verdict, a.note, a.version, a.adjudicator.username) for a in final] == [
        ("disputed", TRICKY, 2, "judge"),
        ("unproven", "", 1, "judge"),
    ]
    restored = db.session.scalar(db.select(User).where(User.username == "alice"))
    assert (
        restored.active is False and restored.role == Role.REVIEWER
    )  # cannot log in until an admin acts
    from annotator.services.accounts.users import check_password

    assert not check_password(restored, "")
    # The history came back too, and new work gets fresh ids (PostgreSQL sequences moved on).
    assert (
        db.session.scalar(
            db.select(db.func.count(Revision.id)).where(Revision.entity == "annotation")
        )
        >= 4
    )
    sentence = get_sentence(json.loads(before)["articles"][0]["sentences"][0]["id"])
    fresh = annotate(sentence, {"verdict": "verified"}, actor=restored)
    outlet = registry.create_source(
        {"name": "AP", "domains": ["apnews.com"], "credibility": "high"}, actor=restorer
    )
    db.session.commit()
    assert fresh.id > max(
        a.id for a in db.session.scalars(db.select(Annotation).where(Annotation.id != fresh.id))
    )
    assert outlet.id > entries["Rumour mill"].id > entries["Reuters"].id


def test_restore_into_a_busy_instance_gives_new_ids_and_the_same_content(app, populated, admin):
    document = json.loads(export_json(admin))
    for article in db.session.scalars(
        db.select(Article)
    ):  # deleted, so not duplicates; their ids stay taken
        article.deleted_at = article.created_at
    db.session.commit()

    summary = reload_export(json.dumps(document).encode(), "backup.json", actor=None)
    db.session.commit()
    assert not summary.ids_kept
    # The registry entries are here already (same names): matched, not duplicated.
    assert summary.sources == 0 and summary.sources_matched == ["Reuters", "Rumour mill"]
    assert db.session.scalar(db.select(db.func.count(Source.id))) == 2

    again = json.loads(export_json(EVERYONE))
    titles = {a["title"] for a in again["articles"]}
    assert titles == {"Council approves flood barrier", "Second story", "Third"}
    assert not {a["id"] for a in again["articles"]} & {a["id"] for a in document["articles"]}
    assert summary.users_created == []  # alice and bob.k are mapped to their existing accounts

    def without_ids(doc: dict) -> list:
        def strip(node):
            if isinstance(node, dict):
                return {
                    k: strip(v)
                    for k, v in node.items()
                    if k not in ("id", "sentence_id", "before", "after")
                }
            if isinstance(node, list):
                return [strip(v) for v in node]
            return node

        return sorted(
            (
                strip(a)
                for a in doc["articles"]
                if a["title"] in ("Council approves flood barrier", "Third")
            ),
            key=lambda a: a["title"],
        )

    assert without_ids(again) == without_ids(document)


def tamper(text: str, old: str, new: str) -> bytes:
    assert old in text
    return text.replace(old, new, 1).encode()


@pytest.mark.parametrize(
    ("change", "line", "reason"),
    [
        (lambda t: t[: len(t) // 2].encode(), 2, "truncated"),
        (lambda t: tamper(t, '"verdict": "disputed"', '"verdict": "false"'), 2, "verdict"),
        (lambda t: tamper(t, "The council voted 7-2", "The council voted 9-0"), 2, "altered"),
        (
            lambda t: tamper(t, '"schema_version": "1.0"', '"schema_version": "9.9"'),
            1,
            "schema_version",
        ),
        (
            lambda t: tamper(
                t, '"url": "https://evidence.example/1"', '"url": "javascript:alert(1)"'
            ),
            2,
            "url",
        ),
        (lambda t: tamper(t, '"reviewer": "bob.k"', '"reviewer": ""'), 2, "reviewer"),
        (lambda t: tamper(t, '"adjudicator": "judge"', '"adjudicator": null'), 2, "adjudicator"),
        (lambda t: tamper(t, '"version": 2}', '"version": 0}'), 2, "adjudication.version"),
        (lambda t: tamper(t, '"title": "Third"', '"title": 5'), 4, "title"),
        (lambda t: b"\xff\xfe" + t.encode("utf-16-le"), 1, "UTF-8"),
        (lambda t: b"", None, "empty"),
        (lambda t: b'{"title": "x", "text": "y"}', 1, "schema_version"),
        (
            lambda t: tamper(
                t, '"credibility": "high", "domains"', '"credibility": "top", "domains"'
            ),
            6,
            "sources[0].credibility",
        ),
        (
            lambda t: tamper(t, '"domains": ["reuters.co.uk", ', '"domains": ["co.uk", '),
            6,
            "sources[0].domains[0]: co.uk is a public suffix",
        ),
        (lambda t: tamper(t, '"name": "Rumour mill"', '"name": "Rumours"'), 2, "not among"),
        (lambda t: tamper(t, '"rated_by": "judge"', '"rated_by": 7'), 6, "rated_by"),
        (lambda t: tamper(t, ', "sources": [', ', "sources": {"x": ['), None, "malformed"),
    ],
    ids=[
        "truncated",
        "verdict",
        "text",
        "version",
        "url",
        "reviewer",
        "adjudicator",
        "adjudication-version",
        "title",
        "utf16",
        "empty",
        "not-export",
        "source-credibility",
        "source-public-suffix",
        "link-source-unknown",
        "source-rated-by",
        "sources-not-a-list",
    ],
)
def test_tampered_or_truncated_exports_are_refused_and_change_nothing(
    app, populated, admin, change, line, reason
):
    text = export_json(admin, include_history="0")
    wipe()
    with pytest.raises(Invalid) as caught:
        reload_export(change(text), "backup.json", actor=None)
    db.session.rollback()
    message = (
        caught.value.message + " " + " ".join(f"{k}: {v}" for k, v in caught.value.fields.items())
    )
    assert "backup.json" in message
    assert reason.lower() in message.lower()
    if line is not None:
        assert f"line {line}" in message
    assert db.session.scalar(db.select(db.func.count(Article.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Source.id))) == 0
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def cut_points(text: str) -> dict[str, int]:
    """Where a download or a copy may stop: inside a string, between lines, just before the end."""
    second_line = text.index("\n") + 1
    return {
        "inside-a-string": text.index('"text": "') + 20,
        "after-a-whole-line": text.index("\n", second_line) + 1,
        "inside-the-registry": text.index('"sources": [') + 30,
        "before-the-last-brackets": len(text.rstrip()) - 2,
    }


@pytest.mark.parametrize(
    "where",
    ["inside-a-string", "after-a-whole-line", "inside-the-registry", "before-the-last-brackets"],
)
def test_a_truncated_export_is_refused_naming_the_line_and_column_where_it_breaks_off(
    app, populated, admin, where
):
    text = export_json(admin, include_history="0")
    cut = text[: cut_points(text)[where]]
    kept = cut.rstrip()
    line, column = kept.count("\n") + 1, len(kept) - kept.rfind("\n") - 1
    wipe()
    with pytest.raises(Invalid) as caught:
        reload_export(cut.encode(), "backup.json", actor=None)
    db.session.rollback()
    ((key, reason),) = caught.value.fields.items()
    assert key == f"backup.json line {line}"
    assert f"breaks off after column {column}" in reason and "truncated" in reason
    assert caught.value.message.lower().startswith(f"backup.json line {line}")
    assert db.session.scalar(db.select(db.func.count(Article.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Source.id))) == 0


def test_a_truncated_export_is_refused_by_the_cli_with_its_line(
    app, runner, tmp_path, populated, admin
):
    text = export_json(admin, include_history="0")
    cut = text[: cut_points(text)["inside-the-registry"]]
    path = tmp_path / "backup.json"
    path.write_text(cut, encoding="utf-8")
    wipe()
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    line = cut.count("\n") + 1
    column = len(cut) - cut.rfind("\n") - 1
    assert f"backup.json: not restored, nothing was changed: line {line}: malformed JSON" in (
        result.output
    )
    assert f"breaks off after column {column}, it looks truncated" in result.output
    assert db.session.scalar(db.select(db.func.count(Article.id))) == 0


def test_malformed_json_inside_an_export_names_its_line_and_column(app):
    text = '{"schema_version": "1.0", "articles": [\n{"id": 1,, "title": "x"}\n]}\n'
    with pytest.raises(Invalid) as caught:
        reload_export(text.encode(), "backup.json", actor=None)
    assert caught.value.fields == {
        "backup.json line 2": "malformed JSON at column 10: Expecting property name enclosed in double quotes."
    }


def test_registry_entries_already_here_are_matched_and_taken_domains_refused(
    app, runner, tmp_path, populated, admin
):
    path = tmp_path / "backup.json"
    path.write_text(export_json(admin, include_history="0"), encoding="utf-8")
    wipe()
    editor = User(username="editor", password_hash="!", role=Role.ADMIN)  # noqa: S106
    db.session.add(editor)
    db.session.flush()
    ours = registry.create_source(
        {"name": "REUTERS", "domains": ["reuters.com"], "credibility": "low"}, actor=editor
    )
    blogs = registry.create_source(
        {"name": "Blogs", "domains": ["rumours.blogspot.com"], "credibility": "unknown"},
        actor=editor,
    )
    db.session.commit()

    # "Rumour mill" is new here, but its domain belongs to another entry: refused, nothing written.
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert "line 7" in result.output and "sources[1].domains" in result.output
    assert "rumours.blogspot.com already belongs to the source “Blogs”" in result.output
    assert db.session.scalar(db.select(db.func.count(Article.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Source.id))) == 2

    registry.update_source(blogs, {"domains": ["other.blogspot.com"]}, actor=editor)
    db.session.commit()
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 articles" in result.output and "1 sources" in result.output
    assert "source “Reuters” is already in the registry: kept as it is" in result.output
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Source.id))) == 3  # not duplicated
    assert ours.credibility == "low"  # the registry's own entry is left as it was
    links = {
        link.url: link
        for link in db.session.scalars(
            db.select(EvidenceLink).where(EvidenceLink.source_id.is_not(None))
        )
    }
    assert links["https://uk.reuters.com/world/flood"].source_id == ours.id
    assert links["https://uk.reuters.com/world/flood"].credibility == "high"  # as saved
    assert links["https://rumours.blogspot.com/2022/barrier"].source.name == "Rumour mill"


def test_restoring_the_same_export_twice_is_refused_as_duplicate(app, populated, admin):
    text = export_json(admin)
    count = db.session.scalar(db.select(db.func.count(EvidenceLink.id)))
    with pytest.raises(Invalid) as caught:
        reload_export(text.encode(), "again.json", actor=admin)
    db.session.rollback()
    assert "already here" in " ".join(caught.value.fields.values())
    assert db.session.scalar(db.select(db.func.count(EvidenceLink.id))) == count


def test_backup_is_consistent_while_another_thread_writes(
    app, runner, tmp_path, make_article, reviewer
):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("backup copies SQLite files; PostgreSQL uses pg_dump")
    article = make_article()
    sentence_id, reviewer_id = article.sentences[0].id, reviewer.id
    db.session.commit()  # hold no transaction (nor SQLite's write lock) while the writer runs
    path = db.engine.url.database
    stop = threading.Event()
    written = []

    def writer() -> None:
        connection = add_sql_functions(sqlite3.connect(path, timeout=10))
        while not stop.is_set():
            with connection:  # one transaction: the annotation and its revision together
                cursor = connection.execute(
                    "INSERT INTO annotations (sentence_id, reviewer_id, verdict, attributed_to, note, version, "
                    "created_at, updated_at) VALUES (?, ?, 'verified', '', '', 1, '2026-01-01 00:00:00', "
                    "'2026-01-01 00:00:00')",
                    (sentence_id, reviewer_id),
                )
                connection.execute(
                    "INSERT INTO revisions (entity, entity_id, action, created_at) "
                    "VALUES ('annotation', ?, 'create', '2026-01-01 00:00:00')",
                    (cursor.lastrowid,),
                )
            written.append(cursor.lastrowid)
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while len(written) < 50 and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(written) >= 50, "the writer thread could not write"
        result = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite3")])
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    annotations = copy.execute("SELECT count(*) FROM annotations").fetchone()[0]
    revisions = copy.execute(
        "SELECT count(*) FROM revisions WHERE entity = 'annotation'"
    ).fetchone()[0]
    copy.close()
    assert 50 <= annotations <= len(written)
    assert annotations == revisions  # never half a transaction
