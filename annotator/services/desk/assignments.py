"""Who reviews which article: assign (named or the N least loaded), change, unassign; queues.

Every change is a revision ("article_assignment", article id) written in the same transaction,
and may move the article's status (see services.desk.status). Changes to an existing assignment carry
its version: a stale one is a Conflict and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from annotator import uow
from annotator.extensions import db
from annotator.models import (
    Article,
    ArticleState,
    Assignment,
    DeskSetting,
    Priority,
    Role,
    Status,
    User,
)
from annotator.models._types import utcnow
from annotator.services import audit, guards
from annotator.services.desk import settings, status
from annotator.services.errors import Forbidden, Invalid, NotFound
from annotator.services.validation import Problems

PRIORITY_NAMES = {p.name.lower(): p for p in Priority}
ADMINS_ONLY = "Only admins can assign articles and change the desk's rules."
OPEN_ANY = "reviewers_open_unassigned"
CLOSED = (Status.ADJUDICATED, Status.ARCHIVED)


def assignment_data(a: Assignment) -> dict[str, Any]:
    """An assignment as plain data: what revisions store, the API returns and exports carry."""
    return {
        "id": a.id,
        "article_id": a.article_id,
        "reviewer": a.reviewer.username,
        "assigned_by": a.assigned_by.username if a.assigned_by else None,
        "due_date": a.due_date.isoformat() if a.due_date else None,
        "priority": Priority(a.priority).name.lower(),
        "version": a.version,
        "created_at": a.created_at.isoformat(),
        "updated_at": a.updated_at.isoformat(),
    }


# --------------------------------------------------------------------------- desk settings


# Checked on every save and page: the rule and the reviewer's assignment in one query.
_ACCESS = db.select(
    db.select(DeskSetting.value).where(DeskSetting.name == OPEN_ANY).scalar_subquery(),
    db.exists().where(
        Assignment.article_id == db.bindparam("article_id"),
        Assignment.reviewer_id == db.bindparam("reviewer_id"),
    ),
)


def reviewers_may_open_unassigned() -> bool:
    """The desk's rule: may reviewers open articles nobody assigned them? (default: yes)"""
    return settings.read(OPEN_ANY).get(OPEN_ANY) != "no"


def set_reviewers_may_open_unassigned(allowed: bool, *, actor: User) -> None:
    """Admins choose whether reviewers may open unassigned articles or only their assignments."""
    guards.require_admin(actor, ADMINS_ONLY)
    before = reviewers_may_open_unassigned()
    settings.write(
        {OPEN_ANY: "yes" if allowed else "no"},
        actor=actor,
        before={OPEN_ANY: before},
        after={OPEN_ANY: allowed},
    )


def require_access(article_id: int, viewer: User) -> None:
    """Forbidden if the desk lets reviewers open only their assignments and this is not one."""
    if viewer.is_admin:
        return
    rule, mine = uow.run(_ACCESS, {"article_id": article_id, "reviewer_id": viewer.id}).one()
    if rule == "no" and not mine:
        raise Forbidden(
            _(
                "Article #%(id)s is not assigned to you; on this desk reviewers open only "
                "their assignments.",
                id=article_id,
            )
        )


# --------------------------------------------------------------------------- assigning


def get_assignment(assignment_id: int) -> Assignment:
    a = db.session.get(Assignment, assignment_id)
    if a is None:
        raise NotFound(_("There is no assignment #%(id)s.", id=assignment_id))
    return a


def assignments_for(article_id: int) -> list[Assignment]:
    """The article's assignments, by reviewer name."""
    return list(
        db.session.scalars(
            db.select(Assignment)
            .join(User, Assignment.reviewer_id == User.id)
            .where(Assignment.article_id == article_id)
            .options(selectinload(Assignment.reviewer), selectinload(Assignment.assigned_by))
            .order_by(db.func.lower(User.username))
        )
    )


def articles_by_id(ids: object) -> list[Article]:
    """Live articles by id, in the order given; Invalid naming ``articles`` for any that is not."""
    if not isinstance(ids, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in ids
    ):
        raise Invalid({"articles": _("must be a list of article id numbers.")})
    found = {
        a.id: a
        for a in db.session.scalars(
            db.select(Article).where(Article.id.in_(ids), Article.deleted_at.is_(None))
        )
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise Invalid({"articles": _("there is no article #%(id)s.", id=missing[0])})
    return [found[i] for i in dict.fromkeys(ids)]


def _clean_due(value: object, problems: Problems, name: str = "due_date") -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value.strip()) != 10:
        problems[name] = _(
            "must be a date like 2026-12-31 (got %(value)s).", value=repr(str(value)[:40])
        )
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems[name] = _(
            "must be a date like 2026-12-31 (got %(value)s).", value=repr(value[:40])
        )
        return None


