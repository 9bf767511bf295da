"""Correcting segmentation: merge, split, re-run. Annotations always keep the text they judged."""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from annotator.extensions import db
from annotator.models import Annotation, Article, Sentence, User
from annotator.services import audit
from annotator.services.annotations import claim_vectors
from annotator.services.annotations.annotations import LOAD_FOR_DATA
from annotator.services.articles import articles
from annotator.services.articles.articles import article_summary, clean_article_fields, content_hash
from annotator.services.errors import Invalid, NotFound
from annotator.services.serialize import adjudication_data, annotation_data
from annotator.text.language import segmenting_language
from annotator.text.segment import Span, segment


def merge_sentences(
    article: Article, first_id: object, second_id: object, *, actor: User
) -> Article:
    """Join two adjacent sentences into one."""
    first, second = _sentence(article, first_id, "first"), _sentence(article, second_id, "second")
    if second.index != first.index + 1:
        raise Invalid({"second": _("must be the sentence right after the first one.")})
    spans = [Span(s.start, s.end, s.paragraph) for s in article.sentences]
    spans[first.index : second.index + 1] = [Span(first.start, second.end, first.paragraph)]
    return replace_sentences(article, spans, actor=actor, action="merge")


def merge_with_next(article: Article, sentence_id: object, *, actor: User) -> Article:
    """Join a sentence with the one after it (what the page offers); the last has none to take."""
    following = next(
        (
            s.id
            for s in article.sentences
            if s.index > 0 and article.sentences[s.index - 1].id == sentence_id
        ),
        None,
    )
    if following is None:
        raise Invalid({"second": "this is the last sentence; there is nothing after it to merge."})
    return merge_sentences(article, sentence_id, following, actor=actor)


def split_sentence(
    article: Article, sentence_id: object, offset: object, *, actor: User
) -> Article:
    """Cut a sentence in two before the article offset ``offset``."""
    sentence = _sentence(article, sentence_id, "sentence_id")
    if not isinstance(offset, int) or isinstance(offset, bool):
        raise Invalid({"offset": _("must be a character offset into the article text.")})
    text = article.text
    left_end = offset
    while left_end > sentence.start and text[left_end - 1].isspace():
        left_end -= 1
    right_start = offset
    while right_start < sentence.end and text[right_start].isspace():
        right_start += 1
    if not sentence.start < left_end or not right_start < sentence.end:
        raise Invalid(
            {
                "offset": _(
                    "must fall inside the sentence (%(start)s to %(end)s) with text on both sides.",
                    start=sentence.start,
                    end=sentence.end,
                )
            }
        )
    spans = [Span(s.start, s.end, s.paragraph) for s in article.sentences]
    spans[sentence.index : sentence.index + 1] = [
        Span(sentence.start, left_end, sentence.paragraph),
        Span(right_start, sentence.end, sentence.paragraph),
    ]
    return replace_sentences(article, spans, actor=actor, action="split")


def split_before_text(article: Article, sentence_id: object, words: str, *, actor: User) -> Article:
    """Split a sentence before the first occurrence of ``words`` after its start (what the page offers)."""
    sentence = _sentence(article, sentence_id, "sentence_id")
    words = (words or "").strip()
    if not words:
        raise Invalid({"split_before": _("type the words the second sentence should start with.")})
    found = article.text.find(words, sentence.start + 1, sentence.end)
    if found < 0:
        raise Invalid(
            {
                "split_before": _(
                    "“%(words)s” does not occur in this sentence after its first character.",
                    words=words[:60],
                )
            }
        )
    return split_sentence(article, sentence.id, found, actor=actor)


def update_article(article: Article, changes: dict[str, Any], *, actor: User) -> TextEdit:
    """The one way to change an article: its fields, then its text if ``changes`` has one
    (annotations follow their words); another language means other rules, so it is split
    again (as in resegment)."""
    fields = dict(changes)
    has_text, text = "text" in fields, fields.pop("text", None)
    segmented_as = segmenting_language(article.language)
    articles.set_fields(article, fields, actor=actor)
    if segmenting_language(article.language) != segmented_as:
        resegment(article, actor=actor)
    return edit_text(article, text, actor=actor) if has_text else TextEdit(0, [])


def resegment(article: Article, *, actor: User) -> Article:
    """Split the text again with the current segmenter; annotations move to the sentences holding their text."""
    spans = segment(article.text, language=segmenting_language(article.language))
    return replace_sentences(article, spans, actor=actor, action="resegment")


