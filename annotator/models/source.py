"""The source registry: outlets and their domains, each with a credibility rating and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.enums import Credibility
from annotator.extensions import db
from annotator.fields import DOMAIN, limit
from annotator.models._types import UTCDateTime, check_in, enum_column, utcnow
from annotator.models.user import User


class Source(db.Model):
    """An outlet (or any publisher of evidence) rated once and reused for every link to it."""

    __tablename__ = "sources"
    __table_args__ = (CheckConstraint(check_in("credibility", Credibility), name="credibility"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(limit("source", "name")), unique=True)
    credibility: Mapped[Credibility] = mapped_column(enum_column(Credibility))
    rationale: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    rated_by: Mapped[User | None] = relationship()
    domains: Mapped[list[SourceDomain]] = relationship(
        back_populates="source",
        order_by="SourceDomain.domain",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    @property
    def domain_names(self) -> list[str]:
        return [d.domain for d in self.domains]


class SourceDomain(db.Model):
    """One domain (punycode, lower case) of a source; a rating on it covers its subdomains."""

    __tablename__ = "source_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    domain: Mapped[str] = mapped_column(String(DOMAIN.limit), unique=True)

    source: Mapped[Source] = relationship(back_populates="domains")
