"""Where each article stands: new, in review, ready for adjudication, adjudicated, archived.

Moves happen by rule after the work that causes them (an assignment, a judgement, a final
verdict) and by hand for admins; every move is a revision ("article_status", article id) with
who, when, from and to. The rules only move forward, except that an article made ready by rule
goes back to review when it gains a reviewer who has not finished. An article an admin put
somewhere by hand stays there until an admin moves it, except that ready moves on to adjudicated.

- new -> in review: the article has an assignment or a live judgement;
- in review -> ready: it has assignments and every assigned reviewer judged every sentence; or
  it has none and the desk's "reviewers per article" (default 2) distinct reviewers each judged
  every sentence;
- ready -> adjudicated: every sentence the reviewers disagree on has a final verdict (and at
  least one final verdict was recorded).

``recompute_all`` applies the rules to every article (after the desk changes its rule, and once
on an existing desk: ``annotator desk recompute``).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from annotator import uow
from annotator.extensions import db
from annotator.models import (
    Adjudication,
    Annotation,
    Article,
    ArticleState,
    Assignment,
    DeskSetting,
    Sentence,
    Status,
    User,
)
from annotator.models._types import utcnow
from annotator.services import audit, guards
from annotator.services.desk import settings
from annotator.services.errors import Conflict, Invalid
from annotator.services.review.disagreements import open_disagreements
from annotator.services.validation import Problems

LABELS = {
    Status.NEW: _l("New"),
    Status.IN_REVIEW: _l("In review"),
    Status.READY: _l("Ready for adjudication"),
    Status.ADJUDICATED: _l("Adjudicated"),
    Status.ARCHIVED: _l("Archived"),
}


REVIEWERS_PER_ARTICLE = "reviewers_per_article"
DEFAULT_REVIEWERS = 2
MAX_REVIEWERS = 20


def reviewers_per_article() -> int:
    """How many reviewers must judge every sentence of an unassigned article (default 2)."""
    value = settings.read(REVIEWERS_PER_ARTICLE).get(REVIEWERS_PER_ARTICLE)
    try:
        return max(1, int(value)) if value is not None else DEFAULT_REVIEWERS
    except ValueError:
        return DEFAULT_REVIEWERS


def set_reviewers_per_article(number: object, *, actor: User) -> int:
    """Admins set how many reviewers make an unassigned article ready; every article's status is
    then worked out again under the new rule (one made ready by rule that no longer meets it goes
    back to review; adjudicated, archived and moved-by-hand ones stay). Returns how many moved."""
    guards.require_admin(actor, _("Only admins can change the desk's rules."))
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= MAX_REVIEWERS:
        raise Invalid(
            {"reviewers_per_article": _("must be a whole number from 1 to %(n)s.", n=MAX_REVIEWERS)}
        )
    before = reviewers_per_article()
    if number == before and REVIEWERS_PER_ARTICLE in settings.read(REVIEWERS_PER_ARTICLE):
        return 0
    settings.write(
        {REVIEWERS_PER_ARTICLE: str(number)},
        actor=actor,
        before={REVIEWERS_PER_ARTICLE: before},
        after={REVIEWERS_PER_ARTICLE: number},
    )
    return recompute_all(actor=actor)


def recompute_all(*, actor: User | None) -> int:
    """Apply the automatic rules to every live article (a desk that judged before the rules knew
    unassigned work, or whose rule changed); returns how many articles moved."""
    before = statuses_all()
    ids = list(
        db.session.scalars(
            db.select(Article.id).where(Article.deleted_at.is_(None)).order_by(Article.id)
        )
    )
    moved = 0
    for article_id in ids:
        if refresh(article_id, actor=actor, assume_finished=True) != before.get(
            article_id, Status.NEW
        ):
            moved += 1
    return moved


RECOMPUTE_PENDING = "status_recompute_pending"  # left by migration 0019


def recompute_if_pending() -> int | None:
    """Once after the upgrade that brought the rules for unassigned work: recompute every
    article's status and clear the marker. None when there was nothing pending."""
    marker = db.session.get(DeskSetting, RECOMPUTE_PENDING)
    if marker is None:
        return None
    moved = recompute_all(actor=None)
    db.session.delete(marker)
    db.session.flush()
    return moved


def statuses_all() -> dict[int, Status]:
    return {
        aid: Status(st)
        for aid, st in db.session.execute(
            db.select(ArticleState.article_id, ArticleState.status)
        ).all()
    }


def state_of(article_id: int) -> ArticleState | None:
    """The article's status row (None: it is new and nobody moved it yet)."""
    return db.session.get(ArticleState, article_id)


