"""Publishing: an article's adjudicated verdicts frozen into a public fact-check page.

What readers see is a *snapshot* taken when an admin publishes (or updates) the page: the final
verdicts, the adjudication notes as rationale, attributions and evidence. Later edits inside the
tool reach readers only when an admin updates the publication, and each update that changes a
verdict, a rationale or the evidence adds a line to the page's public changelog. Nothing else
leaves: no reviewer's own verdict or note, no usernames (unless the desk turns the byline on), no
internal ids, nothing of an article that is not published.

Per claim (an adjudicated sentence), the attribution and evidence come from the reviewers'
annotations that reached the final verdict (all of the sentence's annotations when none did):
the most common attribution, and every distinct evidence link with its saved credibility and stance.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from annotator.extensions import db
from annotator.models import (
    Adjudication,
    Annotation,
    Article,
    EvidenceLink,
    Publication,
    PublicationChange,
    Sentence,
    User,
)
from annotator.models._types import utcnow
from annotator.services import audit, guards
from annotator.services.errors import Invalid, NotFound
from annotator.services.serialize import iso

VERDICT_WORDS = {
    "verified": "Verified",
    "unproven": "Unproven",
    "disputed": "Disputed",
}
VERDICT_ORDER = ("verified", "unproven", "disputed")
PAGE_SIZE = 20
_SLUG_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class PublicPage:
    """What a public request needs: the snapshot and the page's stable facts."""

    slug: str
    listed: bool
    snapshot: dict[str, Any]
    first_published_at: datetime
    updated_at: datetime
    changes: list[tuple[datetime, str]]
    version: int


