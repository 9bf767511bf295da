"""Typed SQLAlchemy models. Import from here."""

from annotator.enums import Credibility, RatingOrigin, Role, Stance, Verdict
from annotator.models.adjudication import Adjudication
from annotator.models.annotation import Annotation, EvidenceLink
from annotator.models.article import Article, Sentence
from annotator.models.audit import Revision
from annotator.models.publication import Publication, PublicationChange
from annotator.models.search import SearchEntry
from annotator.models.session import AuthEvent, LoginThrottle, UserSession
from annotator.models.source import Source, SourceDomain
from annotator.models.user import ApiToken, User

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
    "Publication",
    "PublicationChange",
    "Revision",
    "Role",
    "SearchEntry",
    "Sentence",
    "Source",
    "SourceDomain",
    "Stance",
    "User",
    "UserSession",
    "Verdict",
]
