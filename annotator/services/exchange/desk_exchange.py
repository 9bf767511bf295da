"""The desk's part of the JSON export and its restore: each article's status and assignments.

Kept apart from exchange/exports.py and exchange/reload.py so that those call three small
functions: ``desk_fields`` when exporting, ``check_article`` and ``user_names`` when validating a
document, ``write_article`` when restoring it. Admins' exports only (the desk's organisation is
theirs to move between instances).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from annotator.extensions import db
from annotator.models import ArticleState, Assignment, Priority, Status, User
from annotator.models._types import utcnow
from annotator.services import audit
from annotator.services.desk.status import statuses

ASSIGNMENT_KEYS = {"reviewer", "assigned_by", "due_date", "priority", "created_at"}
PRIORITIES = {p.name.lower(): p for p in Priority}


def desk_fields(article_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """For each article: its status and its assignments (by reviewer name), in two queries."""
    ids = list(article_ids)
    if not ids:
        return {}
    found: dict[int, dict[str, Any]] = {
        aid: {"status": str(st), "assignments": []} for aid, st in statuses(ids).items()
    }
    assigner = db.aliased(User)
    rows = db.session.execute(
        db.select(
            Assignment.article_id,
            User.username,
            assigner.username,
            Assignment.due_date,
            Assignment.priority,
            Assignment.created_at,
        )
        .join(User, Assignment.reviewer_id == User.id)
        .outerjoin(assigner, Assignment.assigned_by_id == assigner.id)
        .where(Assignment.article_id.in_(ids))
        .order_by(Assignment.article_id, User.username)
    )
    for aid, reviewer, by, due, priority, created in rows:
        found[aid]["assignments"].append(
            {
                "reviewer": reviewer,
                "assigned_by": by,
                "due_date": due.isoformat() if due else None,
                "priority": Priority(priority).name.lower(),
                "created_at": created.isoformat(),
            }
        )
    return found


def check_article(problem: Callable[[str, str], None], path: str, article: dict[str, Any]) -> None:
    """Report what is wrong with an exported article's status and assignments."""
    status = article.get("status", "new")
    if status not in {s.value for s in Status}:
        problem(f"{path}.status", f"must be one of {', '.join(s.value for s in Status)}.")
    assignments = article.get("assignments", [])
    if not isinstance(assignments, list):
        problem(f"{path}.assignments", "must be a list.")
        return
    seen: set[str] = set()
    for i, a in enumerate(assignments):
        apath = f"{path}.assignments[{i}]"
        if not isinstance(a, dict) or set(a) != ASSIGNMENT_KEYS:
            problem(apath, f"must be an object with {', '.join(sorted(ASSIGNMENT_KEYS))}.")
            continue
        if not isinstance(a["reviewer"], str) or not a["reviewer"] or len(a["reviewer"]) > 64:
            problem(f"{apath}.reviewer", "must be a user name.")
        elif a["reviewer"] in seen:
            problem(f"{apath}.reviewer", f"{a['reviewer']} is assigned twice.")
        else:
            seen.add(a["reviewer"])
        if a["assigned_by"] is not None and (
            not isinstance(a["assigned_by"], str) or len(a["assigned_by"]) > 64
        ):
            problem(f"{apath}.assigned_by", "must be a user name or null.")
        if a["due_date"] is not None:
            try:
                date.fromisoformat(a["due_date"])
            except (TypeError, ValueError):
                problem(f"{apath}.due_date", "must be a date like 2026-12-31 or null.")
        if a["priority"] not in PRIORITIES:
            problem(f"{apath}.priority", f"must be one of {', '.join(PRIORITIES)}.")
        try:
            datetime.fromisoformat(a["created_at"])
        except (TypeError, ValueError):
            problem(f"{apath}.created_at", "must be an ISO 8601 timestamp.")


def user_names(article: dict[str, Any]) -> set[str]:
    """The user names an exported article's assignments mention."""
    names = set()
    for a in article.get("assignments") or []:
        names.add(a["reviewer"])
        if a["assigned_by"]:
            names.add(a["assigned_by"])
    return names


def write_article(
    article_id: int, article: dict[str, Any], users: dict[str, int], *, actor: User | None
) -> None:
    """Restore an article's status and assignments (the document was checked already)."""
    status = article.get("status", "new")
    now = utcnow()
    if status != "new":
        db.session.execute(
            db.insert(ArticleState.__table__),
            {
                "article_id": article_id,
                "status": status,
                "by_hand": True,
                "changed_by_id": actor.id if actor else None,
                "changed_at": now,
                "version": 1,
            },
        )
        audit.record(
            "article_status",
            article_id,
            "import",
            actor=actor,
            before=None,
            after={"status": status, "by_hand": True},
        )
    for a in article.get("assignments") or []:
        db.session.execute(
            db.insert(Assignment.__table__),
            {
                "article_id": article_id,
                "reviewer_id": users[a["reviewer"]],
                "assigned_by_id": users.get(a["assigned_by"]) if a["assigned_by"] else None,
                "due_date": date.fromisoformat(a["due_date"]) if a["due_date"] else None,
                "priority": int(PRIORITIES[a["priority"]]),
                "created_at": datetime.fromisoformat(a["created_at"]),
                "updated_at": now,
                "version": 1,
            },
        )
        audit.record("article_assignment", article_id, "import", actor=actor, before=None, after=a)