def slug_for(title: str) -> str:
    """A readable, URL-safe slug from the title, with a short random tail so it never collides."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = "-".join(_SLUG_WORD.findall(ascii_title))[:80].strip("-") or "fact-check"
    return f"{words}-{secrets.token_hex(3)}"


def unlisted_slug() -> str:
    """An unguessable address (128 random bits) for a page that is not listed anywhere."""
    return "u-" + secrets.token_urlsafe(16)


def publication_for(article: Article) -> Publication | None:
    return db.session.scalar(select(Publication).where(Publication.article_id == article.id))


def snapshot(article: Article, *, byline: bool = False) -> dict[str, Any]:
    """The public content of an article now: text with adjudicated claims marked, and each claim."""
    sentences = db.session.scalars(
        select(Sentence).where(Sentence.article_id == article.id).order_by(Sentence.index)
    ).all()
    adjudications = select(Adjudication).join(Sentence).where(Sentence.article_id == article.id)
    if byline:  # the adjudicators' names in the same query, not one query per claim
        adjudications = adjudications.options(joinedload(Adjudication.adjudicator))
    finals = {adj.sentence_id: adj for adj in db.session.scalars(adjudications)}
    evidence = _evidence(list(finals))
    claims: list[dict[str, Any]] = []
    paragraphs: list[list[dict[str, Any]]] = []
    last_paragraph = None
    for sentence in sentences:
        if sentence.paragraph != last_paragraph:
            paragraphs.append([])
            last_paragraph = sentence.paragraph
        piece: dict[str, Any] = {"text": article.text[sentence.start : sentence.end]}
        adj = finals.get(sentence.id)
        if adj is not None:
            number = len(claims) + 1
            attributed, links = _claim_evidence(evidence.get(sentence.id, []), str(adj.verdict))
            claim = {
                "n": number,
                "key": sentence.start,
                "text": piece["text"],
                "verdict": str(adj.verdict),
                "rationale": adj.note or "",
                "attributed_to": attributed,
                "links": links,
                "settled_at": adj.updated_at.isoformat(),
            }
            if byline:
                claim["by"] = adj.adjudicator.username
            claims.append(claim)
            piece["claim"] = number
            piece["verdict"] = claim["verdict"]
        paragraphs[-1].append(piece)
    counts = Counter(claim["verdict"] for claim in claims)
    return {
        "article": {
            "title": article.title,
            "url": article.url or "",
            "outlet": article.outlet or "",
            "author": article.author or "",
            "published_at": article.published_at or "",
            "language": article.language or "en",
        },
        "paragraphs": paragraphs,
        "claims": claims,
        "counts": {verdict: counts.get(verdict, 0) for verdict in VERDICT_ORDER},
    }


def _evidence(sentence_ids: list[int]) -> dict[int, list[tuple[str, str, list[dict[str, Any]]]]]:
    """Per sentence: (verdict, attribution, links) of each live annotation, oldest first."""
    if not sentence_ids:
        return {}
    annotations = db.session.execute(
        select(Annotation.id, Annotation.sentence_id, Annotation.verdict, Annotation.attributed_to)
        .where(Annotation.sentence_id.in_(sentence_ids), Annotation.deleted_at.is_(None))
        .order_by(Annotation.created_at, Annotation.id)
    ).all()
    links: dict[int, list[dict[str, Any]]] = {}
    for row in db.session.execute(
        select(
            EvidenceLink.annotation_id,
            EvidenceLink.url,
            EvidenceLink.title,
            EvidenceLink.credibility,
            EvidenceLink.stance,
        )
        .where(EvidenceLink.annotation_id.in_([a.id for a in annotations]))
        .order_by(EvidenceLink.annotation_id, EvidenceLink.position)
    ):
        links.setdefault(row.annotation_id, []).append(
            {
                "url": row.url,
                "title": row.title or "",
                "credibility": str(row.credibility),
                "stance": str(row.stance) if row.stance else "",
            }
        )
    out: dict[int, list[tuple[str, str, list[dict[str, Any]]]]] = {}
    for ann in annotations:
        out.setdefault(ann.sentence_id, []).append(
            (str(ann.verdict), ann.attributed_to or "", links.get(ann.id, []))
        )
    return out


def _claim_evidence(
    judgements: list[tuple[str, str, list[dict[str, Any]]]], final: str
) -> tuple[str, list[dict[str, Any]]]:
    """The attribution and evidence readers see for a claim (the rule in the module docstring)."""
    agreeing = [j for j in judgements if j[0] == final] or judgements
    names = Counter(name.strip() for _, name, _ in agreeing if name.strip())
    attributed = names.most_common(1)[0][0] if names else ""
    seen: set[str] = set()
    links = []
    for _, _, found in agreeing:
        for link in found:
            if link["url"] not in seen:
                seen.add(link["url"])
                links.append(link)
    return attributed, links


def changelog(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Sentences for readers saying what changed between two snapshots (empty when nothing did)."""
    old = {claim["key"]: claim for claim in before.get("claims", [])}
    new = {claim["key"]: claim for claim in after.get("claims", [])}
    lines = []
    for key, claim in new.items():
        quote = _short(claim["text"])
        was = old.get(key)
        if was is None:
            lines.append(f"Added claim {claim['n']}, “{quote}”: {VERDICT_WORDS[claim['verdict']]}.")
            continue
        if was["verdict"] != claim["verdict"]:
            lines.append(
                f"Claim {claim['n']}, “{quote}”: verdict changed from "
                f"{VERDICT_WORDS[was['verdict']]} to {VERDICT_WORDS[claim['verdict']]}."
            )
        if was["rationale"] != claim["rationale"]:
            lines.append(f"Claim {claim['n']}, “{quote}”: rationale revised.")
        if was["links"] != claim["links"] or was["attributed_to"] != claim["attributed_to"]:
            lines.append(f"Claim {claim['n']}, “{quote}”: evidence or attribution updated.")
    for key, claim in old.items():
        if key not in new:
            lines.append(f"Withdrew the verdict on “{_short(claim['text'])}”.")
    return lines


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def publish(
    article: Article,
    *,
    actor: User,
    listed: bool | None = None,
    byline: bool = False,
    expected_version: object = None,
) -> Publication:
    """Publish, republish or update an article's public page (same URL every time)."""
    guards.require_admin(actor, "Only admins can publish or unpublish fact-checks.")
    if listed is not None and not isinstance(listed, bool):
        raise Invalid({"listed": "must be true or false."})
    content = snapshot(article, byline=byline)
    if not content["claims"]:
        raise Invalid(
            {"article": "has no adjudicated claims yet: record final verdicts before publishing."}
        )
    pub = publication_for(article)
    now = utcnow()
    if pub is None:
        listed = True if listed is None else listed
        pub = Publication(
            article_id=article.id,
            slug=slug_for(article.title) if listed else unlisted_slug(),
            listed=listed,
            snapshot=content,
            first_published_at=now,
            updated_at=now,
            published_by_id=actor.id,
        )
        db.session.add(pub)
        action = "publish"
    else:
        _check_version(pub, expected_version)
        if listed is not None and listed != pub.listed:
            # An unlisted address must stay secret, so a page moving between the two gets a new one.
            pub.slug = slug_for(article.title) if listed else unlisted_slug()
            pub.listed = listed
        lines = changelog(pub.snapshot, content) if pub.live else []
        pub.changes.extend(PublicationChange(at=now, summary=line) for line in lines)
        action = "update" if pub.live else "republish"
        if lines or not pub.live or pub.snapshot != content:
            pub.updated_at = now
        pub.snapshot = content
        pub.withdrawn_at = None
        pub.published_by_id = actor.id
    _flush(pub)
    audit.record(
        "publication",
        pub.id,
        action,
        actor=actor,
        before=None,
        after={"article_id": article.id, "slug": pub.slug, "listed": pub.listed},
    )
    return pub


def unpublish(article: Article, *, actor: User, expected_version: object = None) -> Publication:
    """Take the page down: its address answers 410 Gone until it is published again."""
    guards.require_admin(actor, "Only admins can publish or unpublish fact-checks.")
    pub = publication_for(article)
    if pub is None or not pub.live:
        raise NotFound("This article is not published.")
    _check_version(pub, expected_version)
    pub.withdrawn_at = utcnow()
    _flush(pub)
    audit.record(
        "publication",
        pub.id,
        "withdraw",
        actor=actor,
        before={"article_id": article.id, "slug": pub.slug},
        after=None,
    )
    return pub


