"""Reload our own JSON export into this instance: articles, sentences, annotations, links, final
verdicts, registry entries and revisions. ("Restore" is kept for undeleting one record.)

importers.export_document reads and checks the whole document first; this module adds the checks
that need the database (duplicates, domains taken), then writes everything in the caller's one
transaction through the bulk paths the owning services provide: a tampered or truncated export
is refused with the line and the reason, and changes nothing. Into an instance that holds none of
the document's article, sentence and annotation ids, the ids are kept, so exporting again gives
the same document byte for byte; otherwise new ids are given (and the summary says so). Registry
entries (the export's "sources") follow the same rule on their own ids; an entry whose name this
instance already has is matched to it, not duplicated. A link's source (an entry's name) points
at the reloaded or matched entry (in an older export without "sources", at one already here).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app

from annotator.enums import RatingOrigin
from annotator.extensions import db
from annotator.fields import export_keys
from annotator.importers.export_document import (
    ExportDocument,
    ExportDocumentError,
    Limits,
    is_export_document,
    read_export_document,
)
from annotator.models import Annotation, Article, Sentence, Source, SourceDomain, User
from annotator.services import audit
from annotator.services.accounts.users import placeholder_users
from annotator.services.annotations.annotations import insert_annotation
from annotator.services.articles.articles import find_duplicate, insert_article
from annotator.services.errors import Invalid
from annotator.services.exchange import desk_exchange
from annotator.services.review.adjudication import insert_adjudication
from annotator.services.sources import insert_source

__all__ = ["ReloadSummary", "is_export_document", "reload_export"]  # the CLI asks which files

SOURCE_KEYS, _ = export_keys("source")


@dataclass
class ReloadSummary:
    """What a reload wrote."""

    articles: int = 0
    sentences: int = 0
    annotations: int = 0
    adjudications: int = 0
    links: int = 0
    revisions: int = 0
    sources: int = 0  # registry entries created
    ids_kept: bool = True
    source_ids_kept: bool = True
    users_created: list[str] = field(default_factory=list)
    sources_matched: list[str] = field(default_factory=list)  # already here by name: reused
    unknown_sources: list[str] = field(default_factory=list)


def reload_export(data: bytes, filename: str, *, actor: User | None) -> ReloadSummary:
    """Check an export document completely, then write it (flushes; the caller commits)."""
    try:
        document = read_export_document(data, filename, Limits.of(current_app.config))
        _refuse_duplicates(document)
        for i, article in enumerate(document.articles):  # the desk's fields: status, assignments
            desk_exchange.check_article(document.checker.problem, f"articles[{i}]", article)
        matched = _match_sources(document)
        document.checker.raise_if_any()
    except ExportDocumentError as error:
        raise Invalid(error.problems, error.message) from None
    return _Writer(document, matched, actor=actor).write()


# ---------------------------------------------------------------- checks against this instance


def _refuse_duplicates(document: ExportDocument) -> None:
    checker = document.checker
    for i, article in enumerate(document.articles):
        existing = find_duplicate(article)
        if existing is not None:
            checker.at("articles", i)
            checker.problem(
                f"articles[{i}]",
                f"is already here as article #{existing.id} “{existing.title[:60]}” "
                "(same text, URL or external id).",
            )


def _match_sources(document: ExportDocument) -> dict[str, int]:
    """The document's entry names this instance already has (any case) -> their ids.

    The other entries are new: their domains must be free here, and their ids are kept when
    none of them is taken.
    """
    if not document.sources:
        return {}
    existing = {
        name.lower(): id_ for name, id_ in db.session.execute(db.select(Source.name, Source.id))
    }
    matched = {
        e["name"]: existing[e["name"].strip().lower()]
        for e in document.sources
        if e["name"].strip().lower() in existing
    }
    # Checked only when every entry is valid, so the list's order is the document's.
    wanted = {
        domain: i
        for i, entry in enumerate(document.sources)
        if entry["name"] not in matched
        for domain in entry["domains"]
    }
    domains = sorted(wanted)
    taken = []
    for start in range(0, len(domains), 1000):
        taken += db.session.execute(
            db.select(SourceDomain.domain, Source.name)
            .join(Source)
            .where(SourceDomain.domain.in_(domains[start : start + 1000]))
        ).all()
    for domain, owner in sorted(taken):
        index = wanted[domain]
        document.checker.at("sources", index)
        document.checker.problem(
            f"sources[{index}].domains",
            f"{domain} already belongs to the source “{owner}” here; "
            "rename one of them or remove the domain.",
        )
    return matched


# ---------------------------------------------------------------- writing


class _Writer:
    def __init__(self, document: ExportDocument, matched: dict[str, int], *, actor: User | None):
        self.articles = document.articles
        self.entries = [entry for entry in document.sources if entry["name"] not in matched]
        self.actor = actor
        self.summary = summary = ReloadSummary()
        summary.sources_matched = [e["name"] for e in document.sources if e["name"] in matched]
        summary.ids_kept = not _ids_taken(self.articles)
        summary.source_ids_kept = not _source_ids_taken(self.entries)
        self.users, summary.users_created = placeholder_users(
            _usernames(self.articles, self.entries)
        )
        self.sources = {
            name: id_ for name, id_ in db.session.execute(db.select(Source.name, Source.id))
        }
        self.sources |= matched
        self.renumbered: dict[int, int] = {}  # exported annotation id -> its id here
        self.matches: list[tuple[int, int]] = []  # (id here, exported matched_from)

    def write(self) -> ReloadSummary:
        summary = self.summary
        for entry in self.entries:
            self.source(entry)
        for article in self.articles:
            self.article(article)
        db.session.flush()
        self.renumber_matches()
        _advance_sequences(
            (["articles", "sentences", "annotations"] if summary.ids_kept else [])
            + (["sources"] if summary.source_ids_kept and self.entries else [])
        )
        return summary

    def source(self, entry: dict[str, Any]) -> None:
        """A registry entry this instance lacks, with its domains and history."""
        row = {
            "name": entry["name"],
            "credibility": entry["credibility"],
            "rationale": entry["rationale"],
            "rated_by_id": self.users[entry["rated_by"]] if entry["rated_by"] else None,
            **{
                name: datetime.fromisoformat(entry[name]) if entry[name] else None
                for name in ("rated_at", "created_at", "updated_at", "retired_at")
            },
        }
        if self.summary.source_ids_kept:
            row["id"] = entry["id"]
        source_id = insert_source(row, entry["domains"])
        self.sources[entry["name"]] = source_id
        if "history" in entry:
            self.history(
                "source",
                source_id,
                entry["history"],
                functools.partial(_with_id, old_id=entry["id"], new_id=source_id),
            )
        else:  # no history in the file: record where this entry came from
            state = {key: entry[key] for key in SOURCE_KEYS} | {"id": source_id}
            self.imported("source", source_id, state)
        self.summary.sources += 1

    def article(self, article: dict[str, Any]) -> None:
        created = datetime.fromisoformat(article["created_at"])
        keep = self.summary.ids_kept
        row = {
            "title": article["title"],
            "text": article["text"],
            "url": article["url"],
            "outlet": article["outlet"],
            "author": article["author"],
            "published_at": article["published_at"],
            "language": article["language"],
            "external_id": article.get("external_id"),
            "imported_by_id": self.actor.id if self.actor else None,
            "created_at": created,
            "updated_at": created,
        } | ({"id": article["id"]} if keep else {})
        sentences = [
            {
                **({"id": s["id"]} if keep else {}),
                "position": s["index"],
                "paragraph": s["paragraph"],
                "start_offset": s["start"],
                "end_offset": s["end"],
            }
            for s in article["sentences"]
        ]
        article_id, sentence_ids = insert_article(row, sentences)
        self.summary.sentences += len(sentence_ids)
        for sentence, sentence_id in zip(article["sentences"], sentence_ids, strict=True):
            for ann in sentence["annotations"]:
                self.annotation(ann, sentence_id)
            if sentence.get("adjudication") is not None:
                self.adjudication(sentence["adjudication"], sentence_id)
        desk_exchange.write_article(article_id, article, self.users, actor=self.actor)
        after = {"title": article["title"], "exported_id": article["id"]}
        self.imported("article", article_id, after | {"sentences": len(sentence_ids)})
        self.summary.articles += 1

    def annotation(self, ann: dict[str, Any], sentence_id: int) -> None:
        span = ann["span"] or {"start": None, "end": None}
        row = {
            "sentence_id": sentence_id,
            "reviewer_id": self.users[ann["reviewer"]],
            "span_start": span["start"],
            "span_end": span["end"],
            "verdict": ann["verdict"],
            "attributed_to": ann["attributed_to"],
            "note": ann["note"],
            "matched_from_id": ann.get("matched_from"),
            "version": ann["version"],
            "created_at": datetime.fromisoformat(ann["created_at"]),
            "updated_at": datetime.fromisoformat(ann["updated_at"]),
        } | ({"id": ann["id"]} if self.summary.ids_kept else {})
        links = [self.link(link) for link in ann["links"]]
        annotation_id = insert_annotation(row, links)
        self.renumbered[ann["id"]] = annotation_id
        if ann.get("matched_from") is not None:
            self.matches.append((annotation_id, ann["matched_from"]))
        self.summary.links += len(links)
        self.summary.annotations += 1
        if "history" in ann:
            self.history(
                "annotation",
                annotation_id,
                ann["history"],
                lambda state: _renumbered(state, ann["id"], annotation_id, sentence_id),
            )
        else:  # no history in the file: record where this annotation came from
            state = {key: ann[key] for key in ann if key != "history"}
            self.imported(
                "annotation",
                annotation_id,
                state | {"id": annotation_id, "sentence_id": sentence_id},
            )

    def renumber_matches(self) -> None:
        """Renumbered ids: matched_from follows its annotation if the file held it, else null
        (the old id could name an unrelated annotation here)."""
        if self.summary.ids_kept:
            return
        table = Annotation.__table__
        for new_id, old in self.matches:
            db.session.execute(
                db.update(table)
                .where(table.c.id == new_id)
                .values(matched_from_id=self.renumbered.get(old))
            )

    def link(self, link: dict[str, Any]) -> dict[str, Any]:
        source = link.get("source")
        unknown = self.summary.unknown_sources
        if source is not None and source not in self.sources and source not in unknown:
            unknown.append(source)
        return {
            "url": link["url"],
            "title": link["title"],
            "credibility": link["credibility"],
            "stance": link["stance"],
            "credibility_source": link.get("credibility_source", RatingOrigin.REVIEWER.value),
            "override_reason": link.get("override_reason", ""),
            "source_id": self.sources.get(source) if source else None,
        }

    def adjudication(self, adj: dict[str, Any], sentence_id: int) -> None:
        """A sentence's final verdict, as exported; its import is recorded as a revision."""
        row = {
            "sentence_id": sentence_id,
            "verdict": adj["verdict"],
            "note": adj["note"],
            "adjudicator_id": self.users[adj["adjudicator"]],
            "version": adj["version"],
            "created_at": datetime.fromisoformat(adj["created_at"]),
            "updated_at": datetime.fromisoformat(adj["updated_at"]),
        }
        adjudication_id = insert_adjudication(row)
        self.imported(
            "adjudication", adjudication_id, dict(adj, id=adjudication_id, sentence_id=sentence_id)
        )
        self.summary.adjudications += 1

    def imported(self, entity: str, entity_id: int, after: dict[str, Any]) -> None:
        audit.record(entity, entity_id, "import", actor=self.actor, before=None, after=after)
        self.summary.revisions += 1

    def history(
        self,
        entity: str,
        entity_id: int,
        history: list[dict[str, Any]],
        renumber: Callable[[dict[str, Any] | None], dict[str, Any] | None],
    ) -> None:
        """An entity's revisions from the file, snapshots under its new ids."""
        self.summary.revisions += audit.insert_revisions(
            [
                {
                    "entity": entity,
                    "entity_id": entity_id,
                    "action": revision["action"],
                    "actor_id": self.users.get(revision["actor"]) if revision["actor"] else None,
                    "created_at": datetime.fromisoformat(revision["created_at"]),
                    "before": renumber(revision["before"]),
                    "after": renumber(revision["after"]),
                }
                for revision in history
            ]
        )


