"""Read models for pages: everything a template shows, loaded in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from annotator.extensions import db
from annotator.models import Annotation, Article, Sentence, User
from annotator.services.annotations import annotation_state, annotations_for_article
from annotator.services.articles import load_article


@dataclass
class SentenceView:
    sentence: Sentence
    text: str
    mine: list[Annotation] = field(default_factory=list)
    others: list[Annotation] = field(default_factory=list)
    reviewers: int = 0

    @property
    def state(self) -> str:
        """The viewer's verdict, 'mixed' for differing claims, or 'open'."""
        verdicts = {str(a.verdict) for a in self.mine}
        if not verdicts:
            return "open"
        return verdicts.pop() if len(verdicts) == 1 else "mixed"


@dataclass
class WorkspacePage:
    article: Article
    paragraphs: list[list[SentenceView]]
    current: SentenceView
    reviewed: int
    total: int

    @property
    def current_annotation(self) -> Annotation | None:
        return self.current.mine[0] if self.current.mine else None

    def client_data(self) -> dict[str, Any]:
        """What the page's script needs, embedded as JSON."""
        return {
            "article_id": self.article.id,
            "sentences": [
                {"id": v.sentence.id, "start": v.sentence.start, "end": v.sentence.end}
                for paragraph in self.paragraphs
                for v in paragraph
            ],
            "annotations": {
                str(v.sentence.id): [annotation_state(a) for a in v.mine]
                for paragraph in self.paragraphs
                for v in paragraph
                if v.mine
            },
        }


def workspace(article_id: int, *, viewer: User, selected_sentence: int | None = None) -> WorkspacePage:
    """The annotation page of one article for one viewer."""
    article = load_article(article_id)
    views = {s.id: SentenceView(s, article.text[s.start : s.end]) for s in article.sentences}
    for ann in annotations_for_article(article_id, viewer=viewer):
        view = views[ann.sentence_id]
        (view.mine if ann.reviewer_id == viewer.id else view.others).append(ann)
    counts = db.session.execute(
        db.select(Annotation.sentence_id, db.func.count(db.distinct(Annotation.reviewer_id)))
        .join(Sentence)
        .where(Sentence.article_id == article_id, Annotation.deleted_at.is_(None))
        .group_by(Annotation.sentence_id)
    )
    for sentence_id, reviewers in counts:
        views[sentence_id].reviewers = reviewers

    paragraphs: dict[int, list[SentenceView]] = defaultdict(list)
    for view in views.values():
        paragraphs[view.sentence.paragraph].append(view)
    ordered = list(views.values())
    current = views.get(selected_sentence) if selected_sentence else None
    if current is None:
        current = next((v for v in ordered if not v.mine), ordered[0])
    return WorkspacePage(
        article=article,
        paragraphs=[paragraphs[k] for k in sorted(paragraphs)],
        current=current,
        reviewed=sum(1 for v in ordered if v.mine),
        total=len(ordered),
    )
