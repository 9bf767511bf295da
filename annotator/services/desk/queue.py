"""A reviewer's queue: their assignments in order, with progress, and Continue across it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from annotator.extensions import db
from annotator.models import Annotation, Article, ArticleState, Assignment, Sentence, Status, User


def has_open_work(viewer: User) -> bool:
    """Whether a reviewer has an assignment on a live article that is not archived (one query);
    admins never do: their home is the article list."""
    if viewer.is_admin:
        return False
    return (
        db.session.scalar(
            db.select(Assignment.id)
            .join(Article, Assignment.article_id == Article.id)
            .outerjoin(ArticleState, ArticleState.article_id == Article.id)
            .where(
                Assignment.reviewer_id == viewer.id,
                Article.deleted_at.is_(None),
                db.or_(ArticleState.status.is_(None), ArticleState.status != Status.ARCHIVED.value),
            )
            .limit(1)
        )
        is not None
    )


@dataclass
class QueueRow:
    assignment: Assignment
    article: Article
    status: Status
    sentences: int
    judged: int

    @property
    def done(self) -> bool:
        return self.sentences > 0 and self.judged >= self.sentences

    @property
    def percent(self) -> int:
        return round(100 * self.judged / self.sentences) if self.sentences else 0


def queue(viewer: User) -> list[QueueRow]:
    """The viewer's assignments on live, open articles: unfinished first, then by priority (highest
    first) and due date (soonest first, none last)."""
    # Counted for the viewer's assigned articles only, never over the whole database.
    assigned = db.select(Assignment.article_id).where(Assignment.reviewer_id == viewer.id)
    totals = (
        db.select(Sentence.article_id, db.func.count().label("n"))
        .where(Sentence.article_id.in_(assigned))
        .group_by(Sentence.article_id)
        .subquery()
    )
    mine = (
        db.select(
            Sentence.article_id, db.func.count(db.distinct(Annotation.sentence_id)).label("n")
        )
        .join(Annotation, Annotation.sentence_id == Sentence.id)
        .where(
            Annotation.deleted_at.is_(None),
            Annotation.reviewer_id == viewer.id,
            Sentence.article_id.in_(assigned),
        )
        .group_by(Sentence.article_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(
            Assignment,
            Article,
            db.func.coalesce(ArticleState.status, Status.NEW.value),
            db.func.coalesce(totals.c.n, 0),
            db.func.coalesce(mine.c.n, 0),
        )
        .join(Article, Assignment.article_id == Article.id)
        .outerjoin(ArticleState, ArticleState.article_id == Article.id)
        .outerjoin(totals, totals.c.article_id == Article.id)
        .outerjoin(mine, mine.c.article_id == Article.id)
        .where(
            Assignment.reviewer_id == viewer.id,
            Article.deleted_at.is_(None),
            db.or_(ArticleState.status.is_(None), ArticleState.status != Status.ARCHIVED.value),
        )
    ).all()
    result = [QueueRow(a, article, Status(st), n, j) for a, article, st, n, j in rows]
    far = date.max
    result.sort(
        key=lambda r: (
            r.done,
            -r.assignment.priority,
            r.assignment.due_date or far,
            r.assignment.id,
        )
    )
    return result


def next_in_queue(viewer: User, rows: list[QueueRow] | None = None) -> tuple[int, int] | None:
    """(article id, sentence id) of the first sentence the viewer has not judged, across the
    whole queue in its order; None when the queue is done. ``rows``: the queue, when the caller
    has it already."""
    for row in queue(viewer) if rows is None else rows:
        if row.done:
            continue
        sentence_id = db.session.scalar(
            db.select(Sentence.id)
            .where(
                Sentence.article_id == row.article.id,
                ~db.exists().where(
                    Annotation.sentence_id == Sentence.id,
                    Annotation.reviewer_id == viewer.id,
                    Annotation.deleted_at.is_(None),
                ),
            )
            .order_by(Sentence.index)
            .limit(1)
        )
        if sentence_id is not None:
            return row.article.id, sentence_id
    return None
