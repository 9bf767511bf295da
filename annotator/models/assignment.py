"""Running a desk: who reviews which article, where each article stands, and the desk's rules."""

from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.enums import Status
from annotator.extensions import db
from annotator.models._types import UTCDateTime, check_in, enum_column, utcnow
from annotator.models.article import Article
from annotator.models.user import User


class Priority(IntEnum):
    LOW = 0
    NORMAL = 1
    HIGH = 2
    URGENT = 3


class Assignment(db.Model):
    """An article given to one reviewer to judge, with an optional due date and a priority."""

    __tablename__ = "assignments"
    __table_args__ = (
        # Twice to the same person is refused by the service; this is the backstop.
        UniqueConstraint("article_id", "reviewer_id", name="uq_assignments_article_reviewer"),
        CheckConstraint("priority BETWEEN 0 AND 3", name="priority"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_date: Mapped[date | None] = mapped_column(Date)
    priority: Mapped[int] = mapped_column(default=Priority.NORMAL)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    article: Mapped[Article] = relationship()
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    assigned_by: Mapped[User | None] = relationship(foreign_keys=[assigned_by_id])

    __mapper_args__ = {"version_id_col": version}


class ArticleState(db.Model):
    """Where an article stands; an article without a row is new."""

    __tablename__ = "article_states"
    __table_args__ = (
        CheckConstraint(check_in("status", Status), name="status"),
        CheckConstraint("version >= 1", name="version"),
    )

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.NEW, index=True)
    # True when an admin put it there: the automatic rules then leave it alone.
    by_hand: Mapped[bool] = mapped_column(default=False)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class DeskSetting(db.Model):
    """One desk-wide rule an admin sets (a name and a short value)."""

    __tablename__ = "desk_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
