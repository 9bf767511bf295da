"""The reasons behind a disagreement, for the admins who settle it (INCEpTION's curation view).

For each sentence: every reviewer's standing judgement (their whole-sentence claim, else their
first, as the agreement figures count it) with its verdict, attribution, note and evidence links
with their credibility; and the sentences around it, for context. ``adopt`` takes one reviewer's
judgement as the final verdict, their note as its rationale. Admins only: reviewers judge blind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import aliased

from annotator.extensions import db
from annotator.models import Adjudication, Annotation, Article, EvidenceLink, Sentence, User
from annotator.services.annotations.annotations import link_query, links_by_annotation
from annotator.services.errors import Conflict, Forbidden, NotFound
from annotator.services.review import adjudication


@dataclass
class Judgement:
    """One reviewer's standing judgement of a sentence."""

    reviewer: str
    annotation_id: int
    verdict: str
    attributed_to: str
    note: str
    quote: str | None  # the words judged when narrower than the sentence
    links: list[dict[str, Any]] = field(default_factory=list)
    claims: int = 1  # how many live claims the reviewer made in the sentence


@dataclass
class Context:
    """The sentences just before and after one sentence (None at the article's edges)."""

    before: str | None
    after: str | None


def _require_admin(viewer: User) -> None:
    if not viewer.is_admin:
        raise Forbidden(
            "Only admins see reviewers' reasons side by side: reviewers judge without seeing "
            "each other's verdicts."
        )


def judgements_of(sentence_ids: list[int], *, viewer: User) -> dict[int, list[Judgement]]:
    """Each sentence's standing judgement per reviewer, by reviewer name (two queries)."""
    _require_admin(viewer)
    if not sentence_ids:
        return {}
    rows = db.session.execute(
        db.select(Annotation, User.username, Sentence.start, Article.text)
        .join(User, Annotation.reviewer_id == User.id)
        .join(Sentence, Annotation.sentence_id == Sentence.id)
        .join(Article, Sentence.article_id == Article.id)
        .where(Annotation.sentence_id.in_(sentence_ids), Annotation.deleted_at.is_(None))
        .order_by(Annotation.id)
    ).all()
    chosen: dict[int, dict[str, tuple[Annotation, str]]] = {}
    claims: dict[tuple[int, str], int] = {}
    for ann, name, _start, text in rows:
        claims[(ann.sentence_id, name)] = claims.get((ann.sentence_id, name), 0) + 1
        held = chosen.setdefault(ann.sentence_id, {}).get(name)
        if held is None or (held[0].span_start is not None and ann.span_start is None):
            chosen[ann.sentence_id][name] = (ann, text)
    ids = [ann.id for by in chosen.values() for ann, _text in by.values()]
    links = links_by_annotation(
        db.session.execute(link_query().where(EvidenceLink.annotation_id.in_(ids)))
    )
    found: dict[int, list[Judgement]] = {}
    for sid, by in chosen.items():
        found[sid] = [
            Judgement(
                reviewer=name,
                annotation_id=ann.id,
                verdict=str(ann.verdict),
                attributed_to=ann.attributed_to or "",
                note=ann.note or "",
                quote=text[ann.span_start : ann.span_end] if ann.span_start is not None else None,
                links=links.get(ann.id, []),
                claims=claims[(sid, name)],
            )
            for name, (ann, text) in sorted(by.items(), key=lambda item: item[0].lower())
        ]
    return found


def context_of(sentence_ids: list[int]) -> dict[int, Context]:
    """The sentence before and after each of these (one query)."""
    if not sentence_ids:
        return {}
    near = aliased(Sentence)
    rows = db.session.execute(
        db.select(Sentence.id, Sentence.index, near.index, near.start, near.end, Article.text)
        .join(near, near.article_id == Sentence.article_id)
        .join(Article, Article.id == Sentence.article_id)
        .where(
            Sentence.id.in_(sentence_ids),
            near.index.between(Sentence.index - 1, Sentence.index + 1),
            near.index != Sentence.index,
        )
    ).all()
    found = {sid: Context(None, None) for sid in sentence_ids}
    for sid, index, other, start, end, text in rows:
        if other < index:
            found[sid].before = text[start:end]
        else:
            found[sid].after = text[start:end]
    return found


def judgement_data(judgement: Judgement) -> dict[str, Any]:
    """A judgement as the API returns it."""
    return {
        "reviewer": judgement.reviewer,
        "annotation_id": judgement.annotation_id,
        "verdict": judgement.verdict,
        "attributed_to": judgement.attributed_to,
        "note": judgement.note,
        "quote": judgement.quote,
        "claims": judgement.claims,
        "links": [
            {
                "url": link["url"],
                "title": link["title"],
                "credibility": link["credibility"],
                "stance": link["stance"],
                "source": link["source"],
            }
            for link in judgement.links
        ],
    }


def adopt(
    annotation_id: object,
    *,
    sentence: Sentence,
    actor: User,
    expected_version: object = None,
) -> tuple[Adjudication, str]:
    """Take one reviewer's judgement of ``sentence`` as its final verdict: their verdict, and
    their note as its rationale. The same checks and audit as any final verdict (admins only,
    version; ``expected_version`` 0 says the admin saw no final verdict, so one recorded since is
    a Conflict). Returns the final verdict and whose judgement it took."""
    _require_admin(actor)
    ann = (
        db.session.get(Annotation, annotation_id)
        if isinstance(annotation_id, int) and not isinstance(annotation_id, bool)
        else None
    )
    if ann is None or ann.deleted_at is not None or ann.sentence_id != sentence.id:
        raise NotFound(
            "That judgement is no longer there (deleted or changed); reload to see the current ones."
        )
    if expected_version == 0 and not isinstance(expected_version, bool):
        if adjudication.get_adjudication(sentence) is not None:
            raise Conflict(
                f"Someone recorded a final verdict for sentence {sentence.index + 1} after you "
                "opened the page; reload to see it before taking another."
            )
        expected_version = None
    final = adjudication.adjudicate(
        sentence, str(ann.verdict), ann.note or "", actor=actor, expected_version=expected_version
    )
    return final, ann.reviewer.username
