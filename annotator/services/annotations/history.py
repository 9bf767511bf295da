"""Change history in readable form: an annotation's revisions as diffs, reverting to an earlier one,
and an article's activity log.

Blind review: a reviewer sees the history of their own annotations only (get_annotation refuses
the rest); the activity log, which shows everyone's verdicts, is for admins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import selectinload

from annotator.extensions import db
from annotator.models import Adjudication, Annotation, Revision, Sentence, User
from annotator.services import guards
from annotator.services.annotations import annotations as annotation_service
from annotator.services.errors import Forbidden, Invalid, NotFound
from annotator.services.serialize import annotation_data

FIELD_LABELS = {
    "verdict": "Verdict",
    "attributed_to": "Attributed to",
    "note": "Note",
    "span": "Claim span",
}
ACTIONS = {
    "create": "created",
    "update": "changed",
    "delete": "deleted",
    "restore": "restored",  # the stored action of an undelete (audit rows keep their words)
    "move": "moved",
    "transition": "moved",
    "import": "imported",
    "assign": "assigned",
    "unassign": "unassigned",
    "reassign": "reassigned",
    "merge": "merged sentences",
    "split": "split a sentence",
    "edit_text": "edited the text",
}


@dataclass
class Change:
    """One difference between two states, in words."""

    what: str  # "Verdict", "Link https://…"
    kind: str  # changed | added | removed | re-rated
    before: str = ""
    after: str = ""


@dataclass
class RevisionView:
    id: int
    action: str
    actor: str | None
    at: datetime
    changes: list[Change] = field(default_factory=list)
    state: dict[str, Any] | None = None  # what reverting to this revision brings back
    current: bool = False


def _span(span: dict[str, int] | None) -> str:
    return "whole sentence" if not span else f"characters {span['start']}–{span['end']}"


def diff_states(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """What changed between two annotation states: fields, and each link added, removed or re-rated."""
    before, after = before or {}, after or {}
    changes: list[Change] = []
    for name, label in FIELD_LABELS.items():
        old, new = before.get(name), after.get(name)
        if name == "span":
            old, new = (_span(old), _span(new)) if (before and after) else (None, None)
        if old != new and (before or after):
            if not before:
                continue  # a creation lists its fields below
            changes.append(Change(label, "changed", str(old or ""), str(new or "")))
    if not before:
        for name, label in FIELD_LABELS.items():
            value = _span(after.get("span")) if name == "span" else after.get(name)
            if value:
                changes.append(Change(label, "set", "", str(value)))
    old_links = {link["url"]: link for link in before.get("links", [])}
    new_links = {link["url"]: link for link in after.get("links", [])}
    for url, link in new_links.items():
        old = old_links.get(url)
        if old is None:
            changes.append(Change(f"Link {url}", "added", "", _rating(link)))
        elif (old.get("credibility"), old.get("stance")) != (
            link.get("credibility"),
            link.get("stance"),
        ):
            changes.append(Change(f"Link {url}", "re-rated", _rating(old), _rating(link)))
        elif old.get("title") != link.get("title"):
            changes.append(
                Change(f"Link {url}", "retitled", old.get("title", ""), link.get("title", ""))
            )
    for url, link in old_links.items():
        if url not in new_links and after:
            changes.append(Change(f"Link {url}", "removed", _rating(link), ""))
    return changes


def _rating(link: dict[str, Any]) -> str:
    stance = f", {link['stance']}" if link.get("stance") else ""
    return f"{link.get('credibility', 'unknown')}{stance}"


def annotation_history(
    annotation_id: int, *, viewer: User
) -> tuple[Annotation, list[RevisionView]]:
    """The annotation and its revisions, newest first, each with what it changed."""
    ann = annotation_service.get_annotation(annotation_id, viewer=viewer, include_deleted=True)
    revisions = list(
        db.session.scalars(
            db.select(Revision)
            .where(Revision.entity == "annotation", Revision.entity_id == ann.id)
            .options(selectinload(Revision.actor))
            .order_by(Revision.id)
        )
    )
    views: list[RevisionView] = []
    previous: dict[str, Any] | None = None
    for rev in revisions:
        state = rev.after if rev.after is not None else rev.before
        before = (
            rev.before if rev.before is not None else (previous if rev.action != "create" else None)
        )
        changes = [] if rev.action == "delete" else diff_states(before, rev.after)
        views.append(
            RevisionView(
                id=rev.id,
                action=ACTIONS.get(rev.action, rev.action),
                actor=rev.actor.username if rev.actor else None,
                at=rev.created_at,
                changes=changes,
                state=state,
            )
        )
        previous = state
    if views and ann.deleted_at is None:
        views[-1].current = True
    views.reverse()
    return ann, views


WRITABLE_FROM_STATE = ("verdict", "attributed_to", "note", "span")


def revert_to_revision(
    ann: Annotation, revision_id: int, *, actor: User, expected_version: object
) -> Annotation:
    """Bring back the annotation as a revision left it: a new revision, version-checked; a
    deleted annotation is undeleted first. Only its reviewer may do it."""
    revision = db.session.get(Revision, revision_id)
    if revision is None or (revision.entity, revision.entity_id) != ("annotation", ann.id):
        raise NotFound(f"Annotation #{ann.id} has no revision #{revision_id}.")
    if ann.reviewer_id != actor.id:
        raise Forbidden(
            f"Annotation #{ann.id} belongs to another reviewer; only they can restore it."
        )
    guards.check_version(
        "annotation revert",
        expected_version,
        ann,
        ident=ann.id,
        current=annotation_data,
    )
    state = revision.after if revision.after is not None else revision.before
    if not state:
        raise Invalid({"revision": "this revision holds no state to restore."})
    if ann.deleted_at is not None:
        annotation_service.undelete_annotation(ann, actor=actor)
    changes: dict[str, Any] = {name: state.get(name) for name in WRITABLE_FROM_STATE}
    changes["attributed_to"] = changes["attributed_to"] or ""
    changes["note"] = changes["note"] or ""
    changes["links"] = [
        {
            "url": link["url"],
            "title": link.get("title") or "",
            "stance": link.get("stance"),
            # A registry rating is asked of the registry again; a reviewer's comes back with its reason.
            "credibility": None
            if link.get("credibility_source") == "registry"
            else link.get("credibility"),
            "override_reason": link.get("override_reason") or "",
        }
        for link in state.get("links", [])
    ]
    return annotation_service.update_annotation(
        ann, changes, actor=actor, expected_version=ann.version
    )


# --------------------------------------------------------------------------- activity


@dataclass
class Activity:
    id: int
    at: datetime
    actor: str | None
    entity: str
    entity_id: int
    action: str
    summary: str
    changes: list[Change] = field(default_factory=list)


def _summary(rev: Revision) -> tuple[str, list[Change]]:
    state = rev.after or rev.before or {}
    verb = ACTIONS.get(rev.action, rev.action)
    if rev.entity == "annotation":
        changes = (
            []
            if rev.action in ("delete", "restore")
            else diff_states(rev.before if rev.action != "create" else None, rev.after)
        )
        return f"{verb} annotation #{rev.entity_id} ({state.get('verdict', '')})", changes
    if rev.entity == "adjudication":
        return (
            f"{verb} the final verdict of sentence #{state.get('sentence_id')} ({state.get('verdict', '')})",
            [],
        )
    if rev.entity == "article_status":
        before = (rev.before or {}).get("status", "new")
        after = (rev.after or {}).get("status")
        how = "by hand" if (rev.after or {}).get("by_hand") else "by rule"
        return f"moved the article from {before} to {after} ({how})", []
    if rev.entity == "article_assignment":
        who = state.get("reviewer")
        if rev.action == "reassign":
            return f"reassigned from {(rev.before or {}).get('reviewer')} to {who}", []
        return f"{verb} {who}" + (
            f" (due {state['due_date']})" if state.get("due_date") else ""
        ), []
    if rev.entity == "article":
        if rev.action == "create":
            return f"imported the article ({state.get('sentences')} sentences)", []
        return f"{verb} the article", []
    return f"{verb} {rev.entity} #{rev.entity_id}", []


def article_activity(
    article_id: int, *, viewer: User, limit: int = 50, offset: int = 0
) -> tuple[list[Activity], int]:
    """The article's activity, newest first, one page, and how many events there are (admins only)."""
    guards.require_admin(
        viewer, "Only admins see an article's activity log: it shows every reviewer's verdicts."
    )
    annotation_ids = (
        db.select(Annotation.id)
        .join(Sentence, Annotation.sentence_id == Sentence.id)
        .where(Sentence.article_id == article_id)
    )
    adjudication_ids = (
        db.select(Adjudication.id)
        .join(Sentence, Adjudication.sentence_id == Sentence.id)
        .where(Sentence.article_id == article_id)
    )
    condition = db.or_(
        db.and_(
            Revision.entity.in_(("article", "article_status", "article_assignment")),
            Revision.entity_id == article_id,
        ),
        db.and_(Revision.entity == "annotation", Revision.entity_id.in_(annotation_ids)),
        db.and_(Revision.entity == "adjudication", Revision.entity_id.in_(adjudication_ids)),
    )
    total = db.session.scalar(db.select(db.func.count()).select_from(Revision).where(condition))
    revisions = db.session.scalars(
        db.select(Revision)
        .where(condition)
        .options(selectinload(Revision.actor))
        .order_by(Revision.id.desc())
        .limit(limit)
        .offset(offset)
    )
    items = []
    for rev in revisions:
        summary, changes = _summary(rev)
        items.append(
            Activity(
                id=rev.id,
                at=rev.created_at,
                actor=rev.actor.username if rev.actor else None,
                entity=rev.entity,
                entity_id=rev.entity_id,
                action=rev.action,
                summary=summary,
                changes=changes,
            )
        )
    return items, total or 0