def _with_id(state: dict[str, Any] | None, old_id: int, new_id: int) -> dict[str, Any] | None:
    """A registry entry's snapshot under its new id (unchanged when ids are kept)."""
    if state is None or old_id == new_id or state.get("id") != old_id:
        return state
    return dict(state, id=new_id)


def _renumbered(
    state: dict[str, Any] | None, old_id: int, new_id: int, sentence_id: int
) -> dict[str, Any] | None:
    """A revision's snapshot with the annotation's new ids (unchanged when ids are kept)."""
    if state is None or (state.get("id") == new_id and state.get("sentence_id") == sentence_id):
        return state
    state = dict(state)
    if state.get("id") == old_id:
        state["id"] = new_id
    if "sentence_id" in state:
        state["sentence_id"] = sentence_id
    return state


def _ids_taken(articles: list[dict[str, Any]]) -> bool:
    """Does this instance already hold any of the document's article, sentence or annotation ids?"""
    groups: dict[Any, list[int]] = {Article.id: [], Sentence.id: [], Annotation.id: []}
    for article in articles:
        groups[Article.id].append(article["id"])
        for sentence in article["sentences"]:
            groups[Sentence.id].append(sentence["id"])
            groups[Annotation.id].extend(ann["id"] for ann in sentence["annotations"])
    return any(_any_taken(column, ids) for column, ids in groups.items())


