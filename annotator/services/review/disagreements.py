"""Sentences where reviewers disagree, across articles: for the admins' disagreements queue.

A reviewer counts once per sentence, with the verdict that stands for them as on the agreement
page (their whole-sentence claim, else their first claim); a sentence is a disagreement when two
reviewers' standing verdicts differ. Open ones have no final verdict yet. Admins only: the
verdicts shown are other reviewers' (blind review).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from annotator.extensions import db
from annotator.models import Adjudication, Annotation, Article, Sentence, User
from annotator.services import guards


def standing_verdicts(
    rows: Iterable[tuple[int, int, int | None, str]],
) -> dict[int, dict[int, str]]:
    """sentence id -> reviewer id -> standing verdict, from (sentence, reviewer, span_start, verdict)
    rows in id order."""
    chosen: dict[int, dict[int, tuple[bool, str]]] = {}
    for sentence_id, reviewer_id, span_start, verdict in rows:
        held = chosen.setdefault(sentence_id, {}).get(reviewer_id)
        if held is None or (not held[0] and span_start is None):
            chosen[sentence_id][reviewer_id] = (span_start is None, str(verdict))
    return {
        sid: {rid: verdict for rid, (_whole, verdict) in by.items()} for sid, by in chosen.items()
    }


def verdict_rows(*conditions):
    """(sentence, reviewer, span_start, verdict) of live judgements matching the SQL conditions, in
    id order: what standing_verdicts reads."""
    return db.session.execute(
        db.select(
            Annotation.sentence_id,
            Annotation.reviewer_id,
            Annotation.span_start,
            Annotation.verdict,
        )
        .join(Sentence, Annotation.sentence_id == Sentence.id)
        .join(Article, Sentence.article_id == Article.id)
        .where(Annotation.deleted_at.is_(None), Article.deleted_at.is_(None), *conditions)
        .order_by(Annotation.id)
    )


def disagreeing_sentences(*conditions) -> dict[int, dict[int, str]]:
    """Sentences (matching the SQL conditions) where standing verdicts differ."""
    verdicts = standing_verdicts(verdict_rows(*conditions))
    return {sid: by for sid, by in verdicts.items() if len(set(by.values())) > 1}


def open_disagreements(article_id: int) -> int:
    """How many of the article's disagreements have no final verdict yet."""
    found = disagreeing_sentences(Sentence.article_id == article_id)
    if not found:
        return 0
    settled = set(
        db.session.scalars(
            db.select(Adjudication.sentence_id).where(Adjudication.sentence_id.in_(list(found)))
        )
    )
    return len(set(found) - settled)


@dataclass
class Disagreement:
    sentence_id: int
    sentence_index: int
    article_id: int
    article_title: str
    text: str
    verdicts: dict[str, str]  # reviewer name -> standing verdict
    since: datetime  # when the latest of the disagreeing judgements was saved


def disagreements_queue(
    *, viewer: User, limit: int = 50, offset: int = 0
) -> tuple[list[Disagreement], int]:
    """Open disagreements across all live articles, oldest first, and how many there are."""
    guards.require_admin(viewer, "Only admins see the disagreements queue: reviewers judge blind.")
    found = disagreeing_sentences(
        ~db.exists().where(Adjudication.sentence_id == Annotation.sentence_id)
    )
    if not found:
        return [], 0
    since = dict(
        db.session.execute(
            db.select(Annotation.sentence_id, db.func.max(Annotation.updated_at))
            .where(Annotation.sentence_id.in_(list(found)), Annotation.deleted_at.is_(None))
            .group_by(Annotation.sentence_id)
        ).all()
    )
    order = sorted(found, key=lambda sid: (since[sid], sid))
    page = order[offset : offset + limit]
    rows = db.session.execute(
        db.select(Sentence, Article.id, Article.title, Article.text)
        .join(Article, Sentence.article_id == Article.id)
        .where(Sentence.id.in_(page))
    ).all()
    names = dict(
        db.session.execute(
            db.select(User.id, User.username).where(
                User.id.in_({rid for sid in page for rid in found[sid]})
            )
        ).all()
    )
    by_id = {sentence.id: (sentence, aid, title, text) for sentence, aid, title, text in rows}
    items = []
    for sid in page:
        sentence, aid, title, text = by_id[sid]
        items.append(
            Disagreement(
                sentence_id=sid,
                sentence_index=sentence.index,
                article_id=aid,
                article_title=title,
                text=text[sentence.start : sentence.end],
                verdicts={
                    names[rid]: verdict
                    for rid, verdict in sorted(
                        found[sid].items(), key=lambda kv: names[kv[0]].lower()
                    )
                },
                since=since[sid],
            )
        )
    return items, len(order)