def _clean_priority(value: object, problems: Problems) -> Priority:
    if value in (None, ""):
        return Priority.NORMAL
    if isinstance(value, str) and value.lower() in PRIORITY_NAMES:
        return PRIORITY_NAMES[value.lower()]
    if isinstance(value, int) and not isinstance(value, bool) and value in tuple(Priority):
        return Priority(value)
    problems["priority"] = _(
        "must be one of %(allowed)s (got %(value)s).",
        allowed=", ".join(PRIORITY_NAMES),
        value=repr(str(value)[:40]),
    )
    return Priority.NORMAL


def _reviewer(name: object, problems: Problems, field: str) -> User | None:
    if not isinstance(name, str) or not name.strip():
        problems[field] = _("must be a reviewer's user name.")
        return None
    user = db.session.scalar(db.select(User).where(User.username == name.strip()))
    if user is None:
        problems[field] = _("there is no user named %(name)s.", name=repr(name.strip()))
    elif not user.active:
        problems[field] = _("%(name)s is deactivated; reactivate them first.", name=user.username)
    elif user.role != Role.REVIEWER:
        problems[field] = _(
            "%(name)s is an admin; admins adjudicate, reviewers are assigned.", name=user.username
        )
    else:
        return user
    return None


def open_work() -> Select[tuple[int, int]]:
    """(reviewer id, number of open assignments): on live articles not adjudicated or archived."""
    return (
        db.select(Assignment.reviewer_id, db.func.count().label("n"))
        .join(Article, Assignment.article_id == Article.id)
        .outerjoin(ArticleState, ArticleState.article_id == Assignment.article_id)
        .where(
            Article.deleted_at.is_(None),
            db.or_(ArticleState.status.is_(None), ArticleState.status.not_in(CLOSED)),
        )
        .group_by(Assignment.reviewer_id)
    )


def load(*, exclude_article: int | None = None) -> list[tuple[User, int]]:
    """Active reviewers with their number of open assignments, least loaded first."""
    work = open_work().subquery()
    n = db.func.coalesce(work.c.n, 0)
    query = (
        db.select(User, n)
        .outerjoin(work, work.c.reviewer_id == User.id)
        .where(User.active.is_(True), User.role == Role.REVIEWER)
        .order_by(n, db.func.lower(User.username))
    )
    if exclude_article is not None:
        query = query.where(
            ~db.exists().where(
                Assignment.reviewer_id == User.id, Assignment.article_id == exclude_article
            )
        )
    return [(user, n) for user, n in db.session.execute(query).all()]


def assign(
    articles: Sequence[Article],
    *,
    reviewers: object = None,
    count: object = None,
    due_date: object = None,
    priority: object = None,
    actor: User,
) -> list[Assignment]:
    """Assign each article to the named reviewers, or to ``count`` of the least-loaded active
    reviewers not already on it. Every problem is found before anything changes."""
    guards.require_admin(actor, ADMINS_ONLY)
    problems = Problems()
    due = _clean_due(due_date, problems)
    rank = _clean_priority(priority, problems)
    named: list[User] = []
    if not articles:
        problems["articles"] = _("choose at least one article.")
    if (reviewers in (None, "", [])) == (count in (None, "")):
        problems["reviewers"] = _("name the reviewers, or give a number of reviewers (not both).")
    elif reviewers not in (None, "", []):
        names = reviewers.split(",") if isinstance(reviewers, str) else reviewers
        if not isinstance(names, list):
            problems["reviewers"] = _("must be a list of user names.")
            names = []
        seen: set[str] = set()
        # Who is already on these articles, read once rather than once per name and article.
        taken = {
            (article_id, reviewer_id)
            for article_id, reviewer_id in db.session.execute(
                db.select(Assignment.article_id, Assignment.reviewer_id).where(
                    Assignment.article_id.in_([article.id for article in articles])
                )
            )
        }
        for i, name in enumerate(names):
            user = _reviewer(name, problems, "reviewers" if len(names) == 1 else f"reviewers[{i}]")
            if user is None:
                continue
            if user.username in seen:
                problems[f"reviewers[{i}]"] = _("%(name)s is named twice.", name=user.username)
                continue
            seen.add(user.username)
            named.append(user)
            for article in articles:
                if (article.id, user.id) in taken:
                    problems[f"reviewers[{i}]"] = _(
                        "%(name)s is already assigned to article #%(id)s.",
                        name=user.username,
                        id=article.id,
                    )
    else:
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 50:
            problems["count"] = _("must be a whole number of reviewers from 1 to 50.")
        else:
            for article in articles:
                free = len(load(exclude_article=article.id))
                if free < count:
                    problems["count"] = ngettext(
                        "only %(num)s active reviewer can still be assigned to article #%(id)s; "
                        "you asked for %(count)s.",
                        "only %(num)s active reviewers can still be assigned to article #%(id)s; "
                        "you asked for %(count)s.",
                        free,
                        id=article.id,
                        count=count,
                    )
                    break
    if problems:
        raise Invalid(problems)
    made: list[Assignment] = []
    for article in articles:
        people = named or [user for user, _n in load(exclude_article=article.id)[:count]]
        for user in people:
            made.append(_create(article, user, due, rank, actor))
        status.refresh(article.id, actor=actor)
    return made


