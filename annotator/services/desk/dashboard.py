"""The desk dashboard (admins): work per reviewer (judged per day, open assignments, agreement
with the final verdicts) and per article (status and progress). The agreement tables beside it
come from services.review.agreement.

Each reviewer counts once per sentence with their standing verdict (services.review.disagreements).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from annotator.extensions import db
from annotator.models import (
    Adjudication,
    Annotation,
    Article,
    ArticleState,
    Assignment,
    Sentence,
    Status,
    User,
)
from annotator.services import guards
from annotator.services.desk.assignments import open_work
from annotator.services.desk.status import reviewers_per_article
from annotator.services.review.disagreements import standing_verdicts, verdict_rows
from annotator.stats.agreement import cohen_kappa


@dataclass
class ReviewerRow:
    name: str
    per_day: list[tuple[date, int]]
    judged: int  # sentences judged in the period
    open_assignments: int
    with_final: int  # sentences of theirs that have a final verdict
    agree_final: int
    kappa_final: float | None

    @property
    def percent_final(self) -> float | None:
        return round(100 * self.agree_final / self.with_final, 1) if self.with_final else None


@dataclass
class ArticleProgress:
    article_id: int
    title: str
    status: Status
    reviewers: list[str]
    sentences: int
    # (reviewer, sentence) pairs judged by the assigned reviewers; on an article nobody was
    # assigned, by the desk's "reviewers per article" who judged the most of it
    judged: int
    due: date | None
    needed: int = 0  # how many reviewers must judge it all: its assignees, or the desk's number
    assigned: bool = True

    @property
    def percent(self) -> int:
        possible = self.sentences * (self.needed or len(self.reviewers))
        return min(100, round(100 * self.judged / possible)) if possible else 0


@dataclass
class Dashboard:
    days: list[date]
    reviewers: list[ReviewerRow]
    articles: list[ArticleProgress]
    status_counts: list[tuple[Status, int]]
    reviewers_per_article: int = 2


def dashboard(*, viewer: User, days: int = 14, today: date | None = None) -> Dashboard:
    """Work per reviewer (sentences judged per day over ``days`` days, open assignments, agreement
    with the final verdicts) and per article (status and progress)."""
    guards.require_admin(
        viewer, "Only admins see the desk dashboard: it compares reviewers' verdicts."
    )
    today = today or datetime.now(UTC).date()
    first_day = today - timedelta(days=days - 1)
    period = [first_day + timedelta(days=i) for i in range(days)]
    reviewers = list(
        db.session.scalars(
            db.select(User).where(User.role == "reviewer").order_by(db.func.lower(User.username))
        )
    )
    first_judged = db.session.execute(
        db.select(
            Annotation.reviewer_id, Annotation.sentence_id, db.func.min(Annotation.created_at)
        )
        .where(Annotation.deleted_at.is_(None))
        .group_by(Annotation.reviewer_id, Annotation.sentence_id)
        .having(
            db.func.min(Annotation.created_at)
            >= datetime.combine(first_day, datetime.min.time(), UTC)
        )
    ).all()
    per_day: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for reviewer_id, _sid, at in first_judged:
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        per_day[reviewer_id][at.astimezone(UTC).date()] += 1
    open_counts = dict(db.session.execute(open_work()).all())
    finals = dict(
        db.session.execute(db.select(Adjudication.sentence_id, Adjudication.verdict)).all()
    )
    standing = (
        standing_verdicts(verdict_rows(Annotation.sentence_id.in_(list(finals)))) if finals else {}
    )
    theirs: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for sid, by in standing.items():
        for rid, verdict in by.items():
            theirs[rid].append((verdict, str(finals[sid])))
    rows = []
    for user in reviewers:
        pairs = theirs.get(user.id, [])
        rows.append(
            ReviewerRow(
                name=user.username,
                per_day=[(day, per_day[user.id][day]) for day in period],
                judged=sum(per_day[user.id].values()),
                open_assignments=open_counts.get(user.id, 0),
                with_final=len(pairs),
                agree_final=sum(a == b for a, b in pairs),
                kappa_final=cohen_kappa([a for a, _ in pairs], [b for _, b in pairs]),
            )
        )
    return Dashboard(period, rows, article_progress(), status_counts(), reviewers_per_article())


def status_counts() -> list[tuple[Status, int]]:
    """How many live articles stand at each status (never moved: new)."""
    found: dict[str, int] = {}
    for st, n in db.session.execute(
        db.select(ArticleState.status, db.func.count())
        .select_from(Article)
        .outerjoin(ArticleState, ArticleState.article_id == Article.id)
        .where(Article.deleted_at.is_(None))
        .group_by(ArticleState.status)
    ):
        key = Status.NEW.value if st is None else str(st)
        found[key] = found.get(key, 0) + n
    return [(s, found.get(s.value, 0)) for s in Status]


def article_progress(limit: int = 200) -> list[ArticleProgress]:
    """Live articles with assignments or a status other than new, oldest first."""
    articles = db.session.execute(
        db.select(
            Article.id, Article.title, db.func.coalesce(ArticleState.status, Status.NEW.value)
        )
        .outerjoin(ArticleState, ArticleState.article_id == Article.id)
        .where(Article.deleted_at.is_(None))
        .order_by(Article.id)
        .limit(limit)
    ).all()
    ids = [a[0] for a in articles]
    by_article: dict[int, list[tuple[int, str, date | None]]] = defaultdict(list)
    for aid, rid, name, due in db.session.execute(  # the shown articles' only, not every one's
        db.select(Assignment.article_id, Assignment.reviewer_id, User.username, Assignment.due_date)
        .join(User, Assignment.reviewer_id == User.id)
        .where(Assignment.article_id.in_(ids))
        .order_by(db.func.lower(User.username))
    ):
        by_article[aid].append((rid, name, due))
    totals = dict(
        db.session.execute(
            db.select(Sentence.article_id, db.func.count())
            .where(Sentence.article_id.in_(ids))
            .group_by(Sentence.article_id)
        ).all()
    )
    judged = db.session.execute(
        db.select(
            Sentence.article_id,
            Annotation.reviewer_id,
            db.func.count(db.distinct(Annotation.sentence_id)),
        )
        .join(Annotation, Annotation.sentence_id == Sentence.id)
        .where(Sentence.article_id.in_(ids), Annotation.deleted_at.is_(None))
        .group_by(Sentence.article_id, Annotation.reviewer_id)
    ).all()
    done = {(aid, rid): n for aid, rid, n in judged}
    judging: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for aid, rid, n in judged:
        judging[aid].append((rid, n))
    names = dict(
        db.session.execute(
            db.select(User.id, User.username).where(User.id.in_({rid for _a, rid, _n in judged}))
        ).all()
    )
    needed = reviewers_per_article()
    result = []
    for aid, title, st in articles:
        people = by_article.get(aid, [])
        dues = [d for _r, _n, d in people if d]
        size = totals.get(aid, 0)
        if people:
            row = ArticleProgress(
                article_id=aid,
                title=title,
                status=Status(st),
                reviewers=[n for _r, n, _d in people],
                sentences=size,
                judged=sum(done.get((aid, r), 0) for r, _n, _d in people),
                due=min(dues) if dues else None,
                needed=len(people),
            )
        else:  # nobody assigned: whoever judged it, against the desk's number of reviewers
            most = sorted(judging.get(aid, []), key=lambda item: -item[1])
            row = ArticleProgress(
                article_id=aid,
                title=title,
                status=Status(st),
                reviewers=sorted((names[r] for r, _n in most), key=str.lower),
                sentences=size,
                judged=sum(min(n, size) for _r, n in most[:needed]),
                due=None,
                needed=needed,
                assigned=False,
            )
        result.append(row)
    return result
