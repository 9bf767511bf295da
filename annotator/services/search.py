"""Search everything the desk has: article titles, sentences, annotations, evidence links, sources.

The database's own full-text engine does the matching and ranking (SQLite FTS5 with bm25,
PostgreSQL ``tsvector`` with ``ts_rank_cd``) over ``search_index`` (annotator/models/search.py);
this module adds the filters, blind review and the shape of a result.

Blind review: a reviewer's search returns only their own annotations and links, and shows only
their own verdicts; admins see everyone's and the final verdicts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask_babel import format_number, ngettext
from flask_babel import gettext as _
from sqlalchemy import (
    ARRAY,
    Double,
    Float,
    Text,
    and_,
    bindparam,
    case,
    cast,
    column,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)

from annotator.extensions import db
from annotator.models import (
    Adjudication,
    Annotation,
    Article,
    Credibility,
    EvidenceLink,
    SearchEntry,
    Sentence,
    Source,
    User,
    Verdict,
)
from annotator.models.search import KINDS, WORD_PAIRS, rebuild_statements
from annotator.services.errors import Forbidden, Invalid
from annotator.text.search_query import (
    Query,
    QueryProblem,
    fts5,
    highlight,
    negated_tsquery,
    parse,
    pg_configs,
    tsquery,
)
from annotator.text.stemming import MAX_QUERY_LANGUAGES, language_code

MAX_LIMIT = 100
FILTERS = (
    "kind",
    "verdict",
    "credibility",
    "outlet",
    "reviewer",
    "article",
    "since",
    "until",
    "adjudicated",
)
MAX_OFFSET = 10_000
# Hits are counted up to this many: past it the page says "more than 10,000 results" (counting
# every hit of a common word took longer than finding the best twenty).
COUNT_CAP = 10_000
SNIPPET = 400  # characters of a long text shown around the first match


@dataclass(frozen=True)
class SearchFilter:
    kinds: tuple[str, ...] = ()
    verdicts: tuple[str, ...] = ()
    credibility: tuple[str, ...] = ()
    outlet: str = ""
    reviewer: str = ""
    article: int | None = None
    since: str = ""
    until: str = ""
    adjudicated: bool | None = None


@dataclass
class Hit:
    kind: str
    ref_id: int
    article_id: int | None
    article_title: str = ""
    sentence_id: int | None = None
    context: list[tuple[str, bool]] = field(default_factory=list)  # the paragraph, matches marked
    detail: list[tuple[str, bool]] = field(default_factory=list)  # the note, link or source text
    verdicts: list[dict[str, str]] = field(default_factory=list)
    final: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SearchPage:
    """One page of hits. ``total`` counts at most COUNT_CAP hits (``more`` when there are more);
    ``after`` is the keyset cursor of the next page (None on the last one)."""

    query: str
    items: list[Hit]
    total: int
    offset: int
    limit: int
    more: bool = False
    after: str | None = None

    @property
    def next(self) -> int | None:
        """The offset of the next page (numbering; the cursor ``after`` finds its hits)."""
        return self.offset + self.limit if self.after is not None else None

    @property
    def previous(self) -> int | None:
        return max(self.offset - self.limit, 0) if self.offset else None

    @property
    def count_label(self) -> str:
        """How many hits, in words: "1 result", "12 results", "more than 10,000 results"."""
        if self.more:
            return _("more than %(count)s results", count=format_number(COUNT_CAP))
        return ngettext("%(num)s result", "%(num)s results", self.total)


def parse_filter(params: dict[str, Any], *, viewer: User) -> SearchFilter:
    """Check the filters a person or a program sent; Invalid names each bad one."""
    problems: dict[str, str] = {}

    def many(name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        values = params.get(name) or []
        values = [values] if isinstance(values, str) else list(values)
        found = tuple(
            dict.fromkeys(
                v.strip().lower() for item in values for v in str(item).split(",") if v.strip()
            )
        )
        bad = [v for v in found if v not in allowed]
        if bad:
            problems[name] = f"must be among {', '.join(allowed)} (got {bad[0][:40]!r})."
        return found

    def one(name: str) -> str:
        value = params.get(name)
        if isinstance(value, list | tuple):
            value = next((v for v in value if v not in (None, "")), "")
        return str(value or "").strip()[:200]

    kinds = many("kind", KINDS)
    verdicts = many("verdict", tuple(v.value for v in Verdict))
    credibility = many("credibility", tuple(c.value for c in Credibility))
    reviewer = one("reviewer")
    if reviewer and not viewer.is_admin:
        raise Forbidden("Only admins can search by reviewer: reviewers judge blind.")
    article = one("article")
    article_id = None
    if article:
        if not (article.isascii() and article.isdigit() and len(article) < 10):
            problems["article"] = "must be an article number."
        else:
            article_id = int(article)
    dates = {}
    for name in ("since", "until"):
        value = one(name)
        if value:
            try:
                datetime.fromisoformat(value)
            except ValueError:
                problems[name] = "must be a date like 2026-11-30."
        dates[name] = value
    adjudicated = one("adjudicated").lower()
    if adjudicated not in ("", "1", "0", "yes", "no", "true", "false"):
        problems["adjudicated"] = "must be 1 (adjudicated) or 0 (not yet)."
    if problems:
        raise Invalid(problems)
    return SearchFilter(
        kinds=kinds,
        verdicts=verdicts,
        credibility=credibility,
        outlet=one("outlet"),
        reviewer=reviewer,
        article=article_id,
        since=dates["since"],
        until=dates["until"],
        adjudicated=None if adjudicated == "" else adjudicated in ("1", "yes", "true"),
    )


def search(
    raw: str,
    flt: SearchFilter,
    *,
    viewer: User,
    limit: int = 20,
    offset: int = 0,
    after: str | None = None,
) -> SearchPage:
    """One page of results, best first, with how many there are (up to COUNT_CAP).

    ``after`` (the previous page's cursor) pages by keyset: the page starts after that hit
    without the database walking the hits before it; ``offset`` then only numbers the page.
    Without it ``offset`` skips hits (at most MAX_OFFSET)."""
    try:
        query = parse(raw, desk_languages())
    except QueryProblem as problem:
        raise Invalid({"q": str(problem)}) from None
    limit = min(max(limit, 1), MAX_LIMIT)
    if offset < 0 or offset > MAX_OFFSET:
        raise Invalid({"offset": f"must be between 0 and {MAX_OFFSET:,}."})
    statement, rank, ascending = _matches(query, flt, viewer)
    page = statement.add_columns(rank.label("rank")).order_by(
        rank if ascending else rank.desc(), SearchEntry.id
    )
    # Ranking the best twenty reads every hit anyway: the first page counts them in the same
    # pass (a second query matched them all again: a phrase's heap rechecks on PostgreSQL, its
    # position lists on SQLite). It counts only the best COUNT_CAP + 1, in the page's order,
    # so PostgreSQL runs the joins that judge a hit (live article, live annotation, blind
    # review) for those alone, not for each of hundreds of thousands. The ranking sits in a
    # subquery of its own: SQLite's bm25() cannot run beside a window function.
    if after:
        last_rank, last_id = _cursor(after)
        beyond = rank > last_rank if ascending else rank < last_rank
        page = page.where(or_(beyond, and_(rank == last_rank, SearchEntry.id > last_id)))
    else:
        best = page.limit(max(COUNT_CAP + 1, offset + limit + 1)).subquery("best")
        page = (
            select(best, func.count().over().label("hits"))
            .order_by(best.c.rank.asc() if ascending else best.c.rank.desc(), best.c.entry_id)
            .offset(offset)
        )
    rows = db.session.execute(page.limit(limit + 1)).all()
    following = _encode(rows[limit - 1]) if len(rows) > limit else None
    rows = rows[:limit]
    if not after and rows:
        total = rows[0].hits
    elif not after and not offset:
        total = 0
    else:  # after a cursor (or past the last hit): the page's rows cannot tell how many came before
        capped = statement.limit(COUNT_CAP + 1).subquery()
        total = db.session.scalar(select(func.count()).select_from(capped)) or 0
    more = total > COUNT_CAP
    return SearchPage(
        raw,
        _hydrate(rows, query, viewer),
        min(total, COUNT_CAP),
        offset,
        limit,
        more=more,
        after=following,
    )


def _encode(row: Any) -> str:
    """The keyset cursor after a hit: its rank (exactly, as repr gives a float) and its entry id."""
    return f"{float(row.rank)!r}~{row.entry_id}"


def _cursor(after: str) -> tuple[float, int]:
    rank, _tilde, entry_id = str(after).partition("~")
    try:
        return float(rank), int(entry_id)
    except ValueError:
        raise Invalid(
            {"after": _("is not a cursor this search gave; start from the first page.")}
        ) from None


def _matches(query: Query, flt: SearchFilter, viewer: User):
    si = SearchEntry.__table__
    link = EvidenceLink.__table__.alias("hit_link")
    ann = Annotation.__table__.alias("hit_annotation")
    art = Article.__table__.alias("hit_article")
    statement = (
        select(si.c.kind, si.c.ref_id, si.c.article_id, si.c.sentence_id, si.c.id.label("entry_id"))
        .select_from(si)
        .outerjoin(art, art.c.id == si.c.article_id)
        # Keyed by CASE: a hit of another kind looks for a NULL id, which no index probe finds
        # (PostgreSQL probed the links' primary key for every sentence hit).
        .outerjoin(link, link.c.id == case((si.c.kind == "link", si.c.ref_id)))
        # An OR, not a CASE: PostgreSQL can join it only by index probes, one hit at a time,
        # which stop with the LIMIT of the ranked hits. Keyed by CASE, it was hashable, and for
        # a phrase with a filter PostgreSQL hashed all million annotations first (scale 1, a
        # reviewer's disputed annotations: 125 -> 467 ms).
        .outerjoin(
            ann,
            or_(
                and_(si.c.kind == "annotation", ann.c.id == si.c.ref_id),
                and_(si.c.kind == "link", ann.c.id == link.c.annotation_id),
            ),
        )
    )
    if db.engine.dialect.name == "sqlite":
        fts = table("search_fts", column("rowid"))
        statement = statement.join(fts, fts.c.rowid == si.c.id).where(
            text("search_fts MATCH :match").bindparams(match=fts5(query))
        )
        rank = literal_column("bm25(search_fts)", Float)  # lower is better
        ascending = True
    else:
        tsq = func.to_tsquery(literal_column("'simple'"), bindparam("tsq", tsquery(query)))
        tsv, stv = literal_column("search_index.tsv"), literal_column("search_index.stv")
        pairs = _phrase_pairs(query)

        def matches(vector, wanted):
            # With the pairs the words are only checked on the rows the pair index found:
            # ts_match_vq is @@ itself, which the planner cannot answer from the index of tsv or
            # stv (reading those for two common words took longer than the pairs' rows did).
            return func.ts_match_vq(vector, wanted) if pairs else vector.op("@@")(wanted)

        found = matches(tsv, tsq)
        rank = func.ts_rank_cd(tsv, tsq)
        # Stemmed in each of the desk's languages as the index stemmed the row (stop words dropped).
        for config in pg_configs(query):
            stemmed = func.to_tsquery(
                literal_column(f"'{config}'"), bindparam("tsq", tsquery(query))
            )
            found = or_(found, matches(stv, stemmed))
            rank = rank + func.ts_rank_cd(stv, stemmed)
        if pairs:
            holds = literal_column(WORD_PAIRS).op("@>")
            found = and_(
                or_(
                    *(
                        holds(bindparam(f"pairs{number}", list(needed), type_=ARRAY(Text)))
                        for number, needed in enumerate(pairs)
                    )
                ),
                found,
            )
        left_out = negated_tsquery(query)
        if left_out is not None:  # in any form: a row stemmed in another language holds it too
            for config in ["simple", *pg_configs(query)]:
                never = func.to_tsquery(literal_column(f"'{config}'"), bindparam("neg", left_out))
                found = and_(found, ~(stv if config != "simple" else tsv).op("@@")(never))
        statement = statement.where(found)
        # As double precision: a real reaches Python as its shortest decimal (0.1, not the
        # 0.10000000149 it is), and the next page's cursor would then compare unequal to it.
        rank = cast(rank, Double)
        ascending = False
    judged = si.c.kind.in_(("annotation", "link"))
    statement = statement.where(
        or_(si.c.article_id.is_(None), art.c.deleted_at.is_(None)),
        or_(~judged, and_(ann.c.id.is_not(None), ann.c.deleted_at.is_(None))),
    )
    if not viewer.is_admin:
        statement = statement.where(or_(~judged, ann.c.reviewer_id == viewer.id))
    if flt.kinds:
        statement = statement.where(si.c.kind.in_(flt.kinds))
    if flt.article is not None:
        statement = statement.where(si.c.article_id == flt.article)
    if flt.outlet:
        statement = statement.where(art.c.outlet.ilike(f"%{_like(flt.outlet)}%", escape="\\"))
    if flt.since or flt.until:
        statement = statement.where(*_dates(art, flt))
    reviewer_id = _user_id(flt.reviewer) if flt.reviewer else None  # looked up once
    if flt.verdicts or reviewer_id is not None:
        conditions = [ann.c.verdict.in_(flt.verdicts)] if flt.verdicts else []
        if reviewer_id is not None:
            conditions.append(ann.c.reviewer_id == reviewer_id)
        sentence_verdicts = _sentence_condition(si, flt.verdicts, reviewer_id, viewer)
        statement = statement.where(
            or_(and_(judged, *conditions), and_(si.c.kind == "sentence", sentence_verdicts))
        )
    if flt.credibility:
        source = Source.__table__
        statement = statement.where(
            or_(
                and_(si.c.kind == "link", link.c.credibility.in_(flt.credibility)),
                and_(
                    si.c.kind == "source",
                    exists().where(
                        source.c.id == si.c.ref_id, source.c.credibility.in_(flt.credibility)
                    ),
                ),
            )
        )
    if flt.adjudicated is not None:
        settled = exists().where(Adjudication.sentence_id == si.c.sentence_id)
        statement = statement.where(
            si.c.sentence_id.is_not(None), settled if flt.adjudicated else ~settled
        )
    return statement, rank, ascending


def _phrase_pairs(query: Query) -> list[tuple[str, ...]]:
    """PostgreSQL: the word pairs a row must hold to match the query's phrases, one set for each
    form it is matched in (word for word, stemmed in each of the desk's languages; the same set
    once), or an empty list when the pair index would not pay: the words' own indexes find the
    rows then, as before.

    Empty without a phrase; when a form has no pair (its words are stop words there, or parted
    by one: "said had" is the one word ``said`` in English), since that form's rows cannot be
    found by pairs; and when a form's rarest pair is in more than MAX_PAIR_ROWS entries by the
    index's statistics, since PostgreSQL would then compute the pairs again for each entry."""
    phrases = [
        term.words[:-1] if term.prefix else term.words  # a prefix phrase's last word may go on
        for term in query.positive
        if len(term.words) - term.prefix > 1
    ]
    if not phrases:
        return []
    columns = []
    for config in ["simple", *pg_configs(query)]:
        needed = None
        for number, words in enumerate(phrases):
            pairs = func.annotator_phrase_pairs(
                literal_column(f"'{config}'"),
                bindparam(f"phrase{number}", list(words), type_=ARRAY(Text)),
            )
            needed = pairs if needed is None else needed.op("||")(pairs)
        columns.append(needed)
    forms = list(
        dict.fromkeys(tuple(sorted(set(row))) for row in db.session.execute(select(*columns)).one())
    )
    rows, rarer = _pair_rows()
    if not all(forms) or any(
        min(rows.get(pair, rarer) for pair in form) > MAX_PAIR_ROWS for form in forms
    ):
        return []
    return forms


# A pair in more entries than this is not worth the pair index: its rows would not fit an exact
# bitmap in PostgreSQL's default work_mem (4 MB holds about 65,000 table pages), and the pages of
# an inexact one compute the index's expression again for each of their entries.
MAX_PAIR_ROWS = 50_000
_PAIR_ROWS: dict[str, tuple[float, tuple[dict[str, float], float]]] = {}  # as _LANGUAGES


def _pair_rows() -> tuple[dict[str, float], float]:
    """How many entries hold each of the most common word pairs, and at most each other pair,
    from the pair index's statistics (ANALYZE's; read again every LANGUAGES_SECONDS)."""
    return _read_now_and_then(_PAIR_ROWS, _read_pair_rows)


def _read_pair_rows() -> tuple[dict[str, float], float]:
    found = db.session.execute(
        text(
            "SELECT CAST(CAST(s.most_common_elems AS text) AS text[]), "
            "s.most_common_elem_freqs, c.reltuples FROM pg_stats s "
            "JOIN pg_class c ON c.relname = 'search_index' "
            "AND c.relnamespace = CAST(current_schema() AS regnamespace) "
            "WHERE s.schemaname = current_schema() AND s.tablename = 'ix_search_index_pairs'"
        )
    ).first()
    if found is None or not found[0]:
        return {}, 0.0
    pairs, shares, entries = found
    # The shares end with the least and the most common share and the null fraction.
    rows = {pair: share * entries for pair, share in zip(pairs, shares, strict=False)}
    return rows, shares[-3] * entries


def _sentence_condition(
    si,
    verdicts: tuple[str, ...],
    reviewer_id: int | None,
    viewer: User,
):
    """A sentence passes the verdict and reviewer filters when a visible annotation on it does."""
    mine = Annotation.__table__.alias("on_sentence")
    conditions = [mine.c.sentence_id == si.c.sentence_id, mine.c.deleted_at.is_(None)]
    if verdicts:
        conditions.append(mine.c.verdict.in_(verdicts))
    if reviewer_id is not None:
        conditions.append(mine.c.reviewer_id == reviewer_id)
    if not viewer.is_admin:
        conditions.append(mine.c.reviewer_id == viewer.id)
    return exists().where(*conditions)


def _user_id(name: str) -> int:
    found = db.session.scalar(select(User.id).where(func.lower(User.username) == name.lower()))
    if found is None:
        raise Invalid({"reviewer": f"There is no user “{name[:64]}”."})
    return found


def _dates(art, flt: SearchFilter) -> list[Any]:
    """The article's own publication date, or the day it was imported when it has none."""
    conditions = []
    if flt.since:
        since = datetime.fromisoformat(flt.since).replace(tzinfo=UTC)
        conditions.append(
            or_(
                art.c.published_at >= flt.since[:10],
                and_(art.c.published_at.is_(None), art.c.created_at >= since),
            )
        )
    if flt.until:
        until = datetime.fromisoformat(flt.until).replace(tzinfo=UTC)
        conditions.append(
            or_(
                func.substr(art.c.published_at, 1, 10) <= flt.until[:10],
                and_(
                    art.c.published_at.is_(None),
                    art.c.created_at < until.replace(hour=23, minute=59, second=59),
                ),
            )
        )
    return conditions


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# ----- results ------------------------------------------------------------------------------


def _hydrate(rows: list[Any], query: Query, viewer: User) -> list[Hit]:
    """Turn index rows into what a result shows, in a handful of queries for the whole page."""
    sentence_ids = {row.sentence_id for row in rows if row.sentence_id}
    article_ids = {row.article_id for row in rows if row.article_id}
    articles = {
        a.id: a
        for a in db.session.execute(
            select(Article.id, Article.title, Article.outlet, Article.published_at).where(
                Article.id.in_(article_ids)
            )
        )
    }
    contexts = _paragraphs(sentence_ids)
    verdicts, finals = _verdicts(sentence_ids, viewer)
    annotations = _rows(Annotation, [r.ref_id for r in rows if r.kind == "annotation"])
    links = _rows(EvidenceLink, [r.ref_id for r in rows if r.kind == "link"])
    sources = _rows(Source, [r.ref_id for r in rows if r.kind == "source"])
    hits = []
    for row in rows:
        article = articles.get(row.article_id)
        hit = Hit(
            row.kind, row.ref_id, row.article_id, article.title if article else "", row.sentence_id
        )
        if article is not None:
            hit.extra = {"outlet": article.outlet or "", "published_at": article.published_at or ""}
        if row.sentence_id:
            hit.context = highlight(contexts.get(row.sentence_id, ""), query)
            hit.verdicts = verdicts.get(row.sentence_id, [])
            hit.final = finals.get(row.sentence_id)
        if row.kind == "article" and article is not None:
            hit.detail = highlight(" · ".join(filter(None, (article.title, article.outlet))), query)
        elif row.kind == "annotation" and row.ref_id in annotations:
            a = annotations[row.ref_id]
            said = "; ".join(
                filter(
                    None,
                    (a.verdict, a.attributed_to and f"attributed to {a.attributed_to}", a.note),
                )
            )
            hit.detail = highlight(_cut(said, query), query)
        elif row.kind == "link" and row.ref_id in links:
            link = links[row.ref_id]
            hit.detail = highlight(" — ".join(filter(None, (link.title, link.url))), query)
            hit.extra["url"], hit.extra["credibility"] = link.url, str(link.credibility)
        elif row.kind == "source" and row.ref_id in sources:
            source = sources[row.ref_id]
            hit.detail = highlight(_cut(f"{source.name}: {source.rationale}", query), query)
            hit.extra["credibility"] = str(source.credibility)
            hit.extra["name"] = source.name
        hits.append(hit)
    return hits


def _rows(model, ids: list[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


def _paragraphs(sentence_ids: set[int]) -> dict[int, str]:
    """Each sentence's whole paragraph, the sentence itself first among equals (long ones cut)."""
    if not sentence_ids:
        return {}
    hits = db.session.execute(
        select(
            Sentence.id, Sentence.article_id, Sentence.paragraph, Sentence.start, Sentence.end
        ).where(Sentence.id.in_(sentence_ids))
    ).all()
    spans = db.session.execute(
        select(
            Sentence.article_id,
            Sentence.paragraph,
            func.min(Sentence.start),
            func.max(Sentence.end),
        )
        .where(
            or_(
                *[
                    and_(Sentence.article_id == h.article_id, Sentence.paragraph == h.paragraph)
                    for h in hits
                ]
            )
        )
        .group_by(Sentence.article_id, Sentence.paragraph)
    ).all()
    bounds = {(a, p): (s, e) for a, p, s, e in spans}
    pieces = []
    for h in hits:
        start, end = bounds.get((h.article_id, h.paragraph), (h.start, h.end))
        if end - start > 3 * SNIPPET:  # a long paragraph: the sentence with some context around it
            start, end = max(start, h.start - SNIPPET // 2), min(end, h.end + SNIPPET // 2)
        pieces.append(
            select(
                literal(h.id).label("sentence_id"),
                func.substr(Article.text, start + 1, end - start).label("text"),
            ).where(Article.id == h.article_id)
        )
    # One round trip for the whole page, and only the paragraphs travel, not whole articles.
    return {row.sentence_id: row.text or "" for row in db.session.execute(union_all(*pieces))}


def _verdicts(
    sentence_ids: set[int], viewer: User
) -> tuple[dict[int, list[dict[str, str]]], dict[int, str]]:
    if not sentence_ids:
        return {}, {}
    statement = (
        select(Annotation.sentence_id, Annotation.verdict, User.username)
        .join(User, User.id == Annotation.reviewer_id)
        .where(Annotation.sentence_id.in_(sentence_ids), Annotation.deleted_at.is_(None))
        .order_by(Annotation.id)
    )
    if not viewer.is_admin:
        statement = statement.where(Annotation.reviewer_id == viewer.id)
    verdicts: dict[int, list[dict[str, str]]] = {}
    for sentence_id, verdict, username in db.session.execute(statement):
        verdicts.setdefault(sentence_id, []).append({"verdict": str(verdict), "reviewer": username})
    finals: dict[int, str] = {}
    if viewer.is_admin:
        finals = {
            sid: str(verdict)
            for sid, verdict in db.session.execute(
                select(Adjudication.sentence_id, Adjudication.verdict).where(
                    Adjudication.sentence_id.in_(sentence_ids)
                )
            )
        }
    return verdicts, finals


def _cut(value: str, query: Query) -> str:
    """A long text cut around its first match."""
    if len(value) <= SNIPPET:
        return value
    pieces = highlight(value, query)
    at = 0
    for piece, matched in pieces:
        if matched:
            break
        at += len(piece)
    start = max(0, min(at - SNIPPET // 3, len(value) - SNIPPET))
    return (
        ("…" if start else "")
        + value[start : start + SNIPPET]
        + ("…" if start + SNIPPET < len(value) else "")
    )


def hit_data(hit: Hit) -> dict[str, Any]:
    """A result as the API returns it."""
    return {
        "kind": hit.kind,
        "id": hit.ref_id,
        "article_id": hit.article_id,
        "article_title": hit.article_title,
        "sentence_id": hit.sentence_id,
        "context": "".join(piece for piece, _ in hit.context),
        "highlights": [piece for piece, matched in hit.context + hit.detail if matched],
        "detail": "".join(piece for piece, _ in hit.detail),
        "verdicts": hit.verdicts,
        "final_verdict": hit.final,
        **hit.extra,
    }


def reindex(progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Rebuild the whole index from the tables; how many entries of each kind it holds now.
    ``progress(done, total)`` is told after each step (a table, or the full-text rebuild)."""
    statements = rebuild_statements(db.engine.dialect.name)
    for done, statement in enumerate(statements, start=1):
        db.session.execute(text(statement))
        if progress is not None:
            progress(done, len(statements))
    counts = db.session.execute(
        select(SearchEntry.kind, func.count()).group_by(SearchEntry.kind)
    ).all()
    return {kind: count for kind, count in counts}


T = TypeVar("T")
_LANGUAGES: dict[str, tuple[float, tuple[str, ...]]] = {}  # per database: when read, what
LANGUAGES_SECONDS = 300.0  # the desk's languages are read again after this long


def _read_now_and_then(cache: dict[str, tuple[float, T]], read: Callable[[], T]) -> T:
    """What ``read`` gives for this database, read again once LANGUAGES_SECONDS have passed (the
    cache holds, per database, when it was read and what)."""
    key = str(db.engine.url)
    found = cache.get(key)
    if found is None or time.monotonic() - found[0] > LANGUAGES_SECONDS:
        found = cache[key] = (time.monotonic(), read())
    return found[1]


def desk_languages() -> tuple[str, ...]:
    """The languages of the desk's articles (the most common first, at most eight), in which a
    query's words are stemmed too; read once every five minutes per process (an article created
    in this process adds its language at once: ``note_language``)."""
    return _read_now_and_then(_LANGUAGES, _read_languages)


def _read_languages() -> tuple[str, ...]:
    code = func.lower(func.substr(Article.language, 1, 2))
    rows = db.session.execute(
        select(code, func.count())
        .where(Article.language.is_not(None))
        .group_by(code)
        .order_by(func.count().desc())
        .limit(MAX_QUERY_LANGUAGES)
    ).all()
    return tuple(language for language, _ in rows if language) or ("en",)


def note_language(language: str | None) -> None:
    """An article in ``language`` was just added: search stems in it from now on."""
    code = language_code(language)
    key = str(db.engine.url)
    if code and key in _LANGUAGES and code not in _LANGUAGES[key][1]:
        read_at, languages = _LANGUAGES[key]
        _LANGUAGES[key] = (read_at, (*languages, code)[-MAX_QUERY_LANGUAGES:])
