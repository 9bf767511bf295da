"""One shape per record: article, sentence, annotation, link, adjudication, source, revision and
the user who wrote it, as plain data.

Each entity has two forms side by side: ``*_row`` builds the shape from plain column values (the
exports and the page read models read rows, not ORM objects, for speed) and ``*_data`` from a
loaded ORM object (the API, revisions). The ORM form calls the row form, so the two cannot drift.
Times are ISO 8601 strings; enums are their plain values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from annotator.models import Adjudication, Annotation, Article, EvidenceLink, Source, User


def user_ref(user: User | None) -> str | None:
    """A user as records name them: the username (None for no one)."""
    return user.username if user is not None else None


def iso(value: datetime | None) -> str | None:
    """A stored time as ISO 8601 with its offset (None stays None)."""
    return value.isoformat() if value is not None else None


def iso_from_sqlite(value: str) -> str:
    """SQLite's "2026-01-02 03:04:05.678901" (UTC) as datetime.isoformat() gives it, aware."""
    if len(value) == 26 and value[10] == " " and value[19] == ".":  # SQLAlchemy's storage format
        micro = value[20:]
        return f"{value[:10]}T{value[11:19]}{'' if micro == '000000' else '.' + micro}+00:00"
    return datetime.fromisoformat(value).replace(tzinfo=UTC).isoformat()


def iso_from_datetime(value: datetime) -> str:
    """A time PostgreSQL returned (aware) as ISO 8601."""
    return value.isoformat()


def span_data(start: int | None, end: int | None) -> dict[str, int] | None:
    """A claim's span inside its sentence's article text, or None for the whole sentence."""
    return None if start is None else {"start": start, "end": end}  # type: ignore[dict-item]


# ---- article -------------------------------------------------------------------------------


def article_row(
    id: int,
    title: str,
    text: str,
    url: str | None,
    outlet: str | None,
    author: str | None,
    published_at: str | None,
    language: str | None,
    created_at: str,
    external_id: str | None,
) -> dict[str, Any]:
    """An article's fields (without its sentences) from column values."""
    return {
        "id": id,
        "title": title,
        "text": text,
        "url": url,
        "outlet": outlet,
        "author": author,
        "published_at": published_at,
        "language": language,
        "created_at": created_at,
        "external_id": external_id,
    }


def article_data(article: Article) -> dict[str, Any]:
    """An article's fields (without its sentences)."""
    return article_row(
        article.id,
        article.title,
        article.text,
        article.url,
        article.outlet,
        article.author,
        article.published_at,
        article.language,
        article.created_at.isoformat(),
        article.external_id,
    )


# ---- sentence ------------------------------------------------------------------------------


def sentence_row(
    id: int,
    index: int,
    paragraph: int,
    start: int,
    end: int,
    text: str,
) -> dict[str, Any]:
    """A sentence from column values; ``text`` is the article's, sliced here."""
    return {
        "id": id,
        "index": index,
        "paragraph": paragraph,
        "start": start,
        "end": end,
        "text": text[start:end],
    }


# ---- evidence link -------------------------------------------------------------------------


def link_row(
    url: str,
    title: str,
    credibility: str,
    stance: str | None,
    credibility_source: str,
    override_reason: str,
    source: str | None,
) -> dict[str, Any]:
    """An evidence link from column values; ``source`` is its registry entry's name."""
    return {
        "url": url,
        "title": title,
        "credibility": str(credibility),
        "stance": str(stance) if stance else None,
        "credibility_source": str(credibility_source),
        "override_reason": override_reason,
        "source": source,
    }


def link_data(link: EvidenceLink) -> dict[str, Any]:
    """An evidence link, with where its rating came from."""
    return link_row(
        link.url,
        link.title,
        link.credibility,
        link.stance,
        link.credibility_source,
        link.override_reason,
        link.source.name if link.source else None,
    )


# ---- annotation ----------------------------------------------------------------------------


def annotation_row(
    id: int,
    sentence_id: int,
    span_start: int | None,
    span_end: int | None,
    verdict: str,
    attributed_to: str,
    note: str,
    links: list[dict[str, Any]],
    matched_from: int | None,
    reviewer: str | None,
    version: int,
    created_at: str,
    updated_at: str,
) -> dict[str, Any]:
    """An annotation from column values, its links already shaped by link_row."""
    return {
        "id": id,
        "sentence_id": sentence_id,
        "span": span_data(span_start, span_end),
        "verdict": str(verdict),
        "attributed_to": attributed_to,
        "note": note,
        "links": links,
        "matched_from": matched_from,
        "reviewer": reviewer,
        "version": version,
        "created_at": created_at,
        "updated_at": updated_at,
    }


def annotation_data(ann: Annotation) -> dict[str, Any]:
    """An annotation: what revisions store, the API returns and the export writes."""
    return annotation_row(
        ann.id,
        ann.sentence_id,
        ann.span_start,
        ann.span_end,
        ann.verdict,
        ann.attributed_to,
        ann.note,
        [link_data(link) for link in ann.links],
        ann.matched_from_id,
        user_ref(ann.reviewer),
        ann.version,
        ann.created_at.isoformat(),
        ann.updated_at.isoformat(),
    )


# ---- adjudication (a sentence's final verdict) ----------------------------------------------


def adjudication_row(
    verdict: str, note: str, adjudicator: str | None, version: int, created_at: str, updated_at: str
) -> dict[str, Any]:
    """A final verdict as the export lists it under its sentence, from column values."""
    return {
        "verdict": str(verdict),
        "note": note,
        "adjudicator": adjudicator,
        "version": version,
        "created_at": created_at,
        "updated_at": updated_at,
    }


def adjudication_data(adj: Adjudication) -> dict[str, Any]:
    """A final verdict with its own and its sentence's id: what revisions store, the API returns."""
    return {
        "id": adj.id,
        "sentence_id": adj.sentence_id,
        **adjudication_row(
            adj.verdict,
            adj.note,
            user_ref(adj.adjudicator),
            adj.version,
            adj.created_at.isoformat(),
            adj.updated_at.isoformat(),
        ),
    }


# ---- source registry entry -----------------------------------------------------------------


def source_row(
    id: int,
    name: str,
    domains: list[str],
    credibility: str,
    rationale: str,
    rated_by: str | None,
    rated_at: str,
    created_at: str,
    updated_at: str,
    retired_at: str | None,
) -> dict[str, Any]:
    """A registry entry from column values and its domains."""
    return {
        "id": id,
        "name": name,
        "domains": domains,
        "credibility": str(credibility),
        "rationale": rationale,
        "rated_by": rated_by,
        "rated_at": rated_at,
        "created_at": created_at,
        "updated_at": updated_at,
        "retired_at": retired_at,
    }


def source_data(source: Source) -> dict[str, Any]:
    """A registry entry: what revisions store, the API returns and the export writes."""
    return source_row(
        source.id,
        source.name,
        source.domain_names,
        source.credibility,
        source.rationale,
        user_ref(source.rated_by),
        source.rated_at.isoformat(),
        source.created_at.isoformat(),
        source.updated_at.isoformat(),
        iso(source.retired_at),
    )


# ---- revision ------------------------------------------------------------------------------


def revision_row(
    action: str,
    actor: str | None,
    created_at: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> dict[str, Any]:
    """One revision of a record's history, from column values."""
    return {
        "action": action,
        "actor": actor,
        "created_at": created_at,
        "before": before,
        "after": after,
    }
