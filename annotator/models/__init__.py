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
from annotator.models.audit import Revision
from annotator.models.session import AuthEvent, LoginThrottle, UserSession
from annotator.models.source import Source, SourceDomain
from annotator.models.user import ApiToken, Role, User

__all__ = [
    "Adjudication",
    "Annotation",
    "ApiToken",
    "AuthEvent",
    "Article",
    "Credibility",
    "EvidenceLink",
    "LoginThrottle",
    "RatingOrigin",
    "Revision",
    "Role",
    "Sentence",
    "Source",
    "SourceDomain",
    "Stance",
    "User",
    "UserSession",
    "Verdict",
]
