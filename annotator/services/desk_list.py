"""The article list's desk columns and filters: status, assignees, due date."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from annotator.extensions import db
from annotator.models import Annotation, Article, Assignment, Sentence, Status, User
from annotator.services.assignments import reviewers_may_open_unassigned
from annotator.services.errors import Invalid
from annotator.services.status import status_column, statuses
from annotator.services.validation import Problems

SORTS = {"due": "soonest due first", "status": "status"}


def _due_expr():  # noqa: ANN202
    return (
        db.select(db.func.min(Assignment.due_date))
        .where(Assignment.article_id == Article.id)
        .scalar_subquery()
    )


def filters(*, viewer: User, status: str = "", assignee: str = "", due_by: str = "") -> list[Any]:
    """SQL conditions for the list; Invalid names the filter that is not understood. Reviewers on
    a desk of assignments only see theirs."""
    problems = Problems()
    conditions: list[Any] = []
    if status:
        conditions.append(status_column() == problems.choice("status", status, Status))
    if assignee:
        reviewer = db.session.scalar(db.select(User.id).where(User.username == assignee.strip()))
        if reviewer is None:
            problems["assignee"] = f"there is no user named {assignee.strip()[:64]!r}."
        conditions.append(
            db.exists().where(
                Assignment.article_id == Article.id, Assignment.reviewer_id == reviewer
            )
        )
    if due_by:
        try:
            limit = date.fromisoformat(due_by.strip())
        except ValueError:
            problems["due"] = f"must be a date like 2026-12-31 (got {due_by[:40]!r})."
        else:
            conditions.append(
                db.exists().where(Assignment.article_id == Article.id, Assignment.due_date <= limit)
            )
    if problems:
        raise Invalid(problems)
    if not viewer.is_admin and not reviewers_may_open_unassigned():
        conditions.append(
            db.exists().where(
                Assignment.article_id == Article.id, Assignment.reviewer_id == viewer.id
            )
        )
    return conditions


def order(sort: str) -> list[Any]:
    """The desk's sort orders (empty for the list's own)."""
    if sort == "due":
        due = _due_expr()
        return [due.is_(None), due]
    if sort == "status":
        return [status_column()]
    return []


@dataclass
class DeskColumns:
    status: Status = Status.NEW
    assignees: list[str] = field(default_factory=list)
    due: date | None = None
    # Admins: each reviewer of the article (assigned, or who judged some of it) and how many
    # sentences they judged, by name.
    progress: list[tuple[str, int]] = field(default_factory=list)


def columns(article_ids: list[int], *, viewer: User) -> dict[int, DeskColumns]:
    """Status, assignees (admins see everyone; reviewers only whether it is theirs), the
    soonest due date of each article and, for admins, each reviewer's progress, in three queries."""
    found = {aid: DeskColumns() for aid in article_ids}
    if not article_ids:
        return found
    for aid, st in statuses(article_ids).items():
        found[aid].status = st
    names: dict[int, list[str]] = defaultdict(list)
    for aid, name, due, reviewer_id in db.session.execute(
        db.select(Assignment.article_id, User.username, Assignment.due_date, Assignment.reviewer_id)
        .join(User, Assignment.reviewer_id == User.id)
        .where(Assignment.article_id.in_(article_ids))
        .order_by(db.func.lower(User.username))
    ):
        if viewer.is_admin or reviewer_id == viewer.id:
            names[aid].append(name)
            if due and (found[aid].due is None or due < found[aid].due):
                found[aid].due = due
    for aid, people in names.items():
        found[aid].assignees = people
    if viewer.is_admin:
        judged: dict[int, dict[str, int]] = defaultdict(dict)
        for aid, name, n in db.session.execute(
            db.select(
                Sentence.article_id,
                User.username,
                db.func.count(db.distinct(Annotation.sentence_id)),
            )
            .join(Annotation, Annotation.sentence_id == Sentence.id)
            .join(User, Annotation.reviewer_id == User.id)
            .where(Sentence.article_id.in_(article_ids), Annotation.deleted_at.is_(None))
            .group_by(Sentence.article_id, User.username)
        ):
            judged[aid][name] = n
        for aid, row in found.items():
            everyone = {name: 0 for name in row.assignees} | judged.get(aid, {})
            row.progress = sorted(everyone.items(), key=lambda item: item[0].lower())
    return found