def status_data(article_id: int) -> dict[str, Any]:
    """The status as plain data: what the API returns. Version 0 means never moved."""
    state = state_of(article_id)
    if state is None:
        return {"status": "new", "label": LABELS[Status.NEW], "by_hand": False, "version": 0}
    return {
        "status": str(state.status),
        "label": LABELS[state.status],
        "by_hand": state.by_hand,
        "version": state.version,
        "changed_at": state.changed_at.isoformat(),
    }


def statuses(article_ids: list[int]) -> dict[int, Status]:
    """Each article's status in one query (new for those never moved)."""
    found = dict(
        db.session.execute(
            db.select(ArticleState.article_id, ArticleState.status).where(
                ArticleState.article_id.in_(article_ids)
            )
        ).all()
    )
    return {aid: Status(found.get(aid, Status.NEW)) for aid in article_ids}


def status_column():
    """Each article's status as a SQL expression over Article (new when never moved)."""
    state = db.select(ArticleState.status).where(ArticleState.article_id == Article.id)
    return db.func.coalesce(state.scalar_subquery(), Status.NEW.value)


def move(
    article: Article, to: object, *, actor: User, expected_version: object, by_hand: bool = True
) -> ArticleState:
    """An admin moves an article to a status; a stale version is a Conflict and changes nothing."""
    guards.require_admin(actor, _("Only admins can move an article to another status."))
    problems = Problems()
    target = problems.choice("status", to, Status)
    if problem := guards.version_problem("article status", expected_version):
        problems["version"] = problem
    if problems:
        raise Invalid(problems)
    guards.check_version(
        "article status",
        expected_version,
        state_of(article.id),
        ident=article.id,
        current=lambda _: status_data(article.id),
    )
    return _set(article.id, target, actor=actor, by_hand=by_hand)


def _set(
    article_id: int, to: Status, *, actor: User | None, by_hand: bool, by_rule: bool = False
) -> ArticleState | None:
    """Move the article and audit it. Two requests may move the same article at once (two
    reviewers finishing together): the move is made in a savepoint, and when another request got
    there first a move by rule is simply skipped (the other one made it), a move by hand is a
    Conflict. Returns the state, or None for a skipped move."""
    state = state_of(article_id)
    before = Status.NEW if state is None else state.status
    try:
        with db.session.begin_nested():
            if state is None:
                state = ArticleState(article_id=article_id, status=to)
                db.session.add(state)
            state.status, state.by_hand = to, by_hand
            state.changed_by_id = actor.id if actor else None
            state.changed_at = utcnow()
    except (StaleDataError, IntegrityError) as error:
        if by_rule:
            return None
        raise Conflict(
            f"Article #{article_id} was moved by someone else at the same moment; reload and try again."
        ) from error
    audit.record(
        "article_status",
        article_id,
        "transition",  # not "move": that word belongs to annotations following their sentence
        actor=actor,
        before={"status": str(before)},
        after={"status": str(to), "by_hand": by_hand},
    )
    return state


def completion(article_id: int) -> tuple[int, dict[int, int]]:
    """The article's number of sentences, and for each assigned reviewer how many they judged."""
    total = db.session.scalar(
        db.select(db.func.count()).select_from(Sentence).where(Sentence.article_id == article_id)
    )
    return total or 0, _assigned_judged(article_id)


def judged_by_anyone(article_id: int) -> dict[int, int]:
    """For each reviewer with a live judgement in the article, how many sentences they judged."""
    return dict(
        db.session.execute(
            db.select(Annotation.reviewer_id, db.func.count(db.distinct(Annotation.sentence_id)))
            .join(Sentence, Annotation.sentence_id == Sentence.id)
            .where(Sentence.article_id == article_id, Annotation.deleted_at.is_(None))
            .group_by(Annotation.reviewer_id)
        ).all()
    )


def _assigned_judged(article_id: int) -> dict[int, int]:
    return dict(
        db.session.execute(
            db.select(Assignment.reviewer_id, db.func.count(db.distinct(Annotation.sentence_id)))
            .select_from(Assignment)
            .outerjoin(
                Annotation,
                db.and_(
                    Annotation.reviewer_id == Assignment.reviewer_id,
                    Annotation.deleted_at.is_(None),
                    Annotation.sentence_id.in_(
                        db.select(Sentence.id).where(Sentence.article_id == article_id)
                    ),
                ),
            )
            .where(Assignment.article_id == article_id)
            .group_by(Assignment.reviewer_id)
        ).all()
    )


