"""An article's public fact-check: a frozen snapshot of its adjudicated verdicts, at a stable URL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.extensions import db
from annotator.models._types import UTCDateTime, utcnow
from annotator.models.article import Article


class Publication(db.Model):
    """One per article, kept after unpublishing so that republishing keeps the same URL."""

    __tablename__ = "publications"
    __table_args__ = (CheckConstraint("version >= 1", name="version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), unique=True
    )
    # The public address: a readable slug (listed) or an unguessable token (unlisted); never changes.
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    listed: Mapped[bool] = mapped_column(default=True)
    # What readers see: the verdicts, rationales, attributions and evidence as they were published.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    first_published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    article: Mapped[Article] = relationship()
    changes: Mapped[list[PublicationChange]] = relationship(
        back_populates="publication",
        order_by="PublicationChange.id",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def live(self) -> bool:
        return self.withdrawn_at is None


class PublicationChange(db.Model):
    """A line of the public changelog: what changed for readers when the page was updated."""

    __tablename__ = "publication_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publications.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    summary: Mapped[str] = mapped_column(Text)

    publication: Mapped[Publication] = relationship(back_populates="changes")
