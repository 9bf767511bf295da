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
- hybrid: the production path with the wordllama static embedding in the re-rank, when the
  ``embeddings`` extra is installed.

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

from annotator.services.similar import BUDGET, CANDIDATES, POOL  # noqa: E402
from annotator.text import bm25, similarity  # noqa: E402

DATA = ROOT.parent / "shared" / "corpus" / "claim-retrieval"
HYBRID_WEIGHT = 0.2  # the embedding's weight beside lexical 1.0 in the hybrid run
SEED = 1

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


def embedder() -> similarity.Embedder | None:
    try:
        import wordllama
    except ImportError:
        return None
    model = wordllama.WordLlama.load(
        cache_dir=Path(wordllama.__file__).parent, disable_download=True
    )
    return lambda texts: model.embed(list(texts), norm=True).tolist()


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
    embed = embedder()
    if embed is not None:
        weights = dict(similarity.WEIGHTS, embedding=HYBRID_WEIGHT)

        def hybrid(text: str) -> list[int]:
            found = two_step(db, text)
            return [k for k, _ in similarity.rerank(text, found, embedder=embed, weights=weights)]

        rankers[f"hybrid (embedding {HYBRID_WEIGHT})"] = hybrid

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
    if embed is None:
        print(
            "hybrid not measured: the embeddings extra is not installed (pip install '.[embeddings]')"
        )
    else:
        size = install_size("wordllama", "numpy", "tokenizers", "safetensors", "huggingface-hub")
        print(f"embeddings extra: {size:.0f} MB installed (wordllama, numpy, tokenizers, ...)")


if __name__ == "__main__":
    main()
