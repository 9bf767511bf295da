""" "Seen before": the earlier judged claims closest to a sentence or span, as the viewer may see them.

Candidates come from the claims index that the migration's triggers keep (SQLite FTS5
``bm25()``, PostgreSQL ``ts_rank_cd``), filtered in SQL by visibility; the top few dozen are
re-ranked in Python (annotator.text.similarity). docs/matching.md has the rule and the figures.
"""

from __future__ import annotations

import json
import time
from typing import Any, ClassVar

from flask_babel import gettext as _
from sqlalchemy import bindparam, text
from sqlalchemy.orm import selectinload

from annotator.extensions import db
from annotator.models import (
    Adjudication,
    Annotation,
    Article,
    EvidenceLink,
    Sentence,
    User,
)
from annotator.services import guards
from annotator.services.annotations import claim_vectors
from annotator.services.desk import settings
from annotator.services.errors import Invalid
from annotator.services.serialize import link_data
from annotator.text import bm25, claim_score, encoder, similarity
from annotator.text.language import detect_language

CANDIDATES = 40  # how many BM25 passes to the re-rank (bench/bench_claims.py)
POOL = 200  # how many rows the engine ranks by the rarer words, for BM25 over all the words
# The rarer words may hold this many claims between them (their document frequencies summed):
# what bounds the engine's work however large the desk grows (docs/matching.md).
BUDGET = 20_000
COMMON = 1_000  # document frequencies this large are kept per process ...
KEEP_SECONDS = 600.0  # ... for this long
BIG = 10_000  # a PostgreSQL claims index this large is counted from its statistics
MAX_LIMIT = 20
# The nearest stored vectors looked at: a first round, and a wider one for a reviewer when too
# few of the first are theirs to see (blind review hides other reviewers' claims).
DENSE_ROUNDS = (150, 1500)
DENSE_K = 40  # of them, the nearest visible claims scored (bench/bench_claims.py's DENSE_K)
MIN_VISIBLE = 20  # fewer of the first round's claims visible to a reviewer: look wider
ON_DEMAND = 8  # candidates without a fresh stored vector encoded per query (~20 ms each)

# One annotation's claim words: its span of the article text, or its whole sentence.
_CLAIM = (
    "substr(ar.text, coalesce(a.span_start, s.start_offset) + 1, "
    "coalesce(a.span_end, s.end_offset) - coalesce(a.span_start, s.start_offset))"
)
_JOINS = (
    "JOIN annotations a ON a.id = {key} "
    "JOIN sentences s ON s.id = a.sentence_id "
    "JOIN articles ar ON ar.id = s.article_id"
)
# Who sees which earlier verdicts: reviewers judge blind, so a reviewer sees their own
# annotations and, once an admin has settled a sentence, the annotations that agree with the
# final verdict; never another reviewer's verdict that nobody has adjudicated. Admins see all.
_VISIBLE = (
    "a.deleted_at IS NULL AND ar.deleted_at IS NULL "
    "AND (:admin OR a.reviewer_id = :viewer OR EXISTS ("
    "SELECT 1 FROM adjudications adj WHERE adj.sentence_id = a.sentence_id "
    "AND adj.verdict = a.verdict))"
)
# Built from the constants above only; the user's words go in as the bound :match. The inner
# query ranks and filters ids only; the claims' words are cut from the article text for the pool.
_POOL = (
    f"SELECT a.id, {_CLAIM}, a.attributed_to, r.rank FROM ({{ranked}}) AS r "  # noqa: S608
    f"{_JOINS.format(key='r.id')} ORDER BY r.rank {{order}}"
)
_SQLITE = _POOL.format(
    ranked=(
        "SELECT a.id AS id, bm25(claim_index) AS rank "  # noqa: S608
        f"FROM claim_index {_JOINS.format(key='claim_index.rowid')} "
        f"WHERE claim_index MATCH :match AND s.article_id <> :article AND {_VISIBLE} "
        "ORDER BY rank LIMIT :limit"
    ),
    order="",
)
# An admin sees every claim, so the engine ranks the index alone (no join per matching row) and
# only the best OVER rows are joined to drop deleted ones and the article under review.
_SQLITE_ADMIN = (
    f"SELECT a.id, {_CLAIM}, a.attributed_to, r.rank FROM ("  # noqa: S608
    "SELECT rowid AS id, bm25(claim_index) AS rank FROM claim_index "
    "WHERE claim_index MATCH :match ORDER BY rank LIMIT :over) AS r "
    f"{_JOINS.format(key='r.id')} WHERE s.article_id <> :article "
    "AND a.deleted_at IS NULL AND ar.deleted_at IS NULL ORDER BY r.rank LIMIT :limit"
)
# PostgreSQL: the pool's terms come from the tsvector the rank reads anyway; the article text
# (out of line, in TOAST) is read only for the best 40 (_TEXTS).
_POSTGRESQL = (
    "SELECT a.id, ci.document::text, "  # noqa: S608
    "ts_rank_cd(ci.document, to_tsquery('english', :match)) AS rank "
    f"FROM claim_index ci {_JOINS.format(key='ci.annotation_id')} "
    f"WHERE ci.document @@ to_tsquery('english', :match) AND s.article_id <> :article "
    f"AND {_VISIBLE} ORDER BY rank DESC LIMIT :limit"
)
_TEXTS = (
    f"SELECT a.id, {_CLAIM}, a.attributed_to FROM annotations a "  # noqa: S608
    "JOIN sentences s ON s.id = a.sentence_id JOIN articles ar ON ar.id = s.article_id "
    "WHERE a.id = ANY(:ids)"
)

