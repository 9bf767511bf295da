"""Typed SQLAlchemy models. Import from here."""

from annotator.models.annotation import Annotation, Credibility, EvidenceLink, Stance, Verdict
from annotator.models.article import Article, Sentence
from annotator.models.audit import Revision
from annotator.models.user import ApiToken, Role, User

__all__ = [
    "Annotation",
    "ApiToken",
    "Article",
    "Credibility",
    "EvidenceLink",
    "Revision",
    "Role",
    "Sentence",
    "Stance",
    "User",
    "Verdict",
]