def _check_version(pub: Publication, expected: object) -> None:
    guards.check_version("publication", expected, pub, ident=pub.id, current=publication_data)


def _flush(pub: Publication) -> None:
    guards.flush_or_conflict("Someone else changed this publication at the same moment.")


def publication_data(pub: Publication | None) -> dict[str, Any] | None:
    """The admin-facing state of a publication (API and the admin page)."""
    if pub is None:
        return None
    return {
        "slug": pub.slug,
        "listed": pub.listed,
        "live": pub.live,
        "first_published_at": pub.first_published_at.isoformat(),
        "updated_at": pub.updated_at.isoformat(),
        "withdrawn_at": iso(pub.withdrawn_at),
        "claims": len(pub.snapshot.get("claims", [])),
        "version": pub.version,
    }


def public_page(slug: str) -> PublicPage:
    """A page by its address; NotFound for an unknown one; a withdrawn one raises Withdrawn."""
    pub = db.session.scalar(
        select(Publication)
        .join(Article)
        .where(Publication.slug == slug[:120], Article.deleted_at.is_(None))
    )
    if pub is None:
        raise NotFound("There is no fact-check at this address.")
    if not pub.live:
        raise Withdrawn("This fact-check has been withdrawn by its publisher.")
    return _page(pub)


def _page(pub: Publication) -> PublicPage:
    return PublicPage(
        slug=pub.slug,
        listed=pub.listed,
        snapshot=pub.snapshot,
        first_published_at=pub.first_published_at,
        updated_at=pub.updated_at,
        changes=[(change.at, change.summary) for change in pub.changes],
        version=pub.version,
    )


def listed_pages(page: int = 1, per_page: int = PAGE_SIZE) -> tuple[list[PublicPage], int]:
    """Live listed pages, newest update first, one page of them, and how many there are in all."""
    where = (
        Publication.listed.is_(True),
        Publication.withdrawn_at.is_(None),
        Article.deleted_at.is_(None),
    )
    total = (
        db.session.scalar(
            select(db.func.count()).select_from(Publication).join(Article).where(*where)
        )
        or 0
    )
    rows = db.session.scalars(
        select(Publication)
        .join(Article)
        .where(*where)
        .options(selectinload(Publication.changes))  # _page reads them: one query, not one each
        .order_by(Publication.updated_at.desc(), Publication.id.desc())
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).all()
    return [_page(pub) for pub in rows], total


def live_pages() -> list[PublicPage]:
    """Every live page, listed or not (the static site writes them all)."""
    rows = db.session.scalars(
        select(Publication)
        .join(Article)
        .where(Publication.withdrawn_at.is_(None), Article.deleted_at.is_(None))
        .options(selectinload(Publication.changes))
        .order_by(Publication.updated_at.desc(), Publication.id.desc())
    ).all()
    return [_page(pub) for pub in rows]


PUBLIC_PATH = "fact-checks/"  # where the public pages live under PUBLIC_URL (web.public)


def public_claims(base_url: str) -> dict[int, tuple[str, dict[int, int]]]:
    """Every live publication as article id -> (its public address under ``base_url``, sentence
    start -> claim number on the page): what the ClaimReview export links to."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    rows = db.session.execute(
        select(Publication.article_id, Publication.slug, Publication.snapshot)
        .join(Article)
        .where(Publication.withdrawn_at.is_(None), Article.deleted_at.is_(None))
    ).all()
    return {
        article_id: (
            f"{base}{PUBLIC_PATH}{slug}",
            {claim["key"]: claim["n"] for claim in snap.get("claims", [])},
        )
        for article_id, slug, snap in rows
    }


def page_generation(slug: str) -> tuple[Any, ...] | None:
    """What a cached page depends on, in one indexed lookup: its publication's version and whether
    it and its article are live (None for no such address). Every process compares this with the
    cached copy's, so a withdrawal made anywhere (another server process, the command line) shows
    on the next request."""
    row = db.session.execute(
        select(Publication.version, Publication.withdrawn_at, Article.deleted_at)
        .join(Article)
        .where(Publication.slug == slug[:120])
    ).first()
    return None if row is None else tuple(row)


def listing_generation() -> tuple[Any, ...]:
    """What the index and the feed depend on: the publications' versions (each publish, update
    or withdrawal raises one) and which of their articles are deleted, in one aggregate query."""
    deleted = db.case((Article.deleted_at.is_(None), 0), else_=1)
    row = db.session.execute(
        select(
            db.func.count(),
            db.func.coalesce(db.func.sum(Publication.version), 0),
            db.func.coalesce(db.func.sum(deleted), 0),
        )
        .select_from(Publication)
        .join(Article)
    ).one()
    return tuple(row)


class Withdrawn(NotFound):
    """The page existed and was unpublished: 410 Gone, not 404."""

    status = 410
    code = "gone"
