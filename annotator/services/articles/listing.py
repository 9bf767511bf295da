"""The article list: every article reachable, a page at a time, with the viewer's progress and
the desk's columns and filters (status, assignees, due date).

A page is chosen first (keyset paging on the sort key, so page 500 costs what page 1 does), then
progress is counted for that page's articles only: the list never counts over the whole database.
"Least reviewed first" needs every article's progress to sort by, so it pages by offset and is the
one slow order on a very large desk.
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select

from annotator.extensions import db
from annotator.models import Annotation, Article, Assignment, Sentence, Status, User
from annotator.services.desk.assignments import reviewers_may_open_unassigned
from annotator.services.desk.status import status_column, statuses
from annotator.services.errors import Invalid
from annotator.services.validation import Problems

PER_PAGE = 50
SORTS = ("newest", "oldest", "title", "progress")
DESK_SORTS = {"due": "soonest due first", "status": "status"}


@dataclass(frozen=True)
class ArticleRow:
    """One line of the article list."""

    article: Article
    sentences: int
    reviewed: int  # sentences with at least one annotation visible to the viewer
    mine: int  # sentences the viewer annotated

    @property
    def percent(self) -> int:
        return round(100 * self.reviewed / self.sentences) if self.sentences else 0


@dataclass(frozen=True)
class ArticlePage:
    rows: list[ArticleRow]
    total: int
    next: str | None  # an opaque cursor for the page after, or None
    previous: str | None
    first: bool


def _filters(search: str) -> list[Any]:
    conditions: list[Any] = [Article.deleted_at.is_(None)]
    if search.strip():
        like = (
            "%" + search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        conditions.append(
            or_(Article.title.ilike(like, escape="\\"), Article.outlet.ilike(like, escape="\\"))
        )
    return conditions


def _key(sort: str) -> list[Any]:
    if sort == "title":
        return [func.lower(Article.title), Article.id]
    return [Article.id]


def _key_of(article: Article, sort: str) -> list[Any]:
    return [article.title.lower(), article.id] if sort == "title" else [article.id]


def _after(key: list[Any], values: list[Any]) -> Any:
    """Rows after ``values`` in ``key`` order, spelt so that SQLite walks the index from there:
    it uses no index for a row-value comparison on an expression such as lower(title)."""
    if len(key) == 1:
        return key[0] > values[0]
    return and_(key[0] >= values[0], or_(key[0] > values[0], key[1] > values[1]))


def _before(key: list[Any], values: list[Any]) -> Any:
    if len(key) == 1:
        return key[0] < values[0]
    return and_(key[0] <= values[0], or_(key[0] < values[0], key[1] < values[1]))


def encode(values: list[Any], direction: str) -> str:
    raw = json.dumps({"k": values, "d": direction}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[list[Any], str] | None:
    """The cursor's key and direction, or None for anything that is not one of ours."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        values, direction = data["k"], data["d"]
    except (ValueError, TypeError, KeyError):
        return None
    if direction not in ("after", "before") or not isinstance(values, list) or not values:
        return None
    if not all(isinstance(v, int | str) and not isinstance(v, bool) for v in values):
        return None
    if not isinstance(values[-1], int) or abs(values[-1]) > 2**62:
        return None
    return values, direction


def list_page(
    *,
    viewer: User,
    search: str = "",
    sort: str = "newest",
    cursor: str = "",
    per_page: int = PER_PAGE,
    conditions: Sequence[Any] = (),
    order: Sequence[Any] = (),
) -> ArticlePage:
    """One page of the list in the chosen order, its cursors, and how many articles there are.

    ``conditions`` narrow the list and ``order`` (if given) sorts it instead, by offset (the desk's
    filters and orders: below)."""
    conditions = [*_filters(search), *conditions]
    total = db.session.scalar(select(func.count()).select_from(Article).where(*conditions)) or 0
    if sort == "progress" or order:
        return _offset_page(viewer, conditions, cursor, per_page, total, order)
    sort = sort if sort in SORTS else "newest"
    parsed = decode(cursor) if cursor else None
    key = _key(sort)
    descending = sort == "newest"
    backwards = parsed is not None and parsed[1] == "before"
    query = select(Article).where(*conditions)
    if parsed is not None:
        values = parsed[0][: len(key)]
        if len(values) == len(key):
            later, earlier = _after(key, values), _before(key, values)
            forward_is_later = not descending
            query = query.where(later if forward_is_later != backwards else earlier)
    ascending = (not descending) != backwards
    order = [k.asc() if ascending else k.desc() for k in key]
    articles = list(db.session.scalars(query.order_by(*order).limit(per_page + 1)))
    more = len(articles) > per_page
    articles = articles[:per_page]
    if backwards:
        articles.reverse()
    first = parsed is None or (backwards and not more)
    has_after = more if not backwards else True
    rows = _with_progress(articles, viewer)
    return ArticlePage(
        rows=rows,
        total=total,
        next=encode(_key_of(articles[-1], sort), "after") if articles and has_after else None,
        previous=encode(_key_of(articles[0], sort), "before") if articles and not first else None,
        first=first,
    )


