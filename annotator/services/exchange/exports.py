"""Read annotations for export, filtered, as plain records the exporters format."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from flask import current_app

from annotator.exporters import (
    DEFAULT_OPTIONS,
    EXPORTERS,
    ExportFilter,
    ExportOptions,
    ExportRecord,
)
from annotator.extensions import db
from annotator.models import (
    Adjudication,
    Annotation,
    Article,
    EvidenceLink,
    Revision,
    Sentence,
    Source,
    SourceDomain,
    User,
)
from annotator.services.annotations.annotations import link_query, links_by_annotation, visible_to
from annotator.services.errors import Forbidden
from annotator.services.exchange.desk_exchange import desk_fields

# The parameters' parsers live in export_params; the doors reach them through this module too.
from annotator.services.exchange.export_params import check_format as check_format
from annotator.services.exchange.export_params import parse_filter as parse_filter
from annotator.services.exchange.export_params import parse_options as parse_options
from annotator.services.serialize import (
    adjudication_row,
    annotation_row,
    article_row,
    iso,
    iso_from_datetime,
    iso_from_sqlite,
    revision_row,
    sentence_row,
    source_row,
)


def export_records(
    flt: ExportFilter,
    *,
    viewer: User,
    all_articles: bool = False,
    revision_counts: bool = False,
    history: bool = False,
) -> Iterator[ExportRecord]:
    """Annotations matching the filter that the viewer may see, article by article.

    Streams in batches of BATCH rows: one query for the annotations, one per batch for their
    links (and revisions), two per article (its row and its sentences). Memory stays flat.
    With all_articles, articles in scope (the article filter, else every live article) that hold
    no matching annotation come as records without an annotation, in article id order.
    """
    columns = [
        Annotation.id,
        Annotation.sentence_id,
        Sentence.article_id,
        Annotation.span_start,
        Annotation.span_end,
        Annotation.verdict,
        Annotation.attributed_to,
        Annotation.note,
        Annotation.version,
        *_stamp_columns(Annotation.created_at, Annotation.updated_at),
        User.username,
        Annotation.matched_from_id,
    ]
    if revision_counts:
        columns.append(
            db.select(db.func.count(Revision.id))
            .where(Revision.entity == "annotation", Revision.entity_id == Annotation.id)
            .correlate(Annotation)
            .scalar_subquery()
        )
    query = (
        db.select(*columns)
        .select_from(Annotation)
        .join(Sentence, Annotation.sentence_id == Sentence.id)
        .join(Article, Sentence.article_id == Article.id)
        .join(User, Annotation.reviewer_id == User.id)
        .where(visible_to(viewer), Article.deleted_at.is_(None))
        .order_by(Sentence.article_id, Sentence.index, Annotation.id)
    )
    query = _filtered(query, flt)
    in_scope = iter(_articles_in_scope(flt) if all_articles else ())
    next_empty = next(in_scope, None)

    # Core rows on the session's connection: no ORM objects, no identity map to grow.
    connection = db.session.connection()
    stamp = iso_from_sqlite if connection.dialect.name == "sqlite" else iso_from_datetime
    loaded: dict[int, tuple[dict[str, Any], dict[int, dict[str, Any]]]] = {}
    article_id: int | None = None
    result = connection.execute(query.execution_options(yield_per=BATCH))
    for batch in result.partitions():
        ids = [row[0] for row in batch]
        links = _links_for(ids)
        revisions = _history_for(ids) if history else {}
        missing = {row[2] for row in batch} - set(loaded)
        loaded = {
            key: value for key, value in loaded.items() if key == article_id
        }  # only the current one
        loaded.update(_articles_with_sentences(sorted(missing), final_verdicts=viewer.is_admin))
        for (
            ann_id,
            sentence_id,
            art_id,
            span_start,
            span_end,
            verdict,
            attributed_to,
            note,
            version,
            created_at,
            updated_at,
            username,
            matched_from,
            *count,
        ) in batch:
            while next_empty is not None and next_empty < art_id:
                yield _empty_record(next_empty, final_verdicts=viewer.is_admin)
                next_empty = next(in_scope, None)
            if next_empty == art_id:
                next_empty = next(in_scope, None)
            first = art_id != article_id
            article_id = art_id
            article, sentences = loaded[art_id]
            yield ExportRecord(
                article=article,
                sentence=sentences[sentence_id],
                annotation=annotation_row(
                    ann_id,
                    sentence_id,
                    span_start,
                    span_end,
                    verdict,
                    attributed_to,
                    note,
                    links.get(ann_id, []),
                    matched_from,
                    username,
                    version,
                    stamp(created_at),
                    stamp(updated_at),
                ),
                sentences=list(sentences.values()) if first else None,
                revision_count=count[0] if count else None,
                history=revisions.get(ann_id, []) if history else None,
            )
    while next_empty is not None:
        yield _empty_record(next_empty, final_verdicts=viewer.is_admin)
        next_empty = next(in_scope, None)


BATCH = 1000  # rows per fetch; also the size of the IN (...) lists for links and revisions


def _filtered(query, flt: ExportFilter):
    if flt.articles:
        query = query.where(Sentence.article_id.in_(flt.articles))
    if flt.verdicts:
        query = query.where(Annotation.verdict.in_(flt.verdicts))
    if flt.reviewers:
        query = query.where(User.username.in_(flt.reviewers))
    if flt.credibility:
        query = query.where(
            db.select(EvidenceLink.id)
            .where(
                EvidenceLink.annotation_id == Annotation.id,
                EvidenceLink.credibility.in_(flt.credibility),
            )
            .exists()
        )
    if flt.adjudicated:
        query = query.where(
            db.select(Adjudication.id)
            .where(Adjudication.sentence_id == Annotation.sentence_id)
            .exists()
        )
    if flt.since:
        query = query.where(Annotation.updated_at >= flt.since)
    if flt.until:
        query = query.where(Annotation.updated_at <= flt.until)
    return query


def _articles_in_scope(flt: ExportFilter) -> list[int]:
    query = db.select(Article.id).where(Article.deleted_at.is_(None)).order_by(Article.id)
    if flt.articles:
        query = query.where(Article.id.in_(flt.articles))
    return list(db.session.scalars(query))


def _stamp_columns(*columns: Any) -> list[Any]:
    """Timestamps as stored. SQLite keeps text that datetime.fromisoformat reads far faster than
    SQLAlchemy's generic parser (a third of the export time at 100,000 rows)."""
    if db.session.connection().dialect.name == "sqlite":
        return [db.type_coerce(column, db.String) for column in columns]
    return list(columns)