def replace_sentences(
    article: Article,
    spans: Sequence[Span],
    *,
    actor: User | None,
    action: str,
    claims: Mapping[int, tuple[int, int]] | None = None,
) -> Article:
    """Make ``spans`` the article's sentences, keeping unchanged sentences and moving every annotation.

    ``claims`` gives annotations' text ranges when they are not the current ones (after the text
    itself changed); then no old sentence is kept, since the same range now holds other words.
    """
    _check_tiling(article.text, spans)
    old = list(article.sentences)
    before = [[s.start, s.end, s.paragraph] for s in old]
    old_ranges = {s.id: (s.start, s.end) for s in old}
    by_range = {} if claims is not None else {(s.start, s.end): s for s in old}
    # Positions are unique per article: park the current ones out of the way before renumbering.
    for sentence in old:
        sentence.index = -1 - sentence.index
    db.session.flush()
    # Keep ids stable where we can: an unchanged range, else a sentence starting at the same place
    # (the first part of a split, the result of a merge).
    exact = {(span.start, span.end) for span in spans} & set(by_range)
    by_start = {s.start: s for key, s in by_range.items() if key not in exact}
    new: list[Sentence] = []  # the kept sentences, in order, until the new ones are in
    fresh: list[dict[str, int]] = []  # rows of the new sentences
    for index, span in enumerate(spans):
        sentence = by_range.pop((span.start, span.end), None)
        if sentence is None and (span.start, span.end) not in exact:
            sentence = by_start.pop(span.start, None)
            if sentence is not None:
                del by_range[(sentence.start, sentence.end)]
                sentence.end = span.end
        if sentence is None:
            fresh.append(articles.sentence_values(article.id, index, span))
            continue
        sentence.index = index
        sentence.paragraph = span.paragraph
        new.append(sentence)
    db.session.flush()
    if fresh:
        # One statement for them all (articles.insert_sentences). The old sentences wait at
        # negative positions, so the article's sentences from position 0 up are the new list.
        articles.insert_sentences(fresh)
        new = list(
            db.session.scalars(
                db.select(Sentence)
                .where(Sentence.article_id == article.id, Sentence.index >= 0)
                .order_by(Sentence.index)
            )
        )
        for row in fresh:  # as a flush notes the sentences it inserts, for claim matching
            claim_vectors.note_claims_changed(new[row["position"]].id)

    starts = [s.start for s in new]
    annotations = db.session.scalars(
        db.select(Annotation)
        .where(Annotation.sentence_id.in_(list(old_ranges)))
        .options(*LOAD_FOR_DATA)
    ).all()  # soft-deleted ones too: they must not be orphaned
    moved: list[tuple[Annotation, dict]] = []
    for ann in annotations:
        if claims is not None:
            claim = claims[ann.id]
        else:
            claim = (
                (ann.span_start, ann.span_end)
                if ann.span_start is not None
                else old_ranges[ann.sentence_id]
            )
        target = new[max(bisect.bisect_right(starts, claim[0]) - 1, 0)]
        span = None if claim == (target.start, target.end) else claim
        if target.id == ann.sentence_id and span == (
            (ann.span_start, ann.span_end) if ann.span_start is not None else None
        ):
            continue
        moved.append((ann, annotation_data(ann)))
        ann.sentence = target
        ann.span_start, ann.span_end = span or (None, None)
    db.session.flush()  # one flush for every move; versions are bumped by it
    for ann, before in moved:
        audit.record(
            "annotation", ann.id, "move", actor=actor, before=before, after=annotation_data(ann)
        )

    _carry_adjudications(old_ranges, new, starts, actor=actor, text_changed=claims is not None)
    article.sentences = new  # the rest, now without annotations, are deleted as orphans
    db.session.flush()
    audit.record(
        "article",
        article.id,
        action,
        actor=actor,
        before={"sentences": before},
        after={"sentences": [[s.start, s.end, s.paragraph] for s in new]},
    )
    return article


def _carry_adjudications(
    old_ranges: Mapping[int, tuple[int, int]],
    new: Sequence[Sentence],
    starts: Sequence[int],
    *,
    actor: User | None,
    text_changed: bool,
) -> None:
    """Final verdicts on sentences about to go follow their sentence's start, like annotations.

    One that cannot follow (the new sentence has its own, or the text itself changed, so the
    verdict judged words that are gone) is removed with a revision keeping it, never silently.
    """
    from annotator.models import Adjudication

    kept = {s.id for s in new if s.id is not None}
    leaving = [sid for sid in old_ranges if sid not in kept]
    if not leaving:
        return
    taken = set(
        db.session.scalars(
            db.select(Adjudication.sentence_id).where(Adjudication.sentence_id.in_(kept))
        )
    )
    for adj in db.session.scalars(
        db.select(Adjudication).where(Adjudication.sentence_id.in_(leaving))
    ):
        before = adjudication_data(adj)
        target = new[max(bisect.bisect_right(starts, old_ranges[adj.sentence_id][0]) - 1, 0)]
        if text_changed or target.id in taken:
            db.session.delete(adj)
            audit.record("adjudication", adj.id, "delete", actor=actor, before=before, after=None)
            continue
        adj.sentence_id = target.id
        taken.add(target.id)
        db.session.flush()
        audit.record(
            "adjudication",
            adj.id,
            "move",
            actor=actor,
            before=before,
            after=adjudication_data(adj),
        )


