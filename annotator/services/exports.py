"""Read annotations for export, filtered, as plain records the exporters format."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

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
    Credibility,
    EvidenceLink,
    Revision,
    Sentence,
    Source,
    SourceDomain,
    User,
    Verdict,
)
from annotator.services.annotations import link_query, links_by_annotation, visible_to
from annotator.services.desk_exchange import desk_fields
from annotator.services.errors import Forbidden, Invalid


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
    credibility = many("credibility")
    bad = [c for c in credibility if c not in set(Credibility)]
    if bad:
        problems["credibility"] = f"must be high, medium, low or unknown (got {bad[0][:40]!r})."
    dates: dict[str, datetime | None] = {}
    for name in ("since", "until"):
        raw = params.get(name)
        if isinstance(raw, list | tuple):
            raw = next((item for item in raw if item), None)
        dates[name] = None
        if raw:
            try:
                dates[name] = datetime.fromisoformat(str(raw))
                if name == "until" and len(str(raw).strip()) == 10:  # a bare date: the whole day
                    dates[name] = datetime.combine(dates[name].date(), time.max)
            except ValueError:
                problems[name] = "must be a date like 2026-01-31 or an ISO 8601 date and time."
    adjudicated = params.get("adjudicated")
    if isinstance(adjudicated, list | tuple):
        adjudicated = next((item for item in adjudicated if item not in (None, "")), None)
    adjudicated = "" if adjudicated is None else str(adjudicated).strip().lower()
    if adjudicated not in ("", "0", "1", "true", "false", "yes", "no", "on", "off"):
        problems["adjudicated"] = f"must be 1 or 0 (got {adjudicated[:40]!r})."
    if problems:
        raise Invalid(problems)
    return ExportFilter(
        articles=tuple(articles),
        verdicts=verdicts,
        reviewers=many("reviewer"),
        credibility=credibility,
        since=dates["since"],
        until=dates["until"],
        adjudicated=adjudicated in ("1", "true", "yes", "on"),
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
    iso = _iso_from_text if connection.dialect.name == "sqlite" else _iso_from_datetime
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
                annotation={
                    "id": ann_id,
                    "sentence_id": sentence_id,
                    "span": None if span_start is None else {"start": span_start, "end": span_end},
                    "verdict": verdict,
                    "attributed_to": attributed_to,
                    "note": note,
                    "links": links.get(ann_id, []),
                    "reviewer": username,
                    "version": version,
                    "created_at": iso(created_at),
                    "updated_at": iso(updated_at),
                },
                sentences=list(sentences.values()) if first else None,
                revision_count=count[0] if count else None,
                history=revisions.get(ann_id, []) if history else None,
            )
    while next_empty is not None:
        yield _empty_record(next_empty, final_verdicts=viewer.is_admin)
        next_empty = next(in_scope, None)


BATCH = 1000  # rows per fetch; also the size of the IN (...) lists for links and revisions


def _filtered(query, flt: ExportFilter):  # noqa: ANN001, ANN202 - a Select
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


def _iso_from_text(value: str) -> str:
    """SQLite's "2026-01-02 03:04:05.678901" (UTC) as datetime.isoformat() gives it, aware."""
    if len(value) == 26 and value[10] == " " and value[19] == ".":  # SQLAlchemy's storage format
        micro = value[20:]
        return f"{value[:10]}T{value[11:19]}{'' if micro == '000000' else '.' + micro}+00:00"
    return datetime.fromisoformat(value).replace(tzinfo=UTC).isoformat()


def _iso_from_datetime(value: datetime) -> str:
    return value.isoformat()


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
    for (
        art_id,
        title,
        text,
        url,
        outlet,
        author,
        published_at,
        language,
        created_at,
        external_id,
    ) in rows:
        data = {
            "id": art_id,
            "title": title,
            "text": text,
            "url": url,
            "outlet": outlet,
            "author": author,
            "published_at": published_at,
            "language": language,
            "created_at": created_at.isoformat(),
            "external_id": external_id,
        }
        found[art_id] = (data, {})
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
        by_id[sentence_id] = {
            "id": sentence_id,
            "index": index,
            "paragraph": paragraph,
            "start": start,
            "end": end,
            "text": data["text"][start:end],
            "adjudication": adjudications.get(sentence_id),
        }
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
        sentence_id: {
            "verdict": str(verdict),
            "note": note,
            "adjudicator": username,
            "version": version,
            "created_at": created_at.isoformat(),
            "updated_at": updated_at.isoformat(),
        }
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
            {
                "action": row.action,
                "actor": row.username,
                "created_at": row.created_at.isoformat(),
                "before": row.before,
                "after": row.after,
            }
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
        entry = {
            "id": row.id,
            "name": row.name,
            # sorted here, not by the database: PostgreSQL's collation may order them otherwise
            "domains": sorted(domains.get(row.id, [])),
            "credibility": str(row.credibility),
            "rationale": row.rationale,
            "rated_by": row.username,
            "rated_at": row.rated_at.isoformat(),
            "created_at": row.created_at.isoformat(),
            "updated_at": row.updated_at.isoformat(),
            "retired_at": row.retired_at.isoformat() if row.retired_at else None,
        }
        if history:
            entry["history"] = revisions.get(row.id, [])
        yield entry


def parse_options(
    params: dict[str, Any], *, base_url: str = DEFAULT_OPTIONS.base_url
) -> ExportOptions:
    """Build ExportOptions from query or CLI parameters; raise Invalid naming bad ones."""
    problems: dict[str, str] = {}

    def one(name: str) -> str:
        value = params.get(name)
        if isinstance(value, list | tuple):
            value = next((item for item in value if item not in (None, "")), None)
        return "" if value is None else str(value).strip().lower()

    def flag(name: str) -> bool:
        value = one(name)
        if value in ("", "0", "false", "no", "off"):
            return False
        if value in ("1", "true", "yes", "on"):
            return True
        problems[name] = f"must be 1 or 0 (got {value[:40]!r})."
        return False

    rows = one("rows") or "annotations"
    if rows not in ("annotations", "sentences"):
        problems["rows"] = f"must be annotations or sentences (got {rows[:40]!r})."
    options = ExportOptions(
        rows=rows,
        bom=flag("bom"),
        include_history=flag("include_history"),
        all_articles=flag("all_articles"),
        base_url=base_url if base_url.endswith("/") else base_url + "/",
    )
    if problems:
        raise Invalid(problems)
    return options


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
    if "sources" in exporter.needs:  # the JSON export carries the registry, for restoring
        sources = registry_entries(history=options.include_history)
        return exporter.write(records, options, sources=sources)
    return exporter.write(records, options)


def check_format(format_name: str | None) -> str:
    """The format's name if we have it, else Invalid."""
    if format_name not in EXPORTERS:
        raise Invalid(
            {"format": f"must be one of {', '.join(EXPORTERS)} (got {str(format_name)[:40]!r})."}
        )
    return format_name
