"""An admin's final verdict on a sentence the reviewers judged, settling their disagreement."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.enums import Verdict
from annotator.extensions import db
from annotator.models._types import UTCDateTime, check_in, enum_column, utcnow
from annotator.models.article import Sentence
from annotator.models.user import User


class Adjudication(db.Model):
    __tablename__ = "adjudications"
    __table_args__ = (
        CheckConstraint(check_in("verdict", Verdict), name="verdict"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One final verdict per sentence: the UNIQUE constraint settles two admins saving at once.
    sentence_id: Mapped[int] = mapped_column(
        ForeignKey("sentences.id", ondelete="CASCADE"), unique=True
    )
    verdict: Mapped[Verdict] = mapped_column(enum_column(Verdict))
    note: Mapped[str] = mapped_column(Text, default="")
    adjudicator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    sentence: Mapped[Sentence] = relationship()
    adjudicator: Mapped[User] = relationship()

    # The database refuses an UPDATE whose version moved underneath us (StaleDataError).
    __mapper_args__ = {"version_id_col": version}