def _sentence(article: Article, sentence_id: object, field: str) -> Sentence:
    if not isinstance(sentence_id, int) or isinstance(sentence_id, bool):
        raise Invalid({field: _("must be the id number of a sentence.")})
    for sentence in article.sentences:
        if sentence.id == sentence_id:
            return sentence
    raise NotFound(f"Article #{article.id} has no sentence #{sentence_id}.")


def _check_tiling(text: str, spans: Sequence[Span]) -> None:
    """The invariants every segmentation keeps: ordered, stripped, non-overlapping, nothing lost."""
    position = 0
    for span in spans:
        piece = text[span.start : span.end]
        if span.start < position or not piece or piece != piece.strip():
            raise Invalid(
                {"sentences": _("the new sentences would overlap or start/end with spaces.")}
            )
        if text[position : span.start].strip():
            raise Invalid(
                {"sentences": _("the new sentences would leave text outside every sentence.")}
            )
        position = span.end
    if text[position:].strip() or not spans:
        raise Invalid(
            {"sentences": _("the new sentences would leave text outside every sentence.")}
        )


def sentence_ranges(article: Article) -> list[dict[str, Any]]:
    """Start, end and paragraph of each sentence (for API answers)."""
    return [
        {"id": s.id, "index": s.index, "start": s.start, "end": s.end, "paragraph": s.paragraph}
        for s in article.sentences
    ]


@dataclass(frozen=True)
class TextEdit:
    """What an edit of an article's text did to its annotations."""

    moved: int
    unplaced: list[Annotation]


def edit_text(article: Article, new_text: object, *, actor: User) -> TextEdit:
    """Replace an article's text, re-anchoring every annotation by its words and position.

    An annotation whose words are gone is kept on the nearest sentence, with ``lost_quote`` set,
    and listed for an admin; none is dropped.
    """

    fields = {
        name: getattr(article, name)
        for name in ("title", "url", "outlet", "author", "published_at", "language", "external_id")
    }
    new_text = clean_article_fields(fields | {"text": new_text})["text"]
    old_text = article.text
    if new_text == old_text:
        return TextEdit(0, [])
    annotations = db.session.scalars(
        db.select(Annotation).join(Sentence).where(Sentence.article_id == article.id)
    ).all()
    old_ranges = {s.id: (s.start, s.end) for s in article.sentences}
    spans = segment(new_text, language=segmenting_language(article.language))
    mapper = _OffsetMap(old_text, new_text)
    claims: dict[int, tuple[int, int]] = {}
    unplaced: list[Annotation] = []
    for ann in annotations:
        start, end = (
            (ann.span_start, ann.span_end)
            if ann.span_start is not None
            else old_ranges[ann.sentence_id]
        )
        quote = old_text[start:end]
        guess = mapper.map(start)
        placed = _place(new_text, quote, guess)
        if placed is None:
            nearest = min(
                spans,
                key=lambda span: (
                    0
                    if span.start <= guess < span.end
                    else min(abs(span.start - guess), abs(span.end - guess))
                ),
            )
            placed = (nearest.start, nearest.end)
            ann.lost_quote = quote
            unplaced.append(ann)
        claims[ann.id] = placed
    before = article_summary(article)
    article.text = new_text
    article.content_hash = content_hash(new_text)
    articles.store_buckets(article.id, new_text)
    replace_sentences(article, spans, actor=actor, action="edit_text", claims=claims)
    audit.record(
        "article", article.id, "update", actor=actor, before=before, after=article_summary(article)
    )
    return TextEdit(len(annotations) - len(unplaced), unplaced)


def _place(text: str, quote: str, guess: int) -> tuple[int, int] | None:
    """Where ``quote`` now stands: at the mapped position if it is still there, else its nearest occurrence."""
    if not quote.strip():
        return None
    if text[guess : guess + len(quote)] == quote:
        return guess, guess + len(quote)
    best, position = None, text.find(quote)
    while position >= 0:
        if best is None or abs(position - guess) < abs(best - guess):
            best = position
        position = text.find(quote, position + 1)
    return None if best is None else (best, best + len(quote))


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


class _OffsetMap:
    """Old-text offsets to new-text offsets through the words the two texts share.

    Diffing words rather than characters keeps this fast on long articles (a character diff of
    20,000 characters took seconds)."""

    def __init__(self, old: str, new: str) -> None:
        old_tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(old)]
        new_tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(new)]
        matcher = difflib.SequenceMatcher(
            None, [t for _, t in old_tokens], [t for _, t in new_tokens]
        )
        self.pairs: list[tuple[int, int]] = []  # (old offset, new offset) of each shared token
        for a, b, size in matcher.get_matching_blocks():
            self.pairs += [(old_tokens[a + k][0], new_tokens[b + k][0]) for k in range(size)]
        self.starts = [a for a, _ in self.pairs]

    def map(self, position: int) -> int:
        i = bisect.bisect_right(self.starts, position) - 1
        if i < 0:
            return 0
        a, b = self.pairs[i]
        return b + (position - a)
