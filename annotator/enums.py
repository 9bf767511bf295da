"""The closed vocabularies of the data: verdicts, credibility, stance, rating origin and role.

Pure (no Flask, no SQLAlchemy): the models store them, the field table and the export reader
check them, and neither needs the other to do so.
"""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    VERIFIED = "verified"
    UNPROVEN = "unproven"
    DISPUTED = "disputed"


class Credibility(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    UNKNOWN = "unknown"


class Stance(StrEnum):
    SUPPORTS = "supports"
    REFUTES = "refutes"
    CONTEXT = "context"


class RatingOrigin(StrEnum):
    """Where a link's stored credibility came from."""

    REGISTRY = "registry"  # the source registry's rating when the link was saved
    REVIEWER = "reviewer"  # set by the reviewer (an override needs a reason)


class Role(StrEnum):
    ADMIN = "admin"
    REVIEWER = "reviewer"


class Status(StrEnum):
    """Where an article stands on the desk."""

    NEW = "new"
    IN_REVIEW = "in_review"
    READY = "ready"  # for adjudication
    ADJUDICATED = "adjudicated"
    ARCHIVED = "archived"
