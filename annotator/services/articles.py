"""Create, find, list and remove articles; segmentation happens here."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import insert
from sqlalchemy.orm import selectinload

from annotator.extensions import db
from annotator.models import Annotation, Article, Sentence, User
from annotator.models._types import utcnow
from annotator.services import audit
from annotator.services.errors import Duplicate, Invalid, NotFound
from annotator.services.validation import Problems
from annotator.text.segment import segment

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
    limit = current_app.config["MAX_ARTICLE_CHARS"]
    raw_text = data.get("text")
    clean: dict[str, Any] = {
        "title": problems.text("title", data.get("title"), required=True, limit=500),
        "url": problems.url("url", data.get("url")),
        "outlet": problems.text("outlet", data.get("outlet"), limit=200) or None,
        "author": problems.text("author", data.get("author"), limit=200) or None,
        "published_at": problems.iso_date("published_at", data.get("published_at")),
        "language": problems.text("language", data.get("language"), limit=16) or None,
        "external_id": problems.text("external_id", data.get("external_id"), limit=200) or None,
    }
    if not isinstance(raw_text, str) or not raw_text.strip():
        problems["text"] = "Text is required."
    elif len(raw_text) > limit:
        problems["text"] = f"Text is {len(raw_text):,} characters long; the limit is {limit:,}."
    elif "\x00" in raw_text:
        problems["text"] = "Text contains a NUL character; is this a binary file?"
    unknown = set(data) - set(ARTICLE_FIELDS) - {"force"}
    for name in sorted(unknown):
        problems[name] = "is not a field of an article."
    if problems:
        raise Invalid(problems)
    clean["text"] = raw_text  # stored exactly as given: offsets index into it
    return clean


def find_duplicate(fields: dict[str, Any], text_hash: str | None = None) -> Article | None:
    """An existing article with the same text, URL or external id."""
    conditions = [Article.content_hash == (text_hash or content_hash(fields["text"]))]
    if fields.get("url"):
        conditions.append(Article.url == fields["url"])
    if fields.get("external_id"):
        conditions.append(Article.external_id == fields["external_id"])
    return db.session.scalar(
        db.select(Article).where(Article.deleted_at.is_(None), db.or_(*conditions)).limit(1)
    )


def create_article(data: dict[str, Any], *, actor: User | None, force: bool = False) -> Article:
    """Validate, refuse duplicates unless forced, segment and add an article with its sentences."""
    fields = clean_article_fields(data)
    text_hash = content_hash(fields["text"])
    if not force:
        existing = find_duplicate(fields, text_hash)
        if existing is not None:
            raise Duplicate(
                f"This article is already here as #{existing.id} “{existing.title}”.",
                existing_id=existing.id,
            )
    spans = segment(fields["text"])
    if not spans:
        raise Invalid({"text": "Text has no sentences."})
    article = Article(**fields, content_hash=text_hash, imported_by_id=actor.id if actor else None)
    db.session.add(article)
    db.session.flush()
    # One multi-row INSERT instead of a statement per sentence: imports are dominated by this.
    db.session.execute(
        insert(Sentence),
        [
            {
                "article_id": article.id,
                "index": i,
                "paragraph": span.paragraph,
                "start": span.start,
                "end": span.end,
            }
            for i, span in enumerate(spans)
        ],
    )
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


@dataclass(frozen=True)
class ArticleRow:
    """One line of the article list."""

    article: Article
    sentences: int
    reviewed: int  # sentences with at least one annotation visible to the viewer
    mine: int  # sentences the viewer annotated

    @property
    def percent(self) -> int:
        return round(100 * self.reviewed / self.sentences) if self.sentences else 0


SORTS = {
    "newest": (Article.id.desc(),),
    "oldest": (Article.id.asc(),),
    "title": (db.func.lower(Article.title), Article.id),
}


def list_articles(
    *, viewer: User, search: str = "", sort: str = "newest", limit: int = 200, offset: int = 0
) -> list[ArticleRow]:
    """Articles with review progress, in three queries. ``sort``: newest, oldest, title, or progress
    (the viewer's least-reviewed first; applied to the page of rows fetched)."""
    query = db.select(Article).where(Article.deleted_at.is_(None))
    if search:
        like = f"%{search.strip()}%"
        query = query.where(db.or_(Article.title.ilike(like), Article.outlet.ilike(like)))
    order = SORTS.get(sort, SORTS["newest"])
    articles = list(db.session.scalars(query.order_by(*order).limit(limit).offset(offset)))
    ids = [a.id for a in articles]
    if not ids:
        return []
    totals = dict(
        db.session.execute(
            db.select(Sentence.article_id, db.func.count())
            .where(Sentence.article_id.in_(ids))
            .group_by(Sentence.article_id)
        ).all()
    )
    live = (
        db.select(Sentence.article_id, Annotation.sentence_id, Annotation.reviewer_id)
        .join(Annotation)
        .where(Sentence.article_id.in_(ids), Annotation.deleted_at.is_(None))
    )
    reviewed: dict[int, set[int]] = {}
    mine: dict[int, set[int]] = {}
    for article_id, sentence_id, reviewer_id in db.session.execute(live):
        if viewer.is_admin or reviewer_id == viewer.id:
            reviewed.setdefault(article_id, set()).add(sentence_id)
        if reviewer_id == viewer.id:
            mine.setdefault(article_id, set()).add(sentence_id)
    rows = [
        ArticleRow(a, totals.get(a.id, 0), len(reviewed.get(a.id, ())), len(mine.get(a.id, ())))
        for a in articles
    ]
    if sort == "progress":
        rows.sort(
            key=lambda row: (row.mine / row.sentences if row.sentences else 1, row.article.id)
        )
    return rows


def next_article_to_review(*, viewer: User) -> Article | None:
    """The oldest article in which the viewer has sentences left to review."""
    for row in list_articles(viewer=viewer, sort="oldest", limit=10_000):
        if row.mine < row.sentences:
            return row.article
    return None


def delete_article(article: Article, *, actor: User) -> None:
    """Soft-delete: the article disappears from lists but nothing is destroyed."""
    article.deleted_at = utcnow()
    audit.record(
        "article", article.id, "delete", actor=actor, before=article_summary(article), after=None
    )


METADATA_FIELDS = ("title", "url", "outlet", "author", "published_at", "language", "external_id")


def update_article(article: Article, changes: dict[str, Any], *, actor: User) -> Article:
    """Change an article's metadata (its text changes through segmentation.edit_text)."""
    unknown = sorted(set(changes) - set(METADATA_FIELDS))
    if unknown:
        raise Invalid({name: "is not a field of an article you can change." for name in unknown})
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