def _articles_with_sentences(
    ids: list[int], *, final_verdicts: bool = True
) -> dict[int, tuple[dict[str, Any], dict[int, dict[str, Any]]]]:
    """Articles' exported fields and their sentences by id, in index order (three queries).

    With final_verdicts (admins' exports) each sentence carries its adjudication, else None:
    a reviewer who sees the desk's final verdict before judging a sentence no longer judges blind.
    """
    if not ids:
        return {}
    connection = db.session.connection()
    found: dict[int, tuple[dict[str, Any], dict[int, dict[str, Any]]]] = {}
    rows = connection.execute(
        db.select(
            Article.id,
            Article.title,
            Article.text,
            Article.url,
            Article.outlet,
            Article.author,
            Article.published_at,
            Article.language,
            Article.created_at,
            Article.external_id,
        ).where(Article.id.in_(ids))
    )
    for art_id, *columns, created_at, external_id in rows:
        found[art_id] = (article_row(art_id, *columns, created_at.isoformat(), external_id), {})
    sentences = connection.execute(
        db.select(
            Sentence.article_id,
            Sentence.id,
            Sentence.index,
            Sentence.paragraph,
            Sentence.start,
            Sentence.end,
        )
        .where(Sentence.article_id.in_(ids))
        .order_by(Sentence.article_id, Sentence.index)
    ).all()  # fetched at once: much faster than row by row
    adjudications = _adjudications_for(ids) if final_verdicts else {}
    if final_verdicts:  # admins' exports carry the desk: status and assignments
        for art_id, fields in desk_fields(ids).items():
            found[art_id][0].update(fields)
    for art_id, sentence_id, index, paragraph, start, end in sentences:
        data, by_id = found[art_id]
        by_id[sentence_id] = sentence_row(sentence_id, index, paragraph, start, end, data["text"])
        by_id[sentence_id]["adjudication"] = adjudications.get(sentence_id)
    return found