_EXISTS = (
    "SELECT 1 FROM annotations a JOIN sentences s ON s.id = a.sentence_id "  # noqa: S608
    f"JOIN articles ar ON ar.id = s.article_id WHERE a.id = :id AND {_VISIBLE}"
)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _candidates(query: str, *, viewer: User, article_id: int) -> list[similarity.Candidate]:
    """The engine's pool for the query's rarer words, re-scored with BM25 over all its words."""
    sqlite = _dialect() == "sqlite"
    statistics = _Statistics(sqlite)

    def fetch(match: str) -> list[tuple[Any, ...]]:
        rows = db.session.execute(
            text(_POSTGRESQL if not sqlite else _SQLITE_ADMIN if viewer.is_admin else _SQLITE),
            {
                "match": match,
                "viewer": viewer.id,
                "admin": viewer.is_admin,
                "article": article_id,
                "limit": POOL,
                "over": 2 * POOL,
            },
        )
        if sqlite:
            return [(key, claim, attributed or "") for key, claim, attributed, _rank in rows]
        return [(key, bm25.tsvector_terms(document)) for key, document, _rank in rows]

    def texts(ids: list[int]) -> dict[int, tuple[str, str]]:
        rows = db.session.execute(text(_TEXTS), {"ids": ids})
        return {key: (claim, attributed or "") for key, claim, attributed in rows}

    return bm25.candidates(
        query,
        engine="sqlite" if sqlite else "postgresql",
        frequencies=statistics.frequencies,
        total=statistics.total,
        fetch=fetch,
        budget=BUDGET,
        keep=CANDIDATES,
        texts=None if sqlite else texts,
    )