def _offset_page(
    viewer: User,
    conditions: list[Any],
    cursor: str,
    per_page: int,
    total: int,
    order: Sequence[Any] = (),
) -> ArticlePage:
    """A page by offset: least reviewed first (``order`` empty) or the desk's ``order``."""
    offset = 0
    parsed = decode(cursor) if cursor else None
    if parsed is not None and isinstance(parsed[0][0], int):
        offset = max(0, min(parsed[0][0], 10**9))
    query = select(Article).where(*conditions)
    if order:
        query = query.order_by(*order, Article.id.desc())
    else:
        done = _counts(viewer, None, mine_only=True).subquery()
        sizes = (
            select(Sentence.article_id, func.count().label("n"))
            .group_by(Sentence.article_id)
            .subquery()
        )
        ratio = func.coalesce(done.c.n, 0) * 1.0 / func.coalesce(func.nullif(sizes.c.n, 0), 1)
        query = (
            query.outerjoin(done, done.c.article_id == Article.id)
            .outerjoin(sizes, sizes.c.article_id == Article.id)
            .order_by(ratio, Article.id)
        )
    articles = list(db.session.scalars(query.limit(per_page).offset(offset)))
    return ArticlePage(
        rows=_with_progress(articles, viewer),
        total=total,
        next=encode([offset + per_page], "after") if offset + per_page < total else None,
        previous=encode([max(offset - per_page, 0)], "after") if offset else None,
        first=offset == 0,
    )


def _counts(viewer: User, ids: list[int] | None, *, mine_only: bool):
    query = (
        select(Sentence.article_id, func.count(func.distinct(Annotation.sentence_id)).label("n"))
        .join(Annotation, Annotation.sentence_id == Sentence.id)
        .where(Annotation.deleted_at.is_(None))
        .group_by(Sentence.article_id)
    )
    if ids is not None:
        query = query.where(Sentence.article_id.in_(ids))
    if mine_only:
        query = query.where(Annotation.reviewer_id == viewer.id)
    return query


def _with_progress(articles: list[Article], viewer: User) -> list[ArticleRow]:
    """Progress of just these articles: three small grouped counts."""
    ids = [a.id for a in articles]
    if not ids:
        return []
    sizes = dict(
        db.session.execute(
            select(Sentence.article_id, func.count())
            .where(Sentence.article_id.in_(ids))
            .group_by(Sentence.article_id)
        ).all()
    )
    mine = dict(db.session.execute(_counts(viewer, ids, mine_only=True)).all())
    seen = (
        dict(db.session.execute(_counts(viewer, ids, mine_only=False)).all())
        if viewer.is_admin
        else mine
    )
    return [
        ArticleRow(a, sizes.get(a.id, 0), seen.get(a.id, 0), mine.get(a.id, 0)) for a in articles
    ]


def list_articles(
    *, viewer: User, search: str = "", sort: str = "newest", limit: int = 200, offset: int = 0
) -> list[ArticleRow]:
    """Articles with review progress by offset (the API's paging)."""
    if sort == "progress":
        page = _offset_page(viewer, _filters(search), encode([offset], "after"), limit, 0)
        return page.rows
    key = _key(sort)
    order = [k.desc() if sort == "newest" else k.asc() for k in key]
    articles = list(
        db.session.scalars(
            select(Article).where(*_filters(search)).order_by(*order).limit(limit).offset(offset)
        )
    )
    return _with_progress(articles, viewer)


def next_article_to_review(*, viewer: User, chunk: int = 200) -> Article | None:
    """The oldest article in which the viewer has sentences left to review (checked a chunk at a time)."""
    after = 0
    while True:
        articles = list(
            db.session.scalars(
                select(Article)
                .where(Article.deleted_at.is_(None), Article.id > after)
                .order_by(Article.id)
                .limit(chunk)
            )
        )
        if not articles:
            return None
        for row in _with_progress(articles, viewer):
            if row.mine < row.sentences:
                return row.article
        if len(articles) < chunk:
            return None
        after = articles[-1].id


# The desk's columns and filters
def _due_expr():
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
