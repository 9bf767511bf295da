"""Typed SQLAlchemy models. Import from here."""

from annotator.enums import Credibility, RatingOrigin, Role, Stance, Verdict
from annotator.models.adjudication import Adjudication
from annotator.models.annotation import Annotation, EvidenceLink
from annotator.models.article import Article, ArticleBucket, Sentence
from annotator.models.assignment import ArticleState, Assignment, DeskSetting, Priority, Status
from annotator.models.audit import Revision
from annotator.models.claim_vector import ClaimVector
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
    "ArticleBucket",
    "ArticleState",
    "Assignment",
    "ClaimVector",
    "Credibility",
    "DeskSetting",
    "EvidenceLink",
    "LoginThrottle",
    "Priority",
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
    "Status",
    "User",
    "UserSession",
    "Verdict",
]
