"""Read annotations for export, filtered, as plain records the exporters format."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy.orm import contains_eager, selectinload

from annotator.exporters import EXPORTERS, ExportFilter, ExportRecord
from annotator.extensions import db
from annotator.models import Annotation, Article, Sentence, User, Verdict
from annotator.services.annotations import annotation_state, visible_to
from annotator.services.errors import Invalid


def parse_filter(params: dict[str, Any]) -> ExportFilter:
    """Build an ExportFilter from query or CLI parameters; raise Invalid naming bad ones."""
    problems: dict[str, str] = {}

    def many(name: str) -> tuple[str, ...]:
        value = params.get(name)
        items = value if isinstance(value, list | tuple) else [value]
        return tuple(
            part.strip() for item in items if item for part in str(item).split(",") if part.strip()
        )

    articles: list[int] = []
    for item in many("article"):
        if item.isdigit():
            articles.append(int(item))
        else:
            problems["article"] = f"must be article id numbers (got {item[:40]!r})."
    verdicts = many("verdict")
    bad = [v for v in verdicts if v not in set(Verdict)]
    if bad:
        problems["verdict"] = f"must be verified, unproven or disputed (got {bad[0][:40]!r})."
    dates: dict[str, datetime | None] = {}
    for name in ("since", "until"):
        raw = params.get(name)
        if isinstance(raw, list | tuple):
            raw = next((item for item in raw if item), None)
        dates[name] = None
        if raw:
            try:
                dates[name] = datetime.fromisoformat(str(raw))
            except ValueError:
                problems[name] = "must be a date like 2026-01-31 or an ISO 8601 date and time."
    if problems:
        raise Invalid(problems)
    return ExportFilter(
        articles=tuple(articles),
        verdicts=verdicts,
        reviewers=many("reviewer"),
        since=dates["since"],
        until=dates["until"],
    )


def article_data(article: Article) -> dict[str, Any]:
    """The article's exported fields (without sentences)."""
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        "url": article.url,
        "outlet": article.outlet,
        "author": article.author,
        "published_at": article.published_at,
        "language": article.language,
        "created_at": article.created_at.isoformat(),
    }


def sentence_data(sentence: Sentence, text: str) -> dict[str, Any]:
    """The sentence's exported fields, its text sliced from the article's."""
    return {
        "id": sentence.id,
        "index": sentence.index,
        "paragraph": sentence.paragraph,
        "start": sentence.start,
        "end": sentence.end,
        "text": text[sentence.start : sentence.end],
    }


def export_records(flt: ExportFilter, *, viewer: User) -> Iterator[ExportRecord]:
    """Annotations matching the filter that the viewer may see, article by article."""
    query = (
        db.select(Annotation)
        .join(Sentence, Annotation.sentence_id == Sentence.id)
        .join(Article, Sentence.article_id == Article.id)
        .where(visible_to(viewer), Article.deleted_at.is_(None))
        .options(
            contains_eager(Annotation.sentence),
            selectinload(Annotation.links),
            selectinload(Annotation.reviewer),
        )
        .order_by(Article.id, Sentence.index, Annotation.id)
        .execution_options(yield_per=500)
    )
    if flt.articles:
        query = query.where(Article.id.in_(flt.articles))
    if flt.verdicts:
        query = query.where(Annotation.verdict.in_(flt.verdicts))
    if flt.reviewers:
        query = query.where(Annotation.reviewer.has(User.username.in_(flt.reviewers)))
    if flt.since:
        query = query.where(Annotation.updated_at >= flt.since)
    if flt.until:
        query = query.where(Annotation.updated_at <= flt.until)

    article_id = None
    article: dict[str, Any] = {}
    sentences: dict[int, dict[str, Any]] = {}
    for ann in db.session.scalars(query):
        first = ann.sentence.article_id != article_id
        if first:
            source = ann.sentence.article
            article_id = source.id
            article = article_data(source)
            sentences = {s.id: sentence_data(s, source.text) for s in source.sentences}
        yield ExportRecord(
            article=article,
            sentence=sentences[ann.sentence_id],
            annotation=annotation_state(ann),
            sentences=list(sentences.values()) if first else None,
        )


def export_chunks(format_name: str, flt: ExportFilter, *, viewer: User) -> Iterator[str]:
    """The export as text chunks, ready to stream."""
    return EXPORTERS[format_name].write(export_records(flt, viewer=viewer))


def check_format(format_name: str | None) -> str:
    """The format's name if we have it, else Invalid."""
    if format_name not in EXPORTERS:
        raise Invalid({"format": f"must be one of {', '.join(EXPORTERS)} (got {str(format_name)[:40]!r})."})
    return format_name
