"""A reviewer's judgement of one claim, with its evidence links."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.enums import Credibility, RatingOrigin, Stance, Verdict
from annotator.extensions import db
from annotator.fields import limit
from annotator.models._types import UTCDateTime, check_in, enum_column, utcnow
from annotator.models.article import Sentence
from annotator.models.user import User

if TYPE_CHECKING:
    from annotator.models.source import Source


class Annotation(db.Model):
    __tablename__ = "annotations"
    __table_args__ = (
        CheckConstraint(check_in("verdict", Verdict), name="verdict"),
        CheckConstraint(
            "(span_start IS NULL AND span_end IS NULL) OR "
            "(span_start IS NOT NULL AND span_end IS NOT NULL AND span_start < span_end)",
            name="span",
        ),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_annotations_sentence_reviewer", "sentence_id", "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sentence_id: Mapped[int] = mapped_column(ForeignKey("sentences.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    span_start: Mapped[int | None]
    span_end: Mapped[int | None]
    verdict: Mapped[Verdict] = mapped_column(enum_column(Verdict))
    attributed_to: Mapped[str] = mapped_column(
        String(limit("annotation", "attributed_to")), default=""
    )
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when an edit of the article's text left this claim's words nowhere to be found: the
    # annotation is kept (on the nearest sentence) and listed for an admin to re-place.
    lost_quote: Mapped[str | None] = mapped_column(Text)
    # The earlier annotation this one was copied from in "Seen before" (docs/matching.md):
    # provenance, so no foreign key; the id stays when that annotation is deleted.
    matched_from_id: Mapped[int | None] = mapped_column(index=True)

    sentence: Mapped[Sentence] = relationship()
    reviewer: Mapped[User] = relationship()
    links: Mapped[list[EvidenceLink]] = relationship(
        back_populates="annotation", order_by="EvidenceLink.position", cascade="all, delete-orphan"
    )

    # The database refuses an UPDATE whose version moved underneath us (StaleDataError).
    __mapper_args__ = {"version_id_col": version}


class EvidenceLink(db.Model):
    __tablename__ = "evidence_links"
    __table_args__ = (
        CheckConstraint(check_in("credibility", Credibility), name="credibility"),
        CheckConstraint(f"stance IS NULL OR {check_in('stance', Stance)}", name="stance"),
        CheckConstraint(check_in("credibility_source", RatingOrigin), name="credibility_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    annotation_id: Mapped[int] = mapped_column(
        ForeignKey("annotations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    url: Mapped[str] = mapped_column(String(limit("link", "url")))
    title: Mapped[str] = mapped_column(String(limit("link", "title")), default="")
    credibility: Mapped[Credibility] = mapped_column(enum_column(Credibility))
    stance: Mapped[Stance | None] = mapped_column(enum_column(Stance))
    # The rating is a snapshot: later registry changes never rewrite a saved link.
    credibility_source: Mapped[RatingOrigin] = mapped_column(
        enum_column(RatingOrigin),
        default=RatingOrigin.REVIEWER,
        server_default=RatingOrigin.REVIEWER.value,
    )
    override_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), index=True
    )

    annotation: Mapped[Annotation] = relationship(back_populates="links")
    source: Mapped[Source | None] = relationship(lazy="joined")
