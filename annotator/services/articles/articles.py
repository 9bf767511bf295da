"""Create, find, list and remove articles; segmentation happens here."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Row
from sqlalchemy.orm import selectinload

from annotator import uow
from annotator.extensions import db
from annotator.fields import limit
from annotator.importers import TITLE_LIMIT
from annotator.importers.text_format import first_line
from annotator.locales import number
from annotator.models import Article, ArticleBucket, Sentence, User
from annotator.models._types import utcnow
from annotator.services import audit, guards, search
from annotator.services.errors import Duplicate, Invalid, NotFound
from annotator.services.validation import Problems
from annotator.text import near_duplicates
from annotator.text.language import detect_language, is_language_code, segmenting_language
from annotator.text.segment import Span, segment

ARTICLE_FIELDS = (
    "title",
    "text",
    "url",
    "outlet",
    "author",
    "published_at",
    "language",
    "external_id",
)


def content_hash(text: str) -> str:
    """Hash of the text with Unicode, case and whitespace differences removed."""
    normal = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().casefold()
    return hashlib.sha256(normal.encode()).hexdigest()


def clean_article_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Check the fields of a new article; raise Invalid naming each bad one."""
    problems = Problems()
    text_limit = current_app.config["MAX_ARTICLE_CHARS"]
    raw_text = data.get("text")
    clean: dict[str, Any] = {
        "title": problems.text("title", data.get("title"), required=True, limit=TITLE_LIMIT),
        "url": problems.url("url", data.get("url")),
        "outlet": problems.text("outlet", data.get("outlet"), limit=limit("article", "outlet"))
        or None,
        "author": problems.text("author", data.get("author"), limit=limit("article", "author"))
        or None,
        "published_at": problems.iso_date("published_at", data.get("published_at")),
        "language": problems.text(
            "language", data.get("language"), limit=limit("article", "language")
        )
        or None,
        "external_id": problems.text(
            "external_id", data.get("external_id"), limit=limit("article", "external_id")
        )
        or None,
    }
    if clean["language"] is not None and not is_language_code(clean["language"]):
        problems["language"] = _("Language must be a language code such as en, es, uk or pt-BR.")
    if not isinstance(raw_text, str) or not raw_text.strip():
        problems["text"] = _("Text is required.")
    elif len(raw_text) > text_limit:
        problems["text"] = _(
            "Text is %(length)s characters long; the limit is %(limit)s.",
            length=number(len(raw_text)),
            limit=number(text_limit),
        )
    elif "\x00" in raw_text:
        problems["text"] = "Text contains a NUL character; is this a binary file?"
    problems.update(
        guards.unknown_fields(data, {*ARTICLE_FIELDS, "force"}, "is not a field of an article.")
    )
    if problems:
        raise Invalid(problems)
    clean["text"] = raw_text  # stored exactly as given: offsets index into it
    if (
        clean["language"] is None
    ):  # not given: detected, or left unknown when the detector is unsure
        clean["language"] = detect_language(raw_text)
    return clean


# Built once (every imported article asks); a URL or external id that is None matches nothing.
# Deleted articles are skipped here, not in SQL: with "deleted_at IS NULL" in the WHERE clause
# SQLite walked the index of live articles (every article, at each import) instead of the three
# indexes that find the few candidates.
_DUPLICATES = db.select(Article.id, Article.title, Article.deleted_at).where(
    db.or_(
        Article.content_hash == db.bindparam("content_hash"),
        Article.url == db.bindparam("url"),
        Article.external_id == db.bindparam("external_id"),
    )
)


def find_duplicate(fields: dict[str, Any], text_hash: str | None = None) -> Row[Any] | None:
    """The id and title of an existing article with the same text, URL or external id."""
    candidates = uow.execute(
        _DUPLICATES,
        {
            "content_hash": text_hash or content_hash(fields["text"]),
            "url": fields.get("url") or None,
            "external_id": fields.get("external_id") or None,
        },
    )
    return next((row for row in candidates if row.deleted_at is None), None)


# With RETURNING, SQLAlchemy sends many rows as one multi-row INSERT on every database
# ("insertmanyvalues"); the ids it returns are not needed, so neither is their order (asking for
# it makes SQLAlchemy go back to a row at a time on SQLite).
_INSERT_SENTENCES = db.insert(Sentence.__table__).returning(Sentence.__table__.c.id)


def sentence_values(article_id: int, position: int, span: Span) -> dict[str, int]:
    """The row of a new sentence at ``position``, from a segmenter's span."""
    return {
        "article_id": article_id,
        "position": position,
        "paragraph": span.paragraph,
        "start_offset": span.start,
        "end_offset": span.end,
    }