class _Statistics:
    """How many claims hold each word, and how many claims there are, as the engine reports.

    Counting a common word's rows costs time in proportion to them, so frequencies of at least
    ``COMMON`` are kept per process for ``KEEP_SECONDS``, per database: a word in thousands of
    claims changes its weight slowly. Rarer words are counted afresh on every query, which is
    cheap and keeps a small desk's figures exact.
    """

    _cache: ClassVar[dict[tuple[str, str], tuple[int, float]]] = {}
    _common: ClassVar[dict[str, tuple[dict[str, float], float]]] = {}

    def __init__(self, sqlite: bool) -> None:
        if len(self._cache) > 200_000:
            self._cache.clear()
        self.sqlite = sqlite
        self.key = db.session.get_bind().url.render_as_string(hide_password=True)
        self._total: int | None = None

    def frequencies(self, terms: dict[str, str]) -> dict[str, int]:
        """``{term: rows holding it}`` for ``terms`` (word -> the engine's term for it)."""
        now = time.monotonic()
        known: dict[str, int] = {}
        missing: dict[str, str] = {}
        for word, term in terms.items():
            cached = self._cache.get((self.key, term))
            if cached is not None and cached[1] > now:
                known[term] = cached[0]
            elif term not in known:
                missing[word] = term
        if missing:
            counted = self._count(missing)
            for term, frequency in counted.items():
                known[term] = frequency
                if frequency >= COMMON:
                    self._cache[(self.key, term)] = (frequency, now + KEEP_SECONDS)
        return known

    def _count(self, missing: dict[str, str]) -> dict[str, int]:
        if self.sqlite:  # one lookup per word: fts5vocab answers `term = ?` from the index,
            # but `term IN (...)` by walking every term
            found = dict(
                db.session.execute(
                    text(
                        "SELECT w.value, (SELECT doc FROM claim_vocab WHERE term = w.value) "
                        "FROM json_each(:terms) AS w"
                    ),
                    {"terms": json.dumps(sorted(set(missing.values())))},
                ).all()
            )
            return {term: int(found.get(term) or 0) for term in missing.values()}
        common, total = self._postgresql_statistics()
        counts = {term: round(common[term] * total) for term in missing.values() if term in common}
        rest = {word: term for word, term in missing.items() if term not in counts}
        if rest:
            rows = db.session.execute(
                text(
                    "SELECT w, (SELECT count(*) FROM claim_index "
                    "WHERE document @@ to_tsquery('english', w)) "
                    "FROM unnest(CAST(:words AS text[])) AS w"
                ),
                {"words": list(rest)},
            ).all()
            for word, frequency in rows:
                counts[rest[word]] = max(counts.get(rest[word], 0), int(frequency))
        return counts

    def _postgresql_statistics(self) -> tuple[dict[str, float], int]:
        """The most common lexemes with their share of rows, as ANALYZE left them (big tables).

        Up to 10,000 lexemes: read once per process and database for ``KEEP_SECONDS``, like the
        frequencies they give."""
        total = self.total()
        if total < BIG:
            return {}, total
        now = time.monotonic()
        cached = self._common.get(self.key)
        if cached is None or cached[1] <= now:
            row = db.session.execute(
                text(
                    "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                    "WHERE schemaname = current_schema() AND tablename = 'claim_index' "
                    "AND attname = 'document'"
                )
            ).first()
            common = (
                {} if row is None or row[0] is None else dict(zip(row[0], row[1], strict=False))
            )
            cached = self._common[self.key] = (common, now + KEEP_SECONDS)
        return cached[0], total

    def total(self) -> int:
        """How many claims the index holds (the planner's figure on a big PostgreSQL table);
        asked once per query however often it is needed."""
        if self._total is None:
            self._total = self._count_rows()
        return self._total

    def _count_rows(self) -> int:
        if self.sqlite:
            return (
                _fts5_rows()
                or db.session.execute(text("SELECT count(*) FROM claim_index")).scalar_one()
            )
        estimate = db.session.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = to_regclass('claim_index')")
        ).scalar()
        if estimate is not None and estimate >= BIG:
            return int(estimate)
        return db.session.execute(text("SELECT count(*) FROM claim_index")).scalar_one()


def _fts5_rows() -> int:
    """The claims index's row count from FTS5's own averages record (0 when unreadable).

    FTS5 keeps it as the first varint of the row with id 1 of its ``_data`` table, so reading
    it costs one lookup where ``count(*)`` walks every row.
    """
    block = db.session.execute(text("SELECT block FROM claim_index_data WHERE id = 1")).scalar()
    if not block:
        return 0
    value = 0
    for index, byte in enumerate(bytes(block)[:9]):
        if index == 8:
            return (value << 8) | byte
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value
    return 0


