"""Reviewers' judgements: create, change, delete (softly) and undelete, each with a revision."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from annotator import uow
from annotator.extensions import db
from annotator.fields import ANNOTATION, limit
from annotator.models import (
    Annotation,
    Article,
    Credibility,
    EvidenceLink,
    Revision,
    Sentence,
    Source,
    Stance,
    User,
    Verdict,
)
from annotator.models._types import utcnow
from annotator.services import audit, guards
from annotator.services.annotations import claim_vectors, ratings
from annotator.services.desk import assignments, status
from annotator.services.errors import Conflict, Forbidden, Invalid, NotFound
from annotator.services.serialize import annotation_data, annotation_row, iso, link_row
from annotator.services.validation import Problems

WRITABLE = ("verdict", "attributed_to", "note", "links", "span", "matched_from")
NOT_SETTABLE = "is not a field you can set on an annotation."


# What annotation_data reads, loaded in three queries whatever the number of annotations.
LOAD_FOR_DATA = (
    selectinload(Annotation.links).selectinload(EvidenceLink.source),
    selectinload(Annotation.reviewer),
)


def visible_to(viewer: User):
    """Reviewers judge independently and see only their own work; admins see everyone's."""
    live = Annotation.deleted_at.is_(None)
    return live if viewer.is_admin else db.and_(live, Annotation.reviewer_id == viewer.id)


def annotations_for_article(article_id: int, *, viewer: User) -> list[Annotation]:
    """The viewer's visible annotations on one article, links and reviewer loaded, in order."""
    return list(
        db.session.scalars(
            db.select(Annotation)
            .join(Sentence)
            .where(Sentence.article_id == article_id, visible_to(viewer))
            .options(*LOAD_FOR_DATA)
            .order_by(Sentence.index, Annotation.id)
        )
    )


def link_query():
    """Evidence links as plain columns with their registry entry's name, in saved order."""
    return (
        db.select(
            EvidenceLink.annotation_id,
            EvidenceLink.url,
            EvidenceLink.title,
            EvidenceLink.credibility,
            EvidenceLink.stance,
            EvidenceLink.credibility_source,
            EvidenceLink.override_reason,
            Source.name,
        )
        .outerjoin(Source, EvidenceLink.source_id == Source.id)
        .order_by(EvidenceLink.annotation_id, EvidenceLink.position, EvidenceLink.id)
    )


def links_by_annotation(rows: Iterable[Any]) -> dict[int, list[dict[str, Any]]]:
    """Rows of link_query by annotation id, each link as link_data gives it."""
    links: dict[int, list[dict[str, Any]]] = {}
    for annotation_id, *columns in rows:
        links.setdefault(annotation_id, []).append(link_row(*columns))
    return links


def links_for_article(article_id: int, *, viewer: User) -> dict[int, list[dict[str, Any]]]:
    """The links of the viewer's visible annotations on one article, by annotation id: one query
    of plain rows (a page of 1,000 claims builds no link objects)."""
    return links_by_annotation(
        db.session.execute(
            link_query()
            .join(Annotation, EvidenceLink.annotation_id == Annotation.id)
            .join(Sentence, Annotation.sentence_id == Sentence.id)
            .where(Sentence.article_id == article_id, visible_to(viewer))
        )
    )


def get_annotation(
    annotation_id: int, *, viewer: User, include_deleted: bool = False
) -> Annotation:
    """An annotation the viewer may see, or NotFound / Forbidden."""
    ann = db.session.get(Annotation, annotation_id)
    if ann is None or (ann.deleted_at is not None and not include_deleted):
        raise NotFound(f"There is no annotation #{annotation_id}.")
    if not viewer.is_admin and ann.reviewer_id != viewer.id:
        raise Forbidden(f"Annotation #{annotation_id} belongs to another reviewer.")
    return ann


_LIVE_SENTENCE = (  # every save asks: the table's columns, made into a Sentence by uow.load
    db.select(*Sentence.__table__.columns)
    .join(Article, Sentence.article_id == Article.id)
    .where(Sentence.id == db.bindparam("sentence_id"), Article.deleted_at.is_(None))
)  # without loading the article's text


