"""Typed SQLAlchemy models. Import from here."""

from annotator.models.adjudication import Adjudication
from annotator.models.annotation import (
    Annotation,
    Credibility,
    EvidenceLink,
    RatingOrigin,
    Stance,
    Verdict,
)
from annotator.models.article import Article, Sentence
from annotator.models.assignment import ArticleState, Assignment, DeskSetting, Priority, Status
from annotator.models.audit import Revision
from annotator.models.source import Source, SourceDomain
from annotator.models.user import ApiToken, Role, User

__all__ = [
    "Adjudication",
    "Annotation",
    "ApiToken",
    "Article",
    "ArticleState",
    "Assignment",
    "Credibility",
    "DeskSetting",
    "EvidenceLink",
    "Priority",
    "RatingOrigin",
    "Revision",
    "Role",
    "Sentence",
    "Source",
    "SourceDomain",
    "Stance",
    "Status",
    "User",
    "Verdict",
]