def similar_claims(
    query: str, *, viewer: User, article_id: int, limit: int = 5
) -> list[dict[str, Any]]:
    """The earlier judged claims from other articles that may make the same claim as ``query``.

    Candidates: the nearest stored claim vectors (an exact dot product over every claim's
    vector, annotator.services.annotations.claim_vectors) and the lexical pool of the claims index. Each
    distinct claim (a sentence or span, however many judged it) is scored once with
    ``claim_score.probability`` and offered only at or above the desk's related tier, best first:
    its words, language, tier and score, the words it shares with the query, its verdicts as
    the viewer may see them (the final one when an admin settled it), attribution, evidence
    links and article. Notes are never included.
    """
    limit = min(max(limit, 1), MAX_LIMIT)
    if not any(ch.isalnum() for ch in query):
        return []
    same, related = match_thresholds()
    query_vector = encoder.encode_sentence(query)
    store = claim_vectors.matrix()
    lexical = [key for key, _ in similarity.rerank(query, _lexical(query, viewer, article_id))]
    lexical_ids = set(lexical)
    tried: set[claim_vectors.Key] = set()
    scored: dict[claim_vectors.Key, tuple[float, str]] = {}
    groups: dict[claim_vectors.Key, list[int]] = {}
    texts: dict[claim_vectors.Key, str] = {}
    for round_size in DENSE_ROUNDS:
        nearest = store.nearest(query_vector, round_size)
        fresh = {}  # key -> (its vector's text hash, cosine), nearest first
        for key, digest, cosine in nearest:
            fresh.setdefault(key, (digest, cosine))
        found = _visible_claims(
            {key[0] for key in fresh} | _sentences_of(lexical),
            viewer=viewer,
            article_id=article_id,
            keys=set(fresh),
            annotation_ids=set(lexical),
        )
        for key, (ids, words) in found.items():
            groups.setdefault(key, ids)
            texts[key] = words
        # Scored: the DENSE_K nearest claims the viewer may see, and the lexical pool's.
        nearest_visible = [key for key in fresh if key in found][: DENSE_K + len(tried)]
        lexical_keys = {key for key, (ids, _) in found.items() if lexical_ids & set(ids)}
        todo = [
            key
            for key in dict.fromkeys([*nearest_visible, *sorted(lexical_keys)])
            if key not in tried
        ]
        tried.update(todo)
        cosines = {
            key: cosine
            for key, (digest, cosine) in fresh.items()
            if key in found and digest == claim_vectors.text_hash(texts[key])
        }
        vectors = claim_vectors.vectors_of(
            [(key, texts[key]) for key in todo if key not in cosines], encode_at_most=ON_DEMAND
        )
        for key in todo:
            cosine = cosines.get(key)
            if cosine is None and key in vectors:
                cosine = float(vectors[key] @ query_vector)
            if cosine is None:
                continue  # not encoded yet, and this query's share of encoding is spent
            p = claim_score.probability(query, texts[key], cosine)
            offered = claim_score.tier(p, query, same=same, related=related)
            if offered:
                scored[key] = (p, offered)
        visible = sum(key in found for key in fresh)
        if viewer.is_admin or visible >= MIN_VISIBLE or len(nearest) < round_size:
            break
    best = sorted(scored, key=lambda key: (-scored[key][0], key))[:limit]
    return _entries(best, scored, groups, texts, query=query, viewer=viewer)


def _lexical(query: str, viewer: User, article_id: int) -> list[similarity.Candidate]:
    return _candidates(query, viewer=viewer, article_id=article_id)


def _sentences_of(annotation_ids: list[int]) -> set[int]:
    if not annotation_ids:
        return set()
    return set(
        db.session.scalars(
            db.select(Annotation.sentence_id).where(Annotation.id.in_(annotation_ids))
        )
    )


_VISIBLE_OF = (
    "SELECT a.id, a.sentence_id, coalesce(a.span_start, -1), coalesce(a.span_end, -1), "  # noqa: S608
    f"{_CLAIM} FROM annotations a JOIN sentences s ON s.id = a.sentence_id "
    "JOIN articles ar ON ar.id = s.article_id "
    f"WHERE a.sentence_id IN :sentences AND s.article_id <> :article AND {_VISIBLE} "
    "ORDER BY a.id"
)


def _visible_claims(
    sentence_ids: set[int],
    *,
    viewer: User,
    article_id: int,
    keys: set[claim_vectors.Key],
    annotation_ids: set[int],
) -> dict[claim_vectors.Key, tuple[list[int], str]]:
    """The candidate claims the viewer may see: key -> (their visible annotations, words)."""
    if not sentence_ids:
        return {}
    rows = db.session.execute(
        text(_VISIBLE_OF).bindparams(bindparam("sentences", expanding=True)),
        {
            "sentences": sorted(sentence_ids),
            "article": article_id,
            "viewer": viewer.id,
            "admin": viewer.is_admin,
        },
    )
    every: dict[claim_vectors.Key, tuple[list[int], str]] = {}
    wanted: set[claim_vectors.Key] = set(keys)
    for ann_id, sid, start, end, words in rows:
        key = (sid, start, end)
        every.setdefault(key, ([], words or ""))[0].append(ann_id)
        if ann_id in annotation_ids:
            wanted.add(key)
    return {key: found for key, found in every.items() if key in wanted}