def insert_sentences(rows: list[dict[str, Any]]) -> None:
    """Store new sentences' rows in one multi-row INSERT (up to 1,000 rows a statement), not a
    statement a row: SQLite's full-text index (the search index's triggers) writes what it
    gathered at the end of every statement, so a statement a row wrote, and every few rows merged,
    its index a row at a time, twice the cost of the whole insert (104 -> 53 ms for 1,000
    sentences, 2.2 -> 0.8 ms for 40). Core rows, not the ORM's bulk INSERT: that spent ~90 µs a
    row mapping attribute names to columns. Their ids come in the rows' order."""
    uow.execute(_INSERT_SENTENCES, rows).close()


def with_title(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields, with the text's first line as the title when none is given (a line too long to
    be a title is refused by the article service, like any other title, not cut short)."""
    clean = dict(fields)
    if not str(clean.get("title") or "").strip() and isinstance(clean.get("text"), str):
        clean["title"] = first_line(clean["text"])[1]
    return clean


@dataclass(frozen=True)
class NearDuplicate:
    """A live article whose wording the new text mostly shares (text.near_duplicates)."""

    id: int
    title: str
    shared: float  # the share of the shorter text's shingles found in the other

    @property
    def message(self) -> str:
        return _(
            "This article is nearly the same as #%(id)s “%(title)s” "
            "(%(percent)s%% of the shorter one's wording is in the other): the "
            "same story trimmed, with its address added, or pasted once and uploaded once. "
            "Import it anyway only if it is a different story.",
            id=self.id,
            title=self.title,
            percent=round(100 * self.shared),
        )


# Built once: every imported article asks (building them cost more than running them). The
# bucket list is always BANDS long, so uow.run compiles the lookup once.
_SHARED_BUCKETS = db.select(ArticleBucket.article_id).where(
    ArticleBucket.bucket.in_(db.bindparam("buckets", expanding=True))
)
_NEAR_CANDIDATES = db.select(Article.id, Article.title, Article.text).where(
    Article.id.in_(db.bindparam("ids", expanding=True)), Article.deleted_at.is_(None)
)
_DELETE_BUCKETS = db.delete(ArticleBucket).where(ArticleBucket.article_id == db.bindparam("id"))
_INSERT_BUCKET = db.insert(ArticleBucket.__table__)


def find_near_duplicate(text: str) -> NearDuplicate | None:
    """The live article most like ``text`` above the containment threshold, if any: candidates
    share an LSH bucket (one indexed query), each is then checked on its shingles."""
    mine, mine_buckets = near_duplicates.fingerprint(text)
    if len(mine) < near_duplicates.MIN_SHINGLES or not mine_buckets:
        return None
    # The bucket index alone, counted here: joined to the articles or grouped in SQL, SQLite walked
    # every article's buckets instead (30 ms with 2,000 articles).
    shared = Counter(row[0] for row in uow.run(_SHARED_BUCKETS, {"buckets": mine_buckets}).all())
    if not shared:  # the usual case: no article shares a bucket, so there is nothing to read
        return None
    candidates = [article_id for article_id, _n in shared.most_common(20)]
    best: NearDuplicate | None = None
    for article_id, title, other in uow.run(_NEAR_CANDIDATES, {"ids": candidates}).all():
        shared = near_duplicates.containment(mine, near_duplicates.shingles(other))
        if shared >= near_duplicates.CONTAINMENT and (best is None or shared > best.shared):
            best = NearDuplicate(article_id, title, shared)
    return best


def store_buckets(article_id: int, text: str, *, new: bool = False) -> None:
    """Record the article's near-duplicate buckets (again, after its text changed; a ``new``
    article has none to replace)."""
    if not new:
        uow.run(_DELETE_BUCKETS, {"id": article_id})
    values = [
        {"article_id": article_id, "band": band, "bucket": bucket}
        for band, bucket in enumerate(near_duplicates.fingerprint(text)[1])
    ]
    if values:
        uow.run(_INSERT_BUCKET, values)


def create_article(data: dict[str, Any], *, actor: User | None, force: bool = False) -> Article:
    """Validate, refuse duplicates and near-duplicates unless forced, segment and add an article
    with its sentences.

    With no title (none sent, or null) the text's first line is the title; a blank one is refused."""
    fields = clean_article_fields(with_title(data) if data.get("title") is None else data)
    text_hash = content_hash(fields["text"])
    if not force:
        existing = find_duplicate(fields, text_hash)
        if existing is not None:
            raise Duplicate(
                _(
                    "This article is already here as #%(id)s “%(title)s”.",
                    id=existing.id,
                    title=existing.title,
                ),
                existing_id=existing.id,
            )
        near = find_near_duplicate(fields["text"])
        if near is not None:
            raise Duplicate(near.message, existing_id=near.id)
    spans = segment(fields["text"], language=segmenting_language(fields["language"]))
    if not spans:
        raise Invalid({"text": _("Text has no sentences.")})
    article = Article(**fields, content_hash=text_hash, imported_by_id=actor.id if actor else None)
    db.session.add(article)
    db.session.flush()
    store_buckets(article.id, fields["text"], new=True)
    search.note_language(article.language)
    insert_sentences([sentence_values(article.id, i, span) for i, span in enumerate(spans)])
    audit.record(
        "article",
        article.id,
        "create",
        actor=actor,
        before=None,
        after=article_summary(article, len(spans)),
    )
    article.sentence_count = len(spans)  # for callers' messages, without loading the sentences
    return article