def get_sentence(sentence_id: object) -> Sentence:
    """A sentence of a live article, or NotFound."""
    if not isinstance(sentence_id, int) or isinstance(sentence_id, bool):
        raise Invalid({"sentence_id": _("must be the id number of a sentence.")})
    sentence = uow.load(Sentence, _LIVE_SENTENCE, {"sentence_id": sentence_id})
    if sentence is None:
        raise NotFound(f"There is no sentence #{sentence_id}.")
    return sentence


def claim_span(
    sentence: Sentence, claim: object, start: int | None = None, end: int | None = None
) -> dict[str, int] | None:
    """Where the claim's words stand: the selection (start, end) if it holds them, even if the
    words repeat, else their first occurrence in the sentence; None (the whole sentence) for no
    words. Mirrored by static/annotate/editor.js (span): keep in step."""
    words = (claim or "").strip() if isinstance(claim, str) else ""
    if not words:
        return None
    if start is not None and end is not None and sentence.article.text[start:end] == words:
        return {"start": start, "end": end}
    found = sentence.text.find(words)
    if found < 0:
        raise Invalid(
            {"claim_text": "these words do not occur in the sentence; copy them exactly."}
        )
    return {"start": sentence.start + found, "end": sentence.start + found + len(words)}


# A save is the commonest write: its two INSERTs are built once and run without the ORM's unit
# of work (which cost more than the rest of the save together). Column defaults still apply.
_INSERT_ANNOTATION = db.insert(Annotation.__table__).returning(Annotation.__table__.c.id)
_INSERT_LINK = db.insert(EvidenceLink.__table__)
_JUDGED_ALREADY = (
    db.select(Annotation.id)
    .where(
        Annotation.sentence_id == db.bindparam("sentence_id"),
        Annotation.reviewer_id == db.bindparam("reviewer_id"),
        Annotation.deleted_at.is_(None),
    )
    .limit(1)
)


