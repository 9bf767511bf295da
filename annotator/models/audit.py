"""Revision history: who changed what, when, with the state before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.extensions import db
from annotator.fields import limit
from annotator.models._types import UTCDateTime, utcnow
from annotator.models.user import User


class Revision(db.Model):
    __tablename__ = "revisions"
    __table_args__ = (Index("ix_revisions_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))  # "annotation", "article", "sentence", ...
    entity_id: Mapped[int]
    action: Mapped[str] = mapped_column(
        String(limit("revision", "action"))
    )  # create | update | delete | restore | ...
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()