def _adjudications_for(article_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The final verdicts on these articles' sentences, by sentence id (one query)."""
    rows = db.session.execute(
        db.select(
            Adjudication.sentence_id,
            Adjudication.verdict,
            Adjudication.note,
            User.username,
            Adjudication.version,
            Adjudication.created_at,
            Adjudication.updated_at,
        )
        .join(Sentence, Adjudication.sentence_id == Sentence.id)
        .join(User, Adjudication.adjudicator_id == User.id)
        .where(Sentence.article_id.in_(article_ids))
    ).all()
    return {
        sentence_id: adjudication_row(
            verdict, note, username, version, created_at.isoformat(), updated_at.isoformat()
        )
        for sentence_id, verdict, note, username, version, created_at, updated_at in rows
    }


def _empty_record(article_id: int, *, final_verdicts: bool = True) -> ExportRecord:
    article, sentences = _articles_with_sentences([article_id], final_verdicts=final_verdicts)[
        article_id
    ]
    return ExportRecord(
        article=article, sentence=None, annotation=None, sentences=list(sentences.values())
    )


def _links_for(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not ids:
        return {}
    query = link_query().where(EvidenceLink.annotation_id.in_(ids))
    return links_by_annotation(db.session.connection().execute(query).all())  # fetched at once


def _history_for(
    ids: list[int] | None, entity: str = "annotation"
) -> dict[int, list[dict[str, Any]]]:
    """Revisions by entity id, oldest first: of these ids, or (None) of every such entity."""
    history: dict[int, list[dict[str, Any]]] = {}
    if ids is not None and not ids:
        return history
    which = Revision.entity_id.in_(ids) if ids is not None else db.true()
    rows = (
        db.session.connection()
        .execute(
            db.select(
                Revision.entity_id,
                Revision.action,
                User.username,
                Revision.created_at,
                Revision.before,
                Revision.after,
            )
            .outerjoin(User, Revision.actor_id == User.id)
            .where(Revision.entity == entity, which)
            .order_by(Revision.entity_id, Revision.id)
        )
        .all()
    )  # fetched at once: much faster than row by row
    for row in rows:
        history.setdefault(row.entity_id, []).append(
            revision_row(
                row.action, row.username, row.created_at.isoformat(), row.before, row.after
            )
        )
    return history


def registry_entries(*, history: bool = False) -> Iterator[dict[str, Any]]:
    """Every source registry entry, retired ones too, by id, as the JSON export lists them.

    A generator: nothing is read until the exporter asks, after the articles, so every source a
    link of the export names is already there. Three queries (four with history).
    """
    connection = db.session.connection()
    rated_by = db.aliased(User)
    rows = connection.execute(
        db.select(
            Source.id,
            Source.name,
            Source.credibility,
            Source.rationale,
            rated_by.username,
            Source.rated_at,
            Source.created_at,
            Source.updated_at,
            Source.retired_at,
        )
        .outerjoin(rated_by, Source.rated_by_id == rated_by.id)
        .order_by(Source.id)
    ).all()
    domains: dict[int, list[str]] = {}
    for source_id, domain in connection.execute(
        db.select(SourceDomain.source_id, SourceDomain.domain)
    ):
        domains.setdefault(source_id, []).append(domain)
    revisions = _history_for(None, entity="source") if history else {}
    for row in rows:
        entry = source_row(
            row.id,
            row.name,
            # sorted here, not by the database: PostgreSQL's collation may order them otherwise
            sorted(domains.get(row.id, [])),
            row.credibility,
            row.rationale,
            row.username,
            row.rated_at.isoformat(),
            row.created_at.isoformat(),
            row.updated_at.isoformat(),
            iso(row.retired_at),
        )
        if history:
            entry["history"] = revisions.get(row.id, [])
        yield entry


def export_chunks(
    format_name: str, flt: ExportFilter, *, viewer: User, options: ExportOptions = DEFAULT_OPTIONS
) -> Iterator[str]:
    """The export as text chunks, ready to stream."""
    if flt.adjudicated and not viewer.is_admin:  # checked before the first byte goes out
        raise Forbidden(
            "Only admins can filter by final verdicts; reviewers judge without seeing them."
        )
    exporter = EXPORTERS[format_name]
    records = export_records(
        flt,
        viewer=viewer,
        all_articles=(options.rows == "sentences" and exporter.name == "csv")
        or (options.all_articles and exporter.name == "json"),
        revision_counts="revision_count" in exporter.needs,
        history=options.include_history and "history" in exporter.needs,
    )
    if "publications" in exporter.needs:  # ClaimReview links to the public pages, by the desk
        from annotator.services.publishing import public_claims  # (publishing imports exports)

        options = replace(
            options,
            organisation=current_app.config["PUBLIC_NAME"],
            public_pages=public_claims(options.base_url),
        )
    if "sources" in exporter.needs:  # the JSON export carries the registry, for restoring
        sources = registry_entries(history=options.include_history)
        return exporter.write(records, options, sources=sources)
    return exporter.write(records, options)