def _entries(
    best: list[claim_vectors.Key],
    scored: dict[claim_vectors.Key, tuple[float, str]],
    groups: dict[claim_vectors.Key, list[int]],
    texts: dict[claim_vectors.Key, str],
    *,
    query: str,
    viewer: User,
) -> list[dict[str, Any]]:
    ids = [ann_id for key in best for ann_id in groups[key]]
    if not ids:
        return []
    annotations = {
        ann.id: ann
        for ann in db.session.scalars(
            db.select(Annotation)
            .where(Annotation.id.in_(ids))
            .options(
                selectinload(Annotation.links).selectinload(EvidenceLink.source),
                selectinload(Annotation.reviewer),
                selectinload(Annotation.sentence).selectinload(Sentence.article),
            )
        )
    }
    final = dict(
        db.session.execute(
            db.select(Adjudication.sentence_id, Adjudication.verdict).where(
                Adjudication.sentence_id.in_({key[0] for key in best})
            )
        ).all()
    )
    entries = []
    for key in best:
        judged = [annotations[i] for i in groups[key] if i in annotations]
        if judged:
            p, offered = scored[key]
            entries.append(_match(judged, texts[key], p, offered, final.get(key[0]), viewer, query))
    return entries


def _representative(judged: list[Annotation], final: object, viewer: User) -> Annotation:
    """The judgement a copy takes: one agreeing with the final verdict, else the viewer's own,
    else the latest."""
    agreeing = [a for a in judged if final and a.verdict == final] or judged
    own = [a for a in agreeing if a.reviewer_id == viewer.id]
    return (own or sorted(agreeing, key=lambda a: (a.updated_at, a.id)))[-1]


def _match(
    judged: list[Annotation],
    claim: str,
    score: float,
    offered: str,
    final: object,
    viewer: User,
    query: str,
) -> dict[str, Any]:
    ann = _representative(judged, final, viewer)
    article: Article = ann.sentence.article
    language = article.language or detect_language(claim)
    in_query, in_claim = claim_score.shared_spans(query, claim)

    def who(a: Annotation) -> str | None:
        own = viewer.is_admin or a.reviewer_id == viewer.id
        return a.reviewer.username if own and a.reviewer else None

    return {
        "annotation_id": ann.id,
        "annotation_ids": [a.id for a in judged],
        "score": round(score, 3),
        "tier": offered,
        "claim": claim,
        "language": language,
        "language_name": language_name(language),
        "verdict": str(ann.verdict),
        "final_verdict": str(final) if final else None,
        "verdicts": [{"verdict": str(a.verdict), "reviewer": who(a)} for a in judged],
        "attributed_to": ann.attributed_to,
        "links": [link_data(link) for link in ann.links],
        "reviewer": who(ann),
        "sentence_id": ann.sentence_id,
        "span": None if ann.span_start is None else {"start": ann.span_start, "end": ann.span_end},
        "article": {"id": article.id, "title": article.title, "published_at": article.published_at},
        "shared": {
            "query": [list(span) for span in in_query],
            "claim": [list(span) for span in in_claim],
        },
    }


def language_name(language: str | None) -> str:
    """A reader's name for a claim's language: "Spanish", "sv", or "language not known"."""
    if not language:
        return _("language not known")
    from annotator.i18n import language_only  # (the page's language; imported late: no cycle)

    return language_only(language.replace("_", "-").split("-")[0].lower())


# --------------------------------------------------------------------------- the tiers

SAME_SETTING = "match_same_claim"
RELATED_SETTING = "match_related"


def match_thresholds() -> tuple[float, float]:
    """The desk's tiers: (same claim, related), calibrated probabilities in [0, 1]."""
    values = settings.read(SAME_SETTING, RELATED_SETTING)
    return (
        _probability(values.get(SAME_SETTING), claim_score.SAME_CLAIM),
        _probability(values.get(RELATED_SETTING), claim_score.RELATED),
    )


def _probability(value: str | None, default: float) -> float:
    try:
        number = float(value) if value is not None else default
    except ValueError:
        return default
    return number if 0.0 <= number <= 1.0 else default


