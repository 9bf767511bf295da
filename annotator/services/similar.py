""" "Seen before": the earlier judged claims closest to a sentence or span, as the viewer may see them.

Candidates come from the claims index that the migration's triggers keep (SQLite FTS5
``bm25()``, PostgreSQL ``ts_rank_cd``), filtered in SQL by visibility; the top few dozen are
re-ranked in Python (annotator.text.similarity). docs/matching.md has the rule and the figures.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import selectinload

from annotator.extensions import db
from annotator.models import Adjudication, Annotation, Article, EvidenceLink, Sentence, User
from annotator.services.errors import Invalid
from annotator.services.serialize import link_data
from annotator.text import similarity

CANDIDATES = 40  # how many the engine offers for re-ranking (bench/bench_claims.py)
MAX_LIMIT = 20

# One annotation's claim words: its span of the article text, or its whole sentence.
_CLAIM = (
    "substr(ar.text, coalesce(a.span_start, s.start_offset) + 1, "
    "coalesce(a.span_end, s.end_offset) - coalesce(a.span_start, s.start_offset))"
)
_JOINS = (
    "JOIN annotations a ON a.id = {key} "
    "JOIN sentences s ON s.id = a.sentence_id "
    "JOIN articles ar ON ar.id = s.article_id"
)
# Who sees which earlier verdicts: reviewers judge blind, so a reviewer sees their own
# annotations and, once an admin has settled a sentence, the annotations that agree with the
# final verdict; never another reviewer's verdict that nobody has adjudicated. Admins see all.
_VISIBLE = (
    "a.deleted_at IS NULL AND ar.deleted_at IS NULL "
    "AND (:admin OR a.reviewer_id = :viewer OR EXISTS ("
    "SELECT 1 FROM adjudications adj WHERE adj.sentence_id = a.sentence_id "
    "AND adj.verdict = a.verdict))"
)
# Built from the constants above only; the user's words go in as the bound :match.
_SQLITE = (
    f"SELECT a.id, {_CLAIM}, a.attributed_to, bm25(claim_index) AS rank "  # noqa: S608
    f"FROM claim_index {_JOINS.format(key='claim_index.rowid')} "
    f"WHERE claim_index MATCH :match AND s.article_id <> :article AND {_VISIBLE} ORDER BY rank LIMIT :limit"
)
_POSTGRESQL = (
    f"SELECT a.id, {_CLAIM}, a.attributed_to, "  # noqa: S608
    "ts_rank_cd(ci.document, to_tsquery('english', :match)) AS rank "
    f"FROM claim_index ci {_JOINS.format(key='ci.annotation_id')} "
    f"WHERE ci.document @@ to_tsquery('english', :match) AND s.article_id <> :article "
    f"AND {_VISIBLE} "
    "ORDER BY rank DESC LIMIT :limit"
)

_EXISTS = (
    "SELECT 1 FROM annotations a JOIN sentences s ON s.id = a.sentence_id "  # noqa: S608
    f"JOIN articles ar ON ar.id = s.article_id WHERE a.id = :id AND {_VISIBLE}"
)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _candidates(query: str, *, viewer: User, article_id: int) -> list[similarity.Candidate]:
    sqlite = _dialect() == "sqlite"
    match = similarity.fts5_query(query) if sqlite else similarity.pg_tsquery(query)
    if match in ("", '""'):
        return []
    rows = db.session.execute(
        text(_SQLITE if sqlite else _POSTGRESQL),
        {
            "match": match,
            "viewer": viewer.id,
            "admin": viewer.is_admin,
            "article": article_id,
            "limit": CANDIDATES,
        },
    )
    return [
        similarity.Candidate(key, claim, -rank if sqlite else rank, attributed)
        for key, claim, attributed, rank in rows
    ]


def similar_claims(
    query: str, *, viewer: User, article_id: int, limit: int = 5
) -> list[dict[str, Any]]:
    """The earlier judged claims from other articles closest to ``query``, best first.

    Each: the annotation's id, the claim's words, its verdict and the final verdict if an
    admin settled the sentence, attribution, evidence links with credibility, the article's
    id, title and date, the sentence, and a score in [0, 1]. Notes are never included.
    """
    limit = min(max(limit, 1), MAX_LIMIT)
    found = _candidates(query, viewer=viewer, article_id=article_id)
    ranked = similarity.rerank(query, found)[:limit]
    if not ranked:
        return []
    words = {c.id: c.text for c in found}
    ids = [key for key, _ in ranked]
    annotations = {
        ann.id: ann
        for ann in db.session.scalars(
            db.select(Annotation)
            .where(Annotation.id.in_(ids))
            .options(
                selectinload(Annotation.links).selectinload(EvidenceLink.source),
                selectinload(Annotation.reviewer),
                selectinload(Annotation.sentence).selectinload(Sentence.article),
            )
        )
    }
    final = dict(
        db.session.execute(
            db.select(Adjudication.sentence_id, Adjudication.verdict).where(
                Adjudication.sentence_id.in_({a.sentence_id for a in annotations.values()})
            )
        ).all()
    )
    return [
        _match(annotations[key], words[key], score, final.get(annotations[key].sentence_id), viewer)
        for key, score in ranked
        if key in annotations
    ]


def _match(ann: Annotation, claim: str, score: float, final: object, viewer: User) -> dict:
    article: Article = ann.sentence.article
    own = viewer.is_admin or ann.reviewer_id == viewer.id
    return {
        "annotation_id": ann.id,
        "score": round(score, 4),
        "claim": claim,
        "verdict": str(ann.verdict),
        "final_verdict": str(final) if final else None,
        "attributed_to": ann.attributed_to,
        "links": [link_data(link) for link in ann.links],
        "reviewer": ann.reviewer.username if own and ann.reviewer else None,
        "sentence_id": ann.sentence_id,
        "article": {"id": article.id, "title": article.title, "published_at": article.published_at},
    }


def can_match_from(viewer: User, annotation_id: int) -> bool:
    """Whether ``viewer`` may see annotation ``annotation_id`` as a match (the rule above)."""
    row = db.session.execute(
        text(_EXISTS),
        {"id": annotation_id, "viewer": viewer.id, "admin": viewer.is_admin},
    ).first()
    return row is not None


def refuse_unseen_match(matched: int | None, viewer: User, itself: int | None = None) -> None:
    """Invalid unless ``matched`` is None or an annotation ``viewer`` may see as a match."""
    if matched is not None and (matched == itself or not can_match_from(viewer, matched)):
        raise Invalid(
            {"matched_from": f"there is no earlier annotation {matched} you can match from."}
        )


def rebuild_index() -> int:
    """Refill the claims index from the annotations; returns how many it holds."""
    source = (
        "FROM annotations a JOIN sentences s ON s.id = a.sentence_id "
        "JOIN articles ar ON ar.id = s.article_id"
    )
    if _dialect() == "sqlite":
        db.session.execute(text("DELETE FROM claim_index"))
        db.session.execute(
            text(
                "INSERT INTO claim_index(rowid, claim, attributed_to) "
                f"SELECT a.id, {_CLAIM}, a.attributed_to {source}"
            )
        )
    else:
        db.session.execute(text("DELETE FROM claim_index"))
        db.session.execute(
            text(
                "INSERT INTO claim_index(annotation_id, document) SELECT a.id, "
                f"to_tsvector('english', {_CLAIM} || ' ' || a.attributed_to) {source}"
            )
        )
    return db.session.execute(text("SELECT count(*) FROM claim_index")).scalar_one()


def similar_to_sentence(
    sentence: Sentence,
    *,
    viewer: User,
    start: object = None,
    end: object = None,
    limit: object = 5,
) -> dict[str, Any]:
    """Matches for a sentence, or for the span ``start``..``end`` (article offsets) inside it."""
    problems: dict[str, str] = {}
    bounds = []
    for name, value, default in (("start", start, sentence.start), ("end", end, sentence.end)):
        if value is None or value == "":
            bounds.append(default)
        elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
            bounds.append(int(value))
        else:
            problems[name] = "must be a whole number: an offset in the article's text."
    count = _whole(limit)
    if count is None:
        problems["limit"] = f"must be a whole number from 1 to {MAX_LIMIT}."
    if problems:
        raise Invalid(problems)
    first, last = bounds
    if not sentence.start <= first < last <= sentence.end:
        raise Invalid(
            {"span": f"must lie inside the sentence ({sentence.start} to {sentence.end})."}
        )
    article = sentence.article
    query = article.text[first:last]
    items = similar_claims(query, viewer=viewer, article_id=article.id, limit=count)
    return {"sentence_id": sentence.id, "span": {"start": first, "end": last}, "items": items}


def _whole(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 4:
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_LIMIT else None
