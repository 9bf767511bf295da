"""Reviewers compared (agreement, Cohen's and Fleiss' kappa) and admins' final verdicts.

Which verdict stands for a reviewer on a sentence: reviewers may record several claims in one
sentence (narrower spans). For comparison each reviewer counts once per sentence, with the verdict
of their whole-sentence claim if they made one, else of their first claim (the one saved first).
Only live annotations count (deleted ones are not judgements any more).

Figures, over the sentences that at least two reviewers judged ("compared"):

- percent agreement: the share of compared sentences on which every reviewer gave the same verdict;
- kappa: with exactly two reviewers in the article, Cohen's kappa over the sentences both judged;
  with three or more, Fleiss' kappa, each sentence weighted by its own number of reviewers
  (when every sentence has the same number this is Fleiss' formula exactly). Kappa is None when
  there is nothing to compare or when chance agreement is total (every verdict the same).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy.orm import selectinload

from annotator.extensions import db
from annotator.fields import ADJUDICATION
from annotator.models import Adjudication, Annotation, Article, Sentence, User, Verdict
from annotator.models._types import utcnow
from annotator.services import audit, guards
from annotator.services.articles.articles import load_article
from annotator.services.desk import status
from annotator.services.errors import Conflict, Invalid, NotFound
from annotator.services.serialize import adjudication_data
from annotator.services.validation import Problems
from annotator.stats.agreement import cohen_kappa, fleiss_kappa, krippendorff_alpha

_ADMINS_ONLY = "Only admins can {what}; reviewers judge without seeing each other's verdicts."

# --------------------------------------------------------------------------- comparing reviewers


@dataclass
class SentenceAgreement:
    """One sentence as the reviewers judged it."""

    sentence: Sentence
    text: str
    verdicts: dict[str, str]  # reviewer's username -> the verdict that stands for them
    claims: dict[str, int]  # reviewer's username -> how many live claims they made here
    adjudication: Adjudication | None = None

    @property
    def compared(self) -> bool:
        return len(self.verdicts) >= 2

    @property
    def agree(self) -> bool | None:
        """True if every reviewer gave the same verdict; None with fewer than two reviewers."""
        if not self.compared:
            return None
        return len(set(self.verdicts.values())) == 1

    @property
    def status(self) -> str:
        return {True: "agree", False: "disagree", None: "single"}[self.agree]


@dataclass
class ArticleAgreement:
    """How the reviewers of one article agree, sentence by sentence and overall."""

    article: Article
    reviewers: list[str]
    sentences: list[SentenceAgreement]  # disagreements first, then agreements, then the rest
    total_sentences: int
    compared: int = 0
    agreed: int = 0
    adjudicated: int = 0
    kappa: float | None = None
    kappa_method: str | None = None  # "cohen" (two reviewers) or "fleiss" (three or more)
    alpha: float | None = None  # Krippendorff's alpha (nominal), over every judged sentence

    @property
    def percent_agreement(self) -> float | None:
        return round(100 * self.agreed / self.compared, 1) if self.compared else None

    @property
    def disagreements(self) -> int:
        return self.compared - self.agreed


def reviewer_verdicts(annotations: Sequence[Annotation]) -> tuple[dict[str, str], dict[str, int]]:
    """The verdict standing for each reviewer of one sentence, and their number of claims.

    ``annotations`` are one sentence's live annotations in id order: a whole-sentence claim wins,
    else the reviewer's first claim.
    """
    chosen: dict[str, Annotation] = {}
    claims: Counter[str] = Counter()
    for ann in annotations:
        name = ann.reviewer.username
        claims[name] += 1
        held = chosen.get(name)
        if held is None or (held.span_start is not None and ann.span_start is None):
            chosen[name] = ann
    return {name: str(ann.verdict) for name, ann in chosen.items()}, dict(claims)


def agreement(article_id: int, *, viewer: User) -> ArticleAgreement:
    """Compare the reviewers of one article (admins only): four queries whatever its size."""
    guards.require_admin(viewer, _ADMINS_ONLY.format(what="compare reviewers"))
    article = load_article(article_id)
    sentence_ids = [s.id for s in article.sentences]
    by_sentence: dict[int, list[Annotation]] = {}
    for ann in db.session.scalars(
        db.select(Annotation)
        .where(Annotation.sentence_id.in_(sentence_ids), Annotation.deleted_at.is_(None))
        .options(selectinload(Annotation.reviewer))
        .order_by(Annotation.id)
    ):
        by_sentence.setdefault(ann.sentence_id, []).append(ann)
    adjudications = {
        adj.sentence_id: adj
        for adj in db.session.scalars(
            db.select(Adjudication)
            .where(Adjudication.sentence_id.in_(sentence_ids))
            .options(selectinload(Adjudication.adjudicator))
        )
    }
    rows: list[SentenceAgreement] = []
    for sentence in article.sentences:
        verdicts, claims = reviewer_verdicts(by_sentence.get(sentence.id, []))
        adjudication = adjudications.get(sentence.id)
        if verdicts or adjudication:
            rows.append(
                SentenceAgreement(
                    sentence=sentence,
                    text=article.text[sentence.start : sentence.end],
                    verdicts=verdicts,
                    claims=claims,
                    adjudication=adjudication,
                )
            )
    reviewers = sorted({name for row in rows for name in row.verdicts}, key=str.lower)
    result = ArticleAgreement(
        article=article,
        reviewers=reviewers,
        sentences=sorted(
            rows,
            key=lambda r: ({"disagree": 0, "agree": 1, "single": 2}[r.status], r.sentence.index),
        ),
        total_sentences=len(article.sentences),
        adjudicated=len(adjudications),
    )
    compared = [row for row in rows if row.compared]
    result.compared = len(compared)
    result.agreed = sum(1 for row in compared if row.agree)
    result.alpha = krippendorff_alpha([list(row.verdicts.values()) for row in rows])
    if len(reviewers) == 2:
        first, second = reviewers
        both = [row for row in compared if first in row.verdicts and second in row.verdicts]
        result.kappa_method = "cohen"
        result.kappa = cohen_kappa(
            [r.verdicts[first] for r in both], [r.verdicts[second] for r in both]
        )
    elif len(reviewers) > 2:
        result.kappa_method = "fleiss"
        result.kappa = fleiss_kappa([list(row.verdicts.values()) for row in compared])
    return result


def agreement_data(result: ArticleAgreement) -> dict[str, Any]:
    """The comparison as plain data, for the API."""
    return {
        "article_id": result.article.id,
        "reviewers": result.reviewers,
        "sentences_total": result.total_sentences,
        "sentences_compared": result.compared,
        "sentences_agreed": result.agreed,
        "sentences_adjudicated": result.adjudicated,
        "percent_agreement": result.percent_agreement,
        "kappa": None if result.kappa is None else round(result.kappa, 4),
        "kappa_method": result.kappa_method,
        "krippendorff_alpha": None if result.alpha is None else round(result.alpha, 4),
        "sentences": [
            {
                "sentence_id": row.sentence.id,
                "index": row.sentence.index,
                "text": row.text,
                "verdicts": row.verdicts,
                "claims": row.claims,
                "agree": row.agree,
                "adjudication": adjudication_data(row.adjudication) if row.adjudication else None,
            }
            for row in result.sentences
        ],
    }


# --------------------------------------------------------------------------- final verdicts


def get_adjudication(sentence: Sentence, *, for_update: bool = False) -> Adjudication | None:
    """The sentence's final verdict, if an admin recorded one; with for_update, its row locked
    (PostgreSQL) so that of two saves of one version the second sees the first's change."""
    query = db.select(Adjudication).where(Adjudication.sentence_id == sentence.id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def adjudicate(
    sentence: Sentence,
    verdict: object,
    note: object = "",
    *,
    actor: User,
    expected_version: object = None,
) -> Adjudication:
    """Record (or change) the final verdict of a sentence. Admins only.

    With expected_version, a changed or cleared adjudication is a Conflict and nothing changes;
    without it, the last save wins.
    """
    guards.require_admin(actor, _ADMINS_ONLY.format(what="record a final verdict"))
    problems = Problems()
    clean_verdict = problems.choice("verdict", verdict, Verdict)
    clean_note = problems.text(
        "note", note, limit=ADJUDICATION["note"].limit_in(current_app.config)
    )
    _check_version_shape(expected_version, problems)
    if problems:
        raise Invalid(problems)
    adj = get_adjudication(sentence, for_update=True)
    now = utcnow()
    if adj is None:
        if expected_version is not None:
            raise Conflict(
                f"The final verdict of sentence #{sentence.id} was cleared after you opened it. "
                "Reload to see the current state."
            )
        adj = Adjudication(
            sentence_id=sentence.id,
            verdict=clean_verdict,
            note=clean_note,
            adjudicator=actor,
            created_at=now,
            updated_at=now,
        )
        db.session.add(adj)
        _flush_or_conflict(adj, sentence)
        audit.record(
            "adjudication",
            adj.id,
            "create",
            actor=actor,
            before=None,
            after=adjudication_data(adj),
        )
        status.refresh(sentence.article_id, actor=actor, judged_changed=False)
        return adj
    _check_version(adj, expected_version)
    before = adjudication_data(adj)
    adj.verdict, adj.note, adj.adjudicator, adj.updated_at = clean_verdict, clean_note, actor, now
    _flush_or_conflict(adj, sentence)
    audit.record(
        "adjudication", adj.id, "update", actor=actor, before=before, after=adjudication_data(adj)
    )
    status.refresh(sentence.article_id, actor=actor, judged_changed=False)
    return adj


def clear_adjudication(sentence: Sentence, *, actor: User, expected_version: object = None) -> None:
    """Remove a sentence's final verdict (the revision keeps what it was). Admins only."""
    guards.require_admin(actor, _ADMINS_ONLY.format(what="clear a final verdict"))
    problems = Problems()
    _check_version_shape(expected_version, problems)
    if problems:
        raise Invalid(problems)
    adj = get_adjudication(sentence, for_update=True)
    if adj is None:
        raise NotFound(f"Sentence #{sentence.id} has no final verdict.")
    _check_version(adj, expected_version)
    before = adjudication_data(adj)
    db.session.delete(adj)
    _flush_or_conflict(adj, sentence)
    audit.record("adjudication", before["id"], "delete", actor=actor, before=before, after=None)


def _check_version_shape(expected: object, problems: Problems) -> None:
    if problem := guards.version_problem("adjudication", expected):
        problems["version"] = problem


def _check_version(adj: Adjudication, expected: object) -> None:
    guards.check_version(
        "adjudication",
        expected,
        adj,
        ident=adj.sentence_id,
        current=adjudication_data,
    )


def _flush_or_conflict(adj: Adjudication, sentence: Sentence) -> None:
    # Another admin saved this sentence's verdict at the same moment.
    message = f"Someone else saved the final verdict of sentence #{sentence.id} at the same moment; reload and try again."
    guards.flush_or_conflict(message, taken=message)


def insert_adjudication(row: dict[str, Any]) -> int:
    """Bulk path for loading an export: one already-checked final verdict row (its verdict, times
    and version as exported); its id. The caller records the revision."""
    table = Adjudication.__table__
    return db.session.execute(db.insert(table).returning(table.c.id), row).scalar_one()