def _source_ids_taken(entries: list[dict[str, Any]]) -> bool:
    """Does this instance already hold any of these registry entries' ids?"""
    return _any_taken(Source.id, [entry["id"] for entry in entries])


def _any_taken(column: Any, ids: list[int]) -> bool:
    return any(
        db.session.scalar(db.select(column).where(column.in_(ids[start : start + 1000])).limit(1))
        is not None
        for start in range(0, len(ids), 1000)
    )


def _usernames(articles: list[dict[str, Any]], entries: list[dict[str, Any]]) -> set[str]:
    """Everyone the document names: reviewers, adjudicators, raters and revision actors."""
    names: set[str] = set()
    for entry in entries:
        if entry["rated_by"]:
            names.add(entry["rated_by"])
        names.update(r["actor"] for r in entry.get("history") or [] if r["actor"])
    for article in articles:
        names.update(desk_exchange.user_names(article))
        for sentence in article["sentences"]:
            if sentence.get("adjudication") is not None:
                names.add(sentence["adjudication"]["adjudicator"])
            for ann in sentence["annotations"]:
                names.add(ann["reviewer"])
                names.update(r["actor"] for r in ann.get("history") or [] if r["actor"])
    return names


def _advance_sequences(tables: list[str]) -> None:
    """PostgreSQL: move these tables' id sequences past the ids we wrote (SQLite needs nothing)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(
            db.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed table names
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )
