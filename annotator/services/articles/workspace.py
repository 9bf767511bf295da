"""Read models for pages: everything a template shows, loaded in a fixed number of queries."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row

from annotator.extensions import db
from annotator.models import Annotation, Article, Sentence, User
from annotator.services.annotations.annotations import links_for_article, visible_to
from annotator.services.articles.articles import get_article
from annotator.services.serialize import span_data
from annotator.text.cues import CUE_LANGUAGES, NO_ANALYSIS, THRESHOLD, Analysis, Cue, analyse
from annotator.text.language import is_english, language_label

# Cue analysis depends only on the sentence's text and language: keep recent results.
analysis_of = functools.lru_cache(maxsize=50_000)(analyse)


def sentence_rows(article_id: int) -> list[Row[Any]]:
    """An article's sentences as plain rows (id, index, paragraph, start, end), in order: a page
    of 1,000 sentences reads them without building an ORM object for each."""
    return list(
        db.session.execute(
            db.select(Sentence.id, Sentence.index, Sentence.paragraph, Sentence.start, Sentence.end)
            .where(Sentence.article_id == article_id)
            .order_by(Sentence.index)
        )
    )


@dataclass(frozen=True, slots=True)
class Claim:
    """One visible annotation as the page shows it: plain values, no ORM object per claim."""

    id: int
    sentence_id: int
    reviewer_id: int
    reviewer_name: str
    verdict: str
    attributed_to: str
    note: str
    span_start: int | None
    span_end: int | None
    version: int
    lost_quote: str | None
    matched_from: int | None = None  # copied from this annotation in "Seen before"


def claims_for_article(article_id: int, *, viewer: User) -> list[Claim]:
    """The viewer's visible annotations on one article, in order, in one query."""
    rows = db.session.execute(
        db.select(
            Annotation.id,
            Annotation.sentence_id,
            Annotation.reviewer_id,
            User.username,
            Annotation.verdict,
            Annotation.attributed_to,
            Annotation.note,
            Annotation.span_start,
            Annotation.span_end,
            Annotation.version,
            Annotation.lost_quote,
            Annotation.matched_from_id,
        )
        .join(Sentence, Annotation.sentence_id == Sentence.id)
        .join(User, Annotation.reviewer_id == User.id)
        .where(Sentence.article_id == article_id, visible_to(viewer))
        .order_by(Sentence.index, Annotation.id)
    )
    return [
        Claim(i, sid, rid, name, str(verdict), who, note, start, end, version, lost, matched)
        for i, sid, rid, name, verdict, who, note, start, end, version, lost, matched in rows
    ]


@dataclass
class SentenceView:
    sentence: Row[Any]  # see sentence_rows
    text: str
    mine: list[Claim] = field(default_factory=list)
    others: list[Claim] = field(default_factory=list)
    reviewers: int = 0
    cue_language: str = "en"  # the language its cues are looked for in (see text.cues)

    def __post_init__(self) -> None:
        # Plain copies: templates read these for every sentence, ORM attributes cost more.
        self.id = self.sentence.id
        self.index = self.sentence.index

    @functools.cached_property
    def analysis(self) -> Analysis:
        return analysis_of(self.text, self.cue_language) if self.cue_language else NO_ANALYSIS

    @property
    def worthy(self) -> bool:
        return self.analysis.score >= THRESHOLD

    def segments(self) -> list[tuple[str, Cue | None]]:
        """The text cut into plain runs and highlighted cues, in order.

        Mirrored by static/annotate/suggestion.js (show): keep in step."""
        pieces: list[tuple[str, Cue | None]] = []
        position = 0
        for cue in self.analysis.cues:
            if cue.start < position:
                continue
            pieces += [
                (self.text[position : cue.start], None),
                (self.text[cue.start : cue.end], cue),
            ]
            position = cue.end
        pieces.append((self.text[position:], None))
        return [piece for piece in pieces if piece[0]]

    @functools.cached_property
    def state(self) -> str:
        """The viewer's verdict, 'mixed' for differing claims, or 'open' (read once the claims are in).

        Mirrored by static/annotate/reader.js (stateOf): keep in step."""
        verdicts = {a.verdict for a in self.mine}
        if not verdicts:
            return "open"
        return verdicts.pop() if len(verdicts) == 1 else "mixed"


STATES = ("open", "verified", "unproven", "disputed", "mixed", "worthy")


@dataclass(frozen=True, slots=True)
class DeletedClaim:
    """One of the viewer's deleted claims on the article, as the "Deleted claims" list shows it."""

    id: int
    sentence_id: int
    sentence_number: int
    quote: str
    verdict: str
    attributed_to: str


def deleted_claims(article: Article, *, viewer: User, most: int = 50) -> list[DeletedClaim]:
    """The viewer's own deleted annotations on the article, newest first: they alone may restore them."""
    rows = db.session.execute(
        db.select(
            Annotation.id,
            Annotation.sentence_id,
            Sentence.index,
            Sentence.start,
            Sentence.end,
            Annotation.span_start,
            Annotation.span_end,
            Annotation.verdict,
            Annotation.attributed_to,
        )
        .join(Sentence, Annotation.sentence_id == Sentence.id)
        .where(
            Sentence.article_id == article.id,
            Annotation.reviewer_id == viewer.id,
            Annotation.deleted_at.is_not(None),
        )
        .order_by(Annotation.deleted_at.desc(), Annotation.id.desc())
        .limit(most)
    )
    text = article.text
    claims = []
    for ann_id, sentence_id, index, start, end, span_start, span_end, verdict, who in rows:
        quote = text[span_start:span_end] if span_start is not None else text[start:end]
        quote = quote.strip()
        if len(quote) > 120:
            quote = quote[:119].rstrip() + "…"
        claims.append(DeletedClaim(ann_id, sentence_id, index + 1, quote, str(verdict), who))
    return claims


@dataclass
class WorkspacePage:
    article: Article
    paragraphs: list[list[SentenceView]]
    current: SentenceView
    reviewed: int
    total: int
    current_annotation: Claim | None = None  # the claim being edited; None: a new one
    state_filter: str | None = None
    next_open: int | None = None  # the next sentence the viewer has not reviewed
    lost: list[Claim] = field(default_factory=list)  # claims an edit of the text could not place
    links: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # by annotation id
    deleted: list[DeletedClaim] = field(default_factory=list)  # the viewer's, to restore

    @property
    def english(self) -> bool:
        """Whether attribution and check-worthiness apply (they are English only)."""
        return is_english(self.article.language)

    @property
    def cue_language(self) -> str:
        """The language hedge and credibility cues are looked for in ("" when it has none)."""
        return cue_language_of(self.article.language)

    @property
    def language_name(self) -> str:
        """The article's language as the page shows it."""
        return language_label(self.article.language)

    @property
    def current_links(self) -> list[dict[str, Any]]:
        """The evidence links of the claim being edited, as link_data gives them."""
        claim = self.current_annotation
        return self.links.get(claim.id, []) if claim else []

    def shown(self, view: SentenceView) -> bool:
        """Whether the state filter lets this sentence through.

        Mirrored by static/annotate/reader.js (applyFilter): keep in step."""
        if self.state_filter is None or view is self.current:
            return True
        if self.state_filter == "worthy":
            return view.worthy
        return view.state == self.state_filter

    def client_data(self) -> dict[str, Any]:
        """What the page's script needs, embedded as JSON."""
        return {
            "article_id": self.article.id,
            "threshold": THRESHOLD,
            "sentences": [
                {
                    "id": v.sentence.id,
                    "start": v.sentence.start,
                    "end": v.sentence.end,
                    "score": v.analysis.score,
                    "why": list(v.analysis.reasons),
                    "who": v.analysis.attribution.source if v.analysis.attribution else None,
                    "cues": [[c.start, c.end, c.kind] for c in v.analysis.cues],
                }
                for paragraph in self.paragraphs
                for v in paragraph
            ],
            "annotations": {
                str(v.sentence.id): [_editable(a, self.links.get(a.id, [])) for a in v.mine]
                for paragraph in self.paragraphs
                for v in paragraph
                if v.mine
            },
        }


def _editable(ann: Claim, links: list[dict[str, Any]]) -> dict[str, Any]:
    """Only what the editor needs (the page embeds one of these per claim)."""
    return {
        "id": ann.id,
        "version": ann.version,
        "verdict": ann.verdict,
        "attributed_to": ann.attributed_to,
        "note": ann.note,
        "span": span_data(ann.span_start, ann.span_end),
        "links": links,
        "matched_from": ann.matched_from,
    }


def workspace(
    article_id: int,
    *,
    viewer: User,
    selected_sentence: int | None = None,
    selected_claim: str | None = None,
    state_filter: str | None = None,
) -> WorkspacePage:
    """The annotation page of one article for one viewer.

    ``selected_claim`` is the id of one of the viewer's annotations on the selected sentence, or
    "new" to start another claim; by default the first one is edited.
    """
    article = get_article(article_id)
    text = article.text
    language = cue_language_of(article.language)
    views = {
        s.id: SentenceView(s, text[s.start : s.end], cue_language=language)
        for s in sentence_rows(article_id)
    }
    viewer_id = viewer.id  # once: a page's current_user is a proxy, costly to read per claim
    for ann in claims_for_article(article_id, viewer=viewer):
        view = views[ann.sentence_id]
        (view.mine if ann.reviewer_id == viewer_id else view.others).append(ann)
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
    lost = [a for view in views.values() for a in (*view.mine, *view.others) if a.lost_quote]
    claim = None
    if selected_claim != "new":
        claim = next((a for a in current.mine if str(a.id) == selected_claim), None)
        claim = claim or (current.mine[0] if current.mine else None)
    position = ordered.index(current)
    # The current sentence last: after deleting its only claim it is the one left to review.
    later = ordered[position + 1 :] + ordered[: position + 1]
    next_open = next((v.sentence.id for v in later if not v.mine), None)
    return WorkspacePage(
        article=article,
        paragraphs=[paragraphs[k] for k in sorted(paragraphs)],
        current=current,
        reviewed=sum(1 for v in ordered if v.mine),
        total=len(ordered),
        current_annotation=claim,
        state_filter=state_filter if state_filter in STATES else None,
        next_open=next_open,
        lost=lost,
        links=links_for_article(article_id, viewer=viewer),
        deleted=deleted_claims(article, viewer=viewer),
    )


def cue_language_of(language: str | None) -> str:
    """The code cues are looked for in: English for English (or unknown) articles, the article's
    language where it has cues, else "" (none)."""
    if is_english(language):
        return "en"
    code = (language or "")[:2].lower()
    return code if code in CUE_LANGUAGES else ""