def create_annotation(sentence: Sentence, data: dict[str, Any], *, actor: User) -> dict[str, Any]:
    """Record the actor's judgement of a claim in this sentence; its state as annotation_data
    gives it (the revision stores it and the API returns it: nothing is read back)."""
    guards.refuse_unknown(data, (*WRITABLE, "sentence_id"), NOT_SETTABLE)
    assignments.require_access(sentence.article_id, actor)
    clean = _clean(sentence, data, partial=False)
    check_matched_from(clean["matched_from"], actor)
    links = ratings.rate_links(clean["links"], previous=())  # refuses before anything is written
    for link in links:
        link["title"] = link["title"] or ""
    now = utcnow()
    span_start, span_end = clean["span"] or (None, None)
    row = {
        "sentence_id": sentence.id,
        "reviewer_id": actor.id,
        "span_start": span_start,
        "span_end": span_end,
        "verdict": clean["verdict"],
        "attributed_to": clean["attributed_to"],
        "note": clean["note"],
        "matched_from_id": clean["matched_from"],
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    # Another claim in a sentence the reviewer already judged leaves what they judged as it was:
    # the status rules then read only what can still change (one indexed lookup here).
    judged_before = uow.run(
        _JUDGED_ALREADY, {"sentence_id": sentence.id, "reviewer_id": actor.id}
    ).first()
    annotation_id = _insert(row, links)
    claim_vectors.note_claims_changed(sentence.id)  # "Seen before" encodes the claim soon after
    state = annotation_row(
        annotation_id,
        sentence.id,
        span_start,
        span_end,
        row["verdict"],
        row["attributed_to"],
        row["note"],
        [
            link_row(
                link["url"],
                link["title"],
                link["credibility"],
                link["stance"],
                link["credibility_source"],
                link["override_reason"],
                link["source"].name if link["source"] else None,
            )
            for link in links
        ],
        row["matched_from_id"],
        actor.username,
        1,
        iso(now),
        iso(now),
    )
    audit.record("annotation", annotation_id, "create", actor=actor, before=None, after=state)
    status.refresh(sentence.article_id, actor=actor, judged_changed=judged_before is None)
    return state


def _insert(row: dict[str, Any], links: list[dict[str, Any]]) -> int:
    """INSERT a new annotation and its rated links (the index triggers fire here); its id."""
    annotation_id = uow.run(_INSERT_ANNOTATION, row).scalar_one()
    if links:
        uow.run(
            _INSERT_LINK,
            [
                {
                    "annotation_id": annotation_id,
                    "position": i,
                    "url": link["url"],
                    "title": link["title"],
                    "credibility": link["credibility"],
                    "stance": link["stance"],
                    "credibility_source": link["credibility_source"],
                    "override_reason": link["override_reason"],
                    "source_id": link["source"].id if link["source"] else None,
                }
                for i, link in enumerate(links)
            ],
        )
    return annotation_id


def annotate(sentence: Sentence, data: dict[str, Any], *, actor: User) -> Annotation:
    """Record the actor's judgement of a claim in this sentence (create_annotation), as an object."""
    state = create_annotation(sentence, data, actor=actor)
    return db.session.get_one(Annotation, state["id"])


def update_annotation(
    ann: Annotation, changes: dict[str, Any], *, actor: User, expected_version: object
) -> Annotation:
    """Change an annotation the actor owns, only if nobody changed it since expected_version."""
    _require_owner(ann, actor)
    guards.refuse_unknown(changes, (*WRITABLE, "version"), NOT_SETTABLE)
    _lock(ann)
    _check_version("annotation", ann, expected_version)
    if ann.deleted_at is not None:
        raise NotFound(f"Annotation #{ann.id} was deleted.")
    kept = (ann.span_start, ann.span_end) if ann.span_start is not None else None
    clean = _clean(ann.sentence, changes, partial=True, kept_span=kept)
    if clean.get("matched_from") not in (None, ann.matched_from_id):
        check_matched_from(clean["matched_from"], actor, itself=ann.id)
    links = _rate(ann, clean)
    if not _changes_anything(ann, clean, links):
        return ann  # a save of what is there: no revision, the same version
    before = annotation_data(ann)
    _apply(ann, clean, links)
    if "span" in changes and clean.get("span") != kept:
        ann.lost_quote = None  # placed again by hand
    ann.updated_at = utcnow()
    _flush_or_conflict(ann)
    audit.record(
        "annotation", ann.id, "update", actor=actor, before=before, after=annotation_data(ann)
    )
    status.refresh(ann.sentence.article_id, actor=actor, judged_changed=False)
    return ann


def delete_annotation(ann: Annotation, *, actor: User, expected_version: object = None) -> None:
    """Soft-delete: hidden everywhere, restorable, and recorded."""
    _require_owner(ann, actor)
    _lock(ann)
    _check_version("annotation deletion", ann, expected_version)
    if ann.deleted_at is not None:
        raise NotFound(f"There is no annotation #{ann.id}.")
    before = annotation_data(ann)
    ann.deleted_at = utcnow()
    ann.updated_at = ann.deleted_at
    _flush_or_conflict(ann)
    audit.record("annotation", ann.id, "delete", actor=actor, before=before, after=None)
    status.refresh(ann.sentence.article_id, actor=actor)


def undelete_annotation(ann: Annotation, *, actor: User) -> Annotation:
    """Undo a soft delete."""
    _require_owner(ann, actor)
    _lock(ann)
    if ann.deleted_at is None:
        raise Invalid({"id": _("this annotation is not deleted.")})
    ann.deleted_at = None
    ann.updated_at = utcnow()
    _flush_or_conflict(ann)
    audit.record(
        "annotation", ann.id, "restore", actor=actor, before=None, after=annotation_data(ann)
    )
    status.refresh(ann.sentence.article_id, actor=actor)
    return ann


def check_matched_from(matched: int | None, actor: User, itself: int | None = None) -> None:
    """Refuse a match the actor could not have seen (services/annotations/similar.py has the rule)."""
    from annotator.services.annotations.similar import (
        refuse_unseen_match,  # similar imports this module
    )

    refuse_unseen_match(matched, actor, itself)


def _require_owner(ann: Annotation, actor: User) -> None:
    if ann.reviewer_id != actor.id:
        raise Forbidden(
            f"Annotation #{ann.id} belongs to another reviewer; only they can change it."
        )


def _lock(ann: Annotation) -> None:
    """Re-read the row's version under a row lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
    writers are already one at a time): of two requests carrying the same version, the second
    waits for the first to commit and then sees the new version, a clean 409."""
    db.session.refresh(ann, ["version", "deleted_at"], with_for_update=True)


def _check_version(kind: str, ann: Annotation, expected: object) -> None:
    try:
        guards.check_version(kind, expected, ann, ident=ann.id, current=_refreshed)
    except Conflict as conflict:
        # Who saved last and when, so the page can say whether it was you in another tab.
        last = db.session.execute(
            db.select(User.username, Revision.created_at)
            .select_from(Revision)
            .outerjoin(User, Revision.actor_id == User.id)
            .where(Revision.entity == "annotation", Revision.entity_id == ann.id)
            .order_by(Revision.id.desc())
            .limit(1)
        ).first()
        conflict.changed_by = last.username if last else None
        conflict.changed_at = last.created_at.isoformat() if last and last.created_at else None
        raise


def _refreshed(ann: Annotation) -> dict[str, Any]:
    db.session.refresh(ann)  # all of what the other save left, for "current"
    return annotation_data(ann)


def _flush_or_conflict(ann: Annotation) -> None:
    guards.flush_or_conflict(
        f"Annotation #{ann.id} was changed by someone else at the same moment; reload and try again."
    )


def _clean(
    sentence: Sentence,
    data: dict[str, Any],
    *,
    partial: bool,
    kept_span: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """Check writable fields; with partial=True only those present."""
    problems = Problems()
    clean: dict[str, Any] = {}
    limits = current_app.config
    if not partial or "verdict" in data:
        clean["verdict"] = problems.choice("verdict", data.get("verdict"), Verdict)
    if not partial or "attributed_to" in data:
        clean["attributed_to"] = problems.text(
            "attributed_to",
            data.get("attributed_to"),
            limit=limit("annotation", "attributed_to"),
            label="attributed to",
        )
    if not partial or "note" in data:
        clean["note"] = problems.text(
            "note", data.get("note"), limit=ANNOTATION["note"].limit_in(limits)
        )
    if not partial or "span" in data:
        span = data.get("span")
        if (
            kept_span
            and isinstance(span, dict)
            and (span.get("start"), span.get("end")) == kept_span
        ):
            clean["span"] = (
                kept_span  # unchanged, even if a split left it crossing into the next sentence
            )
        else:
            clean["span"] = _clean_span(sentence, span, problems)
    if not partial or "matched_from" in data:
        matched = data.get("matched_from")
        if matched is not None and (not isinstance(matched, int) or isinstance(matched, bool)):
            problems["matched_from"] = _("must be the id of an earlier annotation, or null.")
        clean["matched_from"] = matched
    if not partial or "links" in data:
        clean["links"] = _clean_links(
            data.get("links") or [], problems, ANNOTATION["links"].limit_in(limits)
        )
    if problems:
        raise Invalid(problems)
    return clean


def _clean_span(sentence: Sentence, span: object, problems: Problems) -> tuple[int, int] | None:
    if span is None:
        return None
    if not isinstance(span, dict) or set(span) != {"start", "end"}:
        problems["span"] = _('must be null or {"start": n, "end": n} in article offsets.')
        return None
    start, end = span["start"], span["end"]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        problems["span"] = _("start and end must be whole numbers.")
        return None
    if not sentence.start <= start < end <= sentence.end:
        problems["span"] = _(
            "must lie inside the sentence (%(start)s to %(end)s) with start before end.",
            start=sentence.start,
            end=sentence.end,
        )
        return None
    if (start, end) == (sentence.start, sentence.end):
        return None  # the whole sentence
    return start, end


def _clean_links(links: object, problems: Problems, most: int) -> list[dict[str, Any]]:
    if not isinstance(links, list):
        problems["links"] = _("must be a list of links.")
        return []
    if len(links) > most:
        problems["links"] = _(
            "at most %(most)s links per annotation (got %(got)s).", most=most, got=len(links)
        )
        return []
    clean = []
    for i, link in enumerate(links):
        name = f"links[{i}]"
        if not isinstance(link, dict):
            problems[name] = _("must be an object with a url.")
            continue
        # credibility_source and source are read-only: accepted so a link read can be sent back.
        unknown = set(link) - {
            "url",
            "title",
            "credibility",
            "stance",
            "override_reason",
            "credibility_source",
            "source",
        }
        if unknown:
            problems[name] = _("unknown field %(field)s.", field=repr(sorted(unknown)[0]))
            continue
        url = problems.url(f"{name}.url", link.get("url"), required=True)
        title = problems.text(f"{name}.title", link.get("title"), limit=limit("link", "title"))
        # No rating given: the source registry supplies it (see ratings.rate_links).
        credibility = problems.choice(
            f"{name}.credibility", link.get("credibility"), Credibility, required=False
        )
        stance = problems.choice(f"{name}.stance", link.get("stance"), Stance, required=False)
        reason = problems.text(
            f"{name}.override_reason",
            link.get("override_reason"),
            limit=limit("link", "override_reason"),
            label="override reason",
        )
        clean.append(
            {
                "url": url,
                "title": title,
                "credibility": credibility,
                "stance": stance,
                "override_reason": reason,
            }
        )
    return clean


def _rate(ann: Annotation, clean: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The links as they would be stored (None: not sent). Rated before anything changes, so a
    missing override reason refuses the save with the annotation untouched."""
    return ratings.rate_links(clean["links"], previous=ann.links) if "links" in clean else None


def _link_key(link: dict[str, Any] | EvidenceLink) -> tuple[Any, ...]:
    get = link.get if isinstance(link, dict) else lambda name: getattr(link, name)
    source = get("source")
    return (
        get("url"),
        get("title") or "",
        str(get("credibility")),
        str(get("stance")) if get("stance") else None,
        str(get("credibility_source")),
        get("override_reason") or "",
        source.id if source is not None else None,
    )


def _changes_anything(
    ann: Annotation, clean: dict[str, Any], links: list[dict[str, Any]] | None
) -> bool:
    """Whether applying ``clean`` (and the rated ``links``) would change what is stored."""
    for name in ("verdict", "attributed_to", "note"):
        if name in clean and clean[name] != getattr(ann, name):
            return True
    span = (ann.span_start, ann.span_end) if ann.span_start is not None else None
    if "span" in clean and clean["span"] != span:
        return True
    if "matched_from" in clean and clean["matched_from"] != ann.matched_from_id:
        return True
    return links is not None and [_link_key(link) for link in links] != [
        _link_key(link) for link in ann.links
    ]


def _apply(ann: Annotation, clean: dict[str, Any], links: list[dict[str, Any]] | None) -> None:
    for name in ("verdict", "attributed_to", "note"):
        if name in clean:
            setattr(ann, name, clean[name])
    if "span" in clean:
        ann.span_start, ann.span_end = clean["span"] or (None, None)
    if "matched_from" in clean:
        ann.matched_from_id = clean["matched_from"]
    if links is not None:
        ann.links = [EvidenceLink(position=i, **link) for i, link in enumerate(links)]


def insert_annotation(row: dict[str, Any], links: list[dict[str, Any]]) -> int:
    """Bulk path for loading an export: one already-checked annotation row (its verdict, times and
    version as exported) and its links' rows, without the per-save checks; its id.

    The caller records the revision (the export's own history, or an "import")."""
    table = Annotation.__table__
    annotation_id = db.session.execute(db.insert(table).returning(table.c.id), row).scalar_one()
    if links:
        db.session.execute(
            db.insert(EvidenceLink.__table__),
            [dict(link, annotation_id=annotation_id, position=i) for i, link in enumerate(links)],
        )
    return annotation_id
