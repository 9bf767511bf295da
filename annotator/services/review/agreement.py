"""Agreement over any set of articles (admins): Krippendorff's alpha, Fleiss' kappa, percent
agreement, and Cohen's kappa with a confusion matrix for every pair of reviewers; as CSV rows too.

Each reviewer counts once per sentence with their standing verdict (services.review.disagreements).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from annotator.extensions import db
from annotator.models import Article, Sentence, Status, User, Verdict
from annotator.services import guards
from annotator.services.desk.status import status_column
from annotator.services.errors import Invalid
from annotator.services.review.disagreements import standing_verdicts, verdict_rows
from annotator.services.validation import Problems
from annotator.stats.agreement import PairAgreement, fleiss_kappa, krippendorff_alpha, pairwise

LABELS = [v.value for v in Verdict]


@dataclass
class Scope:
    """Which articles an agreement table covers (all live ones by default)."""

    since: date | None = None  # imported on or after
    until: date | None = None  # imported on or before
    outlet: str | None = None
    status: Status | None = None
    article_ids: list[int] = field(default_factory=list)

    def describe(self) -> str:
        parts = []
        if self.article_ids:
            parts.append("articles " + ", ".join(f"#{i}" for i in self.article_ids))
        if self.outlet:
            parts.append(f"outlet {self.outlet}")
        if self.status:
            parts.append(f"status {self.status}")
        if self.since or self.until:
            parts.append(f"imported {self.since or '…'} to {self.until or '…'}")
        return "; ".join(parts) or "all articles"

    def conditions(self) -> list[Any]:
        found = [Article.deleted_at.is_(None)]
        if self.article_ids:
            found.append(Article.id.in_(self.article_ids))
        if self.outlet:
            found.append(db.func.lower(Article.outlet) == self.outlet.lower())
        if self.since:
            found.append(
                Article.created_at >= datetime.combine(self.since, datetime.min.time(), UTC)
            )
        if self.until:
            found.append(
                Article.created_at
                < datetime.combine(self.until + timedelta(days=1), datetime.min.time(), UTC)
            )
        if self.status:
            found.append(status_column() == self.status.value)
        return found


def parse_scope(args: Any) -> Scope:
    """A scope from query arguments (since, until, outlet, status, article); Invalid names the field."""
    problems = Problems()
    scope = Scope()
    for name in ("since", "until"):
        raw = (args.get(name) or "").strip()
        if raw:
            try:
                setattr(scope, name, date.fromisoformat(raw))
            except ValueError:
                problems[name] = f"must be a date like 2026-12-31 (got {raw[:40]!r})."
    scope.outlet = (args.get("outlet") or "").strip()[:200] or None
    raw_status = (args.get("status") or "").strip()
    if raw_status:
        scope.status = problems.choice("status", raw_status, Status)
    raw_ids = args.getlist("article") if hasattr(args, "getlist") else args.get("article") or []
    for raw in raw_ids:
        for part in str(raw).split(","):
            if part.strip():
                if part.strip().isdigit():
                    scope.article_ids.append(int(part))
                else:
                    problems["article"] = f"must be article id numbers (got {part.strip()[:40]!r})."
    if problems:
        raise Invalid(problems)
    return scope


@dataclass
class ArticleAgreementRow:
    article_id: int
    title: str
    reviewers: int
    compared: int
    agreed: int
    alpha: float | None
    fleiss: float | None

    @property
    def percent(self) -> float | None:
        return round(100 * self.agreed / self.compared, 1) if self.compared else None


@dataclass
class AgreementTables:
    scope: Scope
    units: int  # sentences judged by at least two reviewers
    agreed: int
    alpha: float | None
    fleiss: float | None
    pairs: list[PairAgreement[str]]
    articles: list[ArticleAgreementRow]
    labels: list[str] = field(default_factory=lambda: list(LABELS))

    @property
    def percent(self) -> float | None:
        return round(100 * self.agreed / self.units, 1) if self.units else None


def agreement_tables(scope: Scope, *, viewer: User) -> AgreementTables:
    """Agreement over the articles in scope: overall, per article and per pair of reviewers."""
    guards.require_admin(
        viewer, "Only admins see agreement figures: they compare reviewers' verdicts."
    )
    verdicts = standing_verdicts(verdict_rows(*scope.conditions()))
    names = dict(
        db.session.execute(
            db.select(User.id, User.username).where(
                User.id.in_({rid for by in verdicts.values() for rid in by})
            )
        ).all()
    )
    article_of: dict[int, int] = {}
    titles: dict[int, str] = {}
    for sid, aid, title in db.session.execute(
        db.select(Sentence.id, Sentence.article_id, Article.title)
        .join(Article, Sentence.article_id == Article.id)
        .where(Sentence.id.in_(list(verdicts)))
    ):
        article_of[sid], titles[aid] = aid, title
    units = [{names[r]: v for r, v in by.items()} for by in verdicts.values()]
    compared = [u for u in units if len(u) >= 2]
    by_article: dict[int, list[dict[str, str]]] = defaultdict(list)
    for sid, unit in zip(verdicts, units, strict=True):
        by_article[article_of[sid]].append(unit)
    rows = []
    for aid, article_units in sorted(by_article.items(), key=lambda kv: titles[kv[0]].lower()):
        both = [u for u in article_units if len(u) >= 2]
        rows.append(
            ArticleAgreementRow(
                article_id=aid,
                title=titles[aid],
                reviewers=len({n for u in article_units for n in u}),
                compared=len(both),
                agreed=sum(len(set(u.values())) == 1 for u in both),
                alpha=krippendorff_alpha([list(u.values()) for u in article_units]),
                fleiss=fleiss_kappa([list(u.values()) for u in both]),
            )
        )
    return AgreementTables(
        scope=scope,
        units=len(compared),
        agreed=sum(len(set(u.values())) == 1 for u in compared),
        alpha=krippendorff_alpha([list(u.values()) for u in units]),
        fleiss=fleiss_kappa([list(u.values()) for u in compared]),
        pairs=pairwise(units, LABELS, key=str.lower),
        articles=rows,
    )


def agreement_csv_rows(tables: AgreementTables, table: str) -> list[list[object]]:
    """The agreement tables as CSV rows: ``articles`` (one per article) or ``pairs`` (one per pair
    of reviewers, with its confusion matrix cells)."""

    def num(value: float | None) -> object:
        return "" if value is None else round(value, 4)

    if table == "pairs":
        header = [
            "first",
            "second",
            "sentences_both_judged",
            "agreed",
            "percent_agreement",
            "cohen_kappa",
        ]
        header += [f"{a}_vs_{b}" for a in tables.labels for b in tables.labels]
        out: list[list[object]] = [header]
        for p in tables.pairs:
            out.append(
                [p.first, p.second, p.items, p.agreed, num(p.percent_agreement), num(p.kappa)]
                + [cell for line in p.matrix for cell in line]
            )
        return out
    out = [
        [
            "article_id",
            "title",
            "reviewers",
            "sentences_compared",
            "agreed",
            "percent_agreement",
            "krippendorff_alpha",
            "fleiss_kappa",
        ]
    ]
    for r in tables.articles:
        out.append(
            [
                r.article_id,
                r.title,
                r.reviewers,
                r.compared,
                r.agreed,
                num(r.percent),
                num(r.alpha),
                num(r.fleiss),
            ]
        )
    out.append(
        [
            "",
            f"All ({tables.scope.describe()})",
            "",
            tables.units,
            tables.agreed,
            num(tables.percent),
            num(tables.alpha),
            num(tables.fleiss),
        ]
    )
    return out