def _assignment_of(article_id: int, reviewer_id: int) -> Assignment | None:
    return db.session.scalar(
        db.select(Assignment).where(
            Assignment.article_id == article_id, Assignment.reviewer_id == reviewer_id
        )
    )


def _create(
    article: Article, user: User, due: date | None, rank: Priority, actor: User
) -> Assignment:
    now = utcnow()
    a = Assignment(
        article_id=article.id,
        reviewer=user,
        assigned_by=actor,
        due_date=due,
        priority=int(rank),
        created_at=now,
        updated_at=now,
    )
    db.session.add(a)
    _flush(a)
    audit.record(
        "article_assignment",
        article.id,
        "assign",
        actor=actor,
        before=None,
        after=assignment_data(a),
    )
    return a


def _flush(a: Assignment) -> None:
    guards.flush_or_conflict(
        f"Assignment #{a.id} was changed by someone else at the same moment; reload and try again.",
        taken=f"Someone assigned article #{a.article_id} to {a.reviewer.username} at the same moment.",
    )


def _check_version(a: Assignment, expected: object) -> None:
    guards.check_version("assignment", expected, a, ident=a.id, current=assignment_data)


def update_assignment(
    a: Assignment, changes: dict[str, Any], *, actor: User, expected_version: object
) -> Assignment:
    """Change the due date, priority or reviewer (reassign) of an assignment."""
    guards.require_admin(actor, ADMINS_ONLY)
    problems = Problems(
        guards.unknown_fields(
            changes,
            {"due_date", "priority", "reviewer"},
            "is not a field of an assignment you can change.",
        )
    )
    due = _clean_due(changes.get("due_date"), problems) if "due_date" in changes else a.due_date
    rank = _clean_priority(changes.get("priority"), problems) if "priority" in changes else None
    user = None
    if "reviewer" in changes:
        user = _reviewer(changes["reviewer"], problems, "reviewer")
        if user is not None and user.id != a.reviewer_id and _assignment_of(a.article_id, user.id):
            problems["reviewer"] = _(
                "%(name)s is already assigned to article #%(id)s.",
                name=user.username,
                id=a.article_id,
            )
    if problems:
        raise Invalid(problems)
    _check_version(a, expected_version)
    before = assignment_data(a)
    a.due_date = due
    if rank is not None:
        a.priority = int(rank)
    if user is not None:
        a.reviewer = user
    a.updated_at = utcnow()
    _flush(a)
    action = "reassign" if user is not None and before["reviewer"] != user.username else "update"
    audit.record(
        "article_assignment",
        a.article_id,
        action,
        actor=actor,
        before=before,
        after=assignment_data(a),
    )
    status.refresh(a.article_id, actor=actor)
    return a


def unassign(a: Assignment, *, actor: User, expected_version: object) -> None:
    """Take an article away from a reviewer (their judgements stay)."""
    guards.require_admin(actor, ADMINS_ONLY)
    _check_version(a, expected_version)
    before = assignment_data(a)
    db.session.delete(a)
    _flush(a)
    audit.record(
        "article_assignment",
        before["article_id"],
        "unassign",
        actor=actor,
        before=before,
        after=None,
    )
    status.refresh(before["article_id"], actor=actor)