def set_match_thresholds(same: object, related: object, *, actor: User) -> tuple[float, float]:
    """Admins set the two tiers (probabilities, related at most same); audited."""
    guards.require_admin(actor, _("Only an admin can change the desk's rules."))
    problems: dict[str, str] = {}
    numbers = {}
    for name, value in (("same_claim", same), ("related", related)):
        number = _number(value)
        if number is None or not 0.0 < number <= 1.0:
            problems[name] = _("must be a probability above 0 and at most 1 (for example 0.8).")
        numbers[name] = number
    if not problems and numbers["related"] > numbers["same_claim"]:
        problems["related"] = _("must not be above the same-claim tier.")
    if problems:
        raise Invalid(problems)
    before = match_thresholds()
    after = (numbers["same_claim"], numbers["related"])
    settings.write(
        {SAME_SETTING: f"{after[0]:g}", RELATED_SETTING: f"{after[1]:g}"},
        actor=actor,
        before={SAME_SETTING: before[0], RELATED_SETTING: before[1]},
        after={SAME_SETTING: after[0], RELATED_SETTING: after[1]},
    )
    return after  # type: ignore[return-value]


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and len(value) < 20:
        try:
            return float(value.strip().rstrip("%")) / (100 if value.strip().endswith("%") else 1)
        except ValueError:
            return None
    return None


def can_match_from(viewer: User, annotation_id: int) -> bool:
    """Whether ``viewer`` may see annotation ``annotation_id`` as a match (the rule above)."""
    row = db.session.execute(
        text(_EXISTS),
        {"id": annotation_id, "viewer": viewer.id, "admin": viewer.is_admin},
    ).first()
    return row is not None


def refuse_unseen_match(matched: int | None, viewer: User, itself: int | None = None) -> None:
    """Invalid unless ``matched`` is None or an annotation ``viewer`` may see as a match."""
    if matched is not None and (matched == itself or not can_match_from(viewer, matched)):
        raise Invalid(
            {"matched_from": f"there is no earlier annotation {matched} you can match from."}
        )


def rebuild_index() -> int:
    """Refill the claims index from the annotations; returns how many it holds."""
    source = (
        "FROM annotations a JOIN sentences s ON s.id = a.sentence_id "
        "JOIN articles ar ON ar.id = s.article_id"
    )
    if _dialect() == "sqlite":
        db.session.execute(text("DELETE FROM claim_index"))
        db.session.execute(
            text(
                "INSERT INTO claim_index(rowid, claim, attributed_to) "
                f"SELECT a.id, {_CLAIM}, a.attributed_to {source}"
            )
        )
    else:
        db.session.execute(text("DELETE FROM claim_index"))
        db.session.execute(
            text(
                "INSERT INTO claim_index(annotation_id, document) SELECT a.id, "
                f"to_tsvector('english', {_CLAIM} || ' ' || a.attributed_to) {source}"
            )
        )
        db.session.execute(text("ANALYZE claim_index"))  # its word statistics pick the pool
    return db.session.execute(text("SELECT count(*) FROM claim_index")).scalar_one()


def similar_to_sentence(
    sentence: Sentence,
    *,
    viewer: User,
    start: object = None,
    end: object = None,
    limit: object = 5,
) -> dict[str, Any]:
    """Matches for a sentence, or for the span ``start``..``end`` (article offsets) inside it."""
    problems: dict[str, str] = {}
    bounds = []
    for name, value, default in (("start", start, sentence.start), ("end", end, sentence.end)):
        if value is None or value == "":
            bounds.append(default)
        elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
            bounds.append(int(value))
        else:
            problems[name] = "must be a whole number: an offset in the article's text."
    count = _whole(limit)
    if count is None:
        problems["limit"] = f"must be a whole number from 1 to {MAX_LIMIT}."
    if problems:
        raise Invalid(problems)
    first, last = bounds
    if not sentence.start <= first < last <= sentence.end:
        raise Invalid(
            {"span": f"must lie inside the sentence ({sentence.start} to {sentence.end})."}
        )
    article = sentence.article
    query = article.text[first:last]
    items = similar_claims(query, viewer=viewer, article_id=article.id, limit=count)
    return {
        "sentence_id": sentence.id,
        "span": {"start": first, "end": last},
        "text": query,
        "items": items,
    }


def _whole(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 4:
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_LIMIT else None
