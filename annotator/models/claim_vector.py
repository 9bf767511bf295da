"""The sentence vector of each distinct judged claim, for "Seen before" (docs/matching.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from annotator.extensions import db
from annotator.models._types import UTCDateTime, utcnow

WHOLE = -1  # span_start and span_end of a claim that is its whole sentence


class ClaimVector(db.Model):
    """One distinct claim (a sentence, or a span of it) and its vector.

    Every judgement of that sentence or span shares the row. ``text_hash`` (SHA-256 of the claim's
    words) and ``model`` (annotator.text.encoder.MODEL) tell a stale vector from a fresh one; the
    background worker (services/annotations/claim_vectors.py) writes the rows, never the save path. A row is
    replaced, never updated (AUTOINCREMENT: an id is never reused), so each process's in-memory
    matrix reads only the rows past the last id it has.
    """

    __tablename__ = "claim_vectors"
    __table_args__ = (
        UniqueConstraint("sentence_id", "span_start", "span_end", name="uq_claim_vectors_claim"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sentence_id: Mapped[int] = mapped_column(ForeignKey("sentences.id", ondelete="CASCADE"))
    span_start: Mapped[int] = mapped_column(default=WHOLE)
    span_end: Mapped[int] = mapped_column(default=WHOLE)
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    model: Mapped[str] = mapped_column(String(100))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    encoded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