def _may_have_finished_statement():  # noqa: ANN202 - a SELECT, built once below
    article_id, actor_id = db.bindparam("article_id"), db.bindparam("actor_id")
    total = (
        db.select(db.func.count())
        .select_from(Sentence)
        .where(Sentence.article_id == article_id)
        .scalar_subquery()
    )
    judged = (
        db.select(db.func.count(db.distinct(Annotation.sentence_id)))
        .join(Sentence, Annotation.sentence_id == Sentence.id)
        .where(
            Sentence.article_id == article_id,
            Annotation.reviewer_id == actor_id,
            Annotation.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    assigned = db.exists().where(
        Assignment.article_id == article_id, Assignment.reviewer_id == actor_id
    )
    unassigned = ~db.exists().where(Assignment.article_id == article_id)
    # CASE, not AND: the databases evaluate both sides of an AND, and counting what a reviewer
    # judged is the costly part; it is needed only when the article can be theirs to finish.
    return db.select(db.case((db.or_(assigned, unassigned), judged >= total), else_=False))


# The rules run after every save: their statements are built once (building one cost more than
# running it) and run without the ORM, which they do not need.
_MAY_HAVE_FINISHED = _may_have_finished_statement()
_STATE = db.select(ArticleState.status, ArticleState.by_hand).where(
    ArticleState.article_id == db.bindparam("article_id")
)
_ASSIGNED = (
    db.select(Assignment.id).where(Assignment.article_id == db.bindparam("article_id")).limit(1)
)
_JUDGED = (
    db.select(Annotation.id)
    .join(Sentence, Annotation.sentence_id == Sentence.id)
    .where(Sentence.article_id == db.bindparam("article_id"), Annotation.deleted_at.is_(None))
    .limit(1)
)


def _may_have_finished(article_id: int, actor: User | None) -> bool:
    """False when the actor's judgement cannot have completed the article: it has assignments and
    they are not one, or they have sentences left (one query; the full check runs only otherwise)."""
    if actor is None:
        return True
    found = uow.run(_MAY_HAVE_FINISHED, {"article_id": article_id, "actor_id": actor.id})
    return bool(found.scalar())


def _complete(article_id: int) -> bool:
    """Assigned: every assigned reviewer judged every sentence. Unassigned: the desk's number of
    reviewers did."""
    total, judged = completion(article_id)
    if not total:
        return False
    if judged:
        return all(n >= total for n in judged.values())
    finished = sum(n >= total for n in judged_by_anyone(article_id).values())
    return finished >= reviewers_per_article()


def refresh(
    article_id: int,
    *,
    actor: User | None,
    judged_changed: bool = True,
    assume_finished: bool = False,
) -> Status:
    """Apply the automatic rules after work on the article; returns where it now stands.

    ``judged_changed`` is False after a change that leaves the set of judged sentences alone (a
    verdict changed, a final verdict recorded): only the move to adjudicated can follow then, so a
    save costs one query here. ``assume_finished`` (recomputing) checks completion whoever acts."""
    row = uow.run(_STATE, {"article_id": article_id}).first()
    status, by_hand = (Status.NEW, False) if row is None else (Status(row[0]), row[1])
    if status in (Status.ARCHIVED, Status.ADJUDICATED):
        return status
    if not judged_changed and status != Status.READY:
        return status
    if status == Status.NEW and not by_hand:
        this_article = {"article_id": article_id}
        started = (
            uow.run(_ASSIGNED, this_article).scalar() or uow.run(_JUDGED, this_article).scalar()
        )
        if not started:
            return status
        _set(article_id, Status.IN_REVIEW, actor=actor, by_hand=False, by_rule=True)
        status = Status.IN_REVIEW
    if status == Status.IN_REVIEW and not by_hand:
        if (assume_finished or _may_have_finished(article_id, actor)) and _complete(article_id):
            _set(article_id, Status.READY, actor=actor, by_hand=False, by_rule=True)
            status = Status.READY
        if status != Status.READY:
            return status  # (just made ready: final verdicts recorded before may finish it)
    if status == Status.READY:
        if not by_hand and judged_changed and not _complete(article_id):
            _set(article_id, Status.IN_REVIEW, actor=actor, by_hand=False, by_rule=True)
            return Status.IN_REVIEW
        adjudicated = db.session.scalar(
            db.select(Adjudication.id)
            .join(Sentence, Adjudication.sentence_id == Sentence.id)
            .where(Sentence.article_id == article_id)
            .limit(1)
        )
        if adjudicated and open_disagreements(article_id) == 0:
            _set(article_id, Status.ADJUDICATED, actor=actor, by_hand=False, by_rule=True)
            return Status.ADJUDICATED
    return status