def article_summary(article: Article, sentences: int | None = None) -> dict[str, Any]:
    """The article's fields for revisions (text by hash, not copied)."""
    return {
        "title": article.title,
        "url": article.url,
        "outlet": article.outlet,
        "author": article.author,
        "published_at": article.published_at,
        "language": article.language,
        "content_hash": article.content_hash,
        "sentences": len(article.sentences) if sentences is None else sentences,
    }


def get_article(article_id: int) -> Article:
    """A live article, or NotFound."""
    article = db.session.get(Article, article_id)
    if article is None or article.deleted_at is not None:
        raise NotFound(f"There is no article #{article_id}.")
    return article


def load_article(article_id: int) -> Article:
    """An article with its sentences loaded in one extra query."""
    article = db.session.scalar(
        db.select(Article)
        .where(Article.id == article_id, Article.deleted_at.is_(None))
        .options(selectinload(Article.sentences))
    )
    if article is None:
        raise NotFound(f"There is no article #{article_id}.")
    return article


_SENTENCE_ROWS = (
    db.select(Sentence.id, Sentence.index, Sentence.paragraph, Sentence.start, Sentence.end)
    .where(Sentence.article_id == db.bindparam("article_id"))
    .order_by(Sentence.index)
)


def sentence_rows(article: Article) -> list[tuple[int, int, int, int, int]]:
    """The article's sentences as (id, index, paragraph, start, end), in order: from its loaded
    sentences, or read in one query without making them ORM objects (an article just imported
    through the API answers with its 1,000 sentences: loading them cost as much as storing them)."""
    if "sentences" in article.__dict__:
        return [(s.id, s.index, s.paragraph, s.start, s.end) for s in article.sentences]
    return uow.run(_SENTENCE_ROWS, {"article_id": article.id}).all()


def delete_article(article: Article, *, actor: User) -> None:
    """Soft-delete: the article disappears from lists but nothing is destroyed."""
    article.deleted_at = utcnow()
    audit.record(
        "article", article.id, "delete", actor=actor, before=article_summary(article), after=None
    )


METADATA_FIELDS = ("title", "url", "outlet", "author", "published_at", "language", "external_id")


def set_fields(article: Article, changes: dict[str, Any], *, actor: User) -> Article:
    """Change an article's metadata, a step of boundaries.update_article (the one entry point,
    which also re-splits the text when the language changes and edits the text)."""
    guards.refuse_unknown(changes, METADATA_FIELDS, "is not a field of an article you can change.")
    merged = {name: getattr(article, name) for name in METADATA_FIELDS} | changes
    clean = clean_article_fields(merged | {"text": article.text})
    before = article_summary(article)
    for name in changes:
        setattr(article, name, clean[name])
    db.session.flush()
    audit.record(
        "article", article.id, "update", actor=actor, before=before, after=article_summary(article)
    )
    return article


_SENTENCE_IDS = db.select(Sentence.index, Sentence.id).where(
    Sentence.article_id == db.bindparam("article_id")
)


def insert_article(row: dict[str, Any], sentences: list[dict[str, Any]]) -> tuple[int, list[int]]:
    """Bulk path for loading an export: one already-checked article row and its sentences' rows
    (segmentation as exported, not redone); the article's id and its sentences' ids in order."""
    table = Article.__table__
    row = dict(row, content_hash=content_hash(row["text"]))
    article_id = db.session.execute(db.insert(table).returning(table.c.id), row).scalar_one()
    store_buckets(article_id, row["text"], new=True)
    if not sentences:
        return article_id, []
    # Then the ids by position: asking the INSERT for its ids in order made SQLAlchemy send a
    # statement a row on SQLite.
    insert_sentences([dict(sentence, article_id=article_id) for sentence in sentences])
    ids = dict(uow.run(_SENTENCE_IDS, {"article_id": article_id}).all())
    return article_id, [ids[sentence["position"]] for sentence in sentences]
