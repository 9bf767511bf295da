"""Articles and their sentences; offsets index into the article text as imported."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.extensions import db
from annotator.fields import limit
from annotator.models._types import UTCDateTime, utcnow


class Article(db.Model):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(limit("article", "title")))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(
        String(limit("article", "url")), index=True
    )  # duplicate check
    outlet: Mapped[str | None] = mapped_column(String(limit("article", "outlet")))
    author: Mapped[str | None] = mapped_column(String(limit("article", "author")))
    published_at: Mapped[str | None] = mapped_column(
        String(limit("article", "published_at"))
    )  # ISO 8601 date or datetime
    language: Mapped[str | None] = mapped_column(String(limit("article", "language")))
    external_id: Mapped[str | None] = mapped_column(
        String(limit("article", "external_id")), index=True
    )
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Indexed: the list counts live articles on every view, and SQLite keeps this column after the
    # text, in the row's overflow pages, so counting without the index read every article whole.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    sentences: Mapped[list[Sentence]] = relationship(
        back_populates="article", order_by="Sentence.index", cascade="all, delete-orphan"
    )

    sentence_count = None  # set by create_article to the number of sentences (not a column)


# The list's "by title" order pages by (lower(title), id): without this index every page sorted
# all the articles (140 ms a page with 100,000 of them).
Index("ix_articles_lower_title", func.lower(Article.title), Article.id)


class ArticleBucket(db.Model):
    """One LSH bucket of an article's text (annotator.text.near_duplicates): articles sharing a
    bucket are candidates for near-duplicates, found by this index instead of a scan."""

    __tablename__ = "article_buckets"
    __table_args__ = (Index("ix_article_buckets_bucket", "bucket"),)

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    band: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    bucket: Mapped[int] = mapped_column(BigInteger)


class Sentence(db.Model):
    __tablename__ = "sentences"
    __table_args__ = (
        UniqueConstraint("article_id", "position", name="uq_sentences_article_position"),
        CheckConstraint("start_offset >= 0 AND end_offset > start_offset", name="offsets"),
        Index("ix_sentences_article_start", "article_id", "start_offset"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column("position")
    paragraph: Mapped[int]
    start: Mapped[int] = mapped_column("start_offset")
    end: Mapped[int] = mapped_column("end_offset")

    article: Mapped[Article] = relationship(back_populates="sentences")

    @property
    def text(self) -> str:
        """The sentence is always a slice of its article, never a copy that could drift."""
        return self.article.text[self.start : self.end]
