""" "Seen before" in the app at desk scale: the panel's answer time, the worker's catch-up, the sweep.

    .venv/bin/python bench/bench_seen_before.py [--claims 10375] [--queries 100] [--copies 1]
                                              [--database-url postgresql://...]

A desk is built through the real schema: the CheckThat! training claims (shared/corpus) as judged
sentences, 50 to an article, all by one reviewer, each settled by an admin; ``--copies N`` repeats
them N times (other articles) for a bigger desk. Their vectors come from bench/claim_vectors.py's
cache (~/.cache) when the model matches, so building a 10k desk takes seconds, not minutes; then
timed, medians and p95 over the training tweets as the sentences under review:

- the panel's answer (``similar_claims``: encode the sentence, dot product over every vector,
  the lexical pool, scoring, one entry per claim), as the admin and as a reviewer (blind review),
  beside the lexical pool alone (the engine's pool and its BM25 re-rank) in the same run;
- the exact dot product alone over the matrix, and the matrix's first load from the database;
- the worker: a sweep of the work list with nothing to do, and claims encoded per second when
  200 claims are missing (``catch_up``);
- the process's peak memory with the model and the matrix loaded.

Nothing is written to the repository: SQLite lives in a temporary folder; a PostgreSQL database
given with --database-url is emptied first.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PER_ARTICLE = 50


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def build(app, texts: list[str], copies: int):
    from sqlalchemy import insert, text

    from annotator.extensions import db
    from annotator.models import Adjudication, Annotation, Article, Role, Sentence, User

    admin = User(username="boss", password_hash="x", role=Role.ADMIN)  # noqa: S106
    reviewer = User(username="ann", password_hash="x", role=Role.REVIEWER)  # noqa: S106
    db.session.add_all([admin, reviewer])
    db.session.flush()
    article_rows, sentence_rows = [], []
    for copy in range(copies):
        for first in range(0, len(texts), PER_ARTICLE):
            chunk = texts[first : first + PER_ARTICLE]
            body, offsets, at = [], [], 0
            for words in chunk:
                offsets.append((at, at + len(words)))
                body.append(words)
                at += len(words) + 2
            article_rows.append(
                {
                    "title": f"Fact-checks {copy}-{first}",
                    "text": "\n\n".join(body),
                    "offsets": offsets,
                }
            )
    for row in article_rows:
        article = Article(title=row["title"], text=row["text"], content_hash=str(hash(row["text"])))
        db.session.add(article)
        db.session.flush()
        for index, (start, end) in enumerate(row["offsets"]):
            sentence_rows.append(
                {
                    "article_id": article.id,
                    "index": index,
                    "paragraph": index,
                    "start": start,
                    "end": end,
                }
            )
    db.session.execute(insert(Sentence), sentence_rows)
    sentences = db.session.execute(db.select(Sentence.id)).scalars().all()
    db.session.execute(
        insert(Annotation),
        [
            {"sentence_id": sid, "reviewer_id": reviewer.id, "verdict": "disputed"}
            for sid in sentences
        ],
    )
    db.session.execute(
        insert(Adjudication),
        [
            {"sentence_id": sid, "verdict": "disputed", "adjudicator_id": admin.id}
            for sid in sentences
        ],
    )
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
    db.session.commit()
    return admin, reviewer


def fill_vectors(texts: list[str]) -> int:
    """Store the cached vectors of the claims (the model must match), as the worker would."""
    import numpy as np

    from annotator.extensions import db
    from annotator.models import ClaimVector
    from annotator.services.annotations import claim_vectors
    from annotator.text import encoder

    try:
        import claim_vectors as cache

        target = cache.path(encoder.MODEL, cache.bench_texts())
        known = (
            dict(zip(cache.bench_texts(), np.load(target), strict=True)) if target.exists() else {}
        )
    except Exception:
        known = {}
    work = claim_vectors.pending()
    rows = []
    for claim in work:
        vector = known.get(claim.text)
        if vector is not None:
            rows.append(
                ClaimVector(
                    sentence_id=claim.key[0],
                    span_start=claim.key[1],
                    span_end=claim.key[2],
                    text_hash=claim.text_hash,
                    model=encoder.MODEL,
                    vector=encoder.to_blob(vector),
                )
            )
    db.session.add_all(rows)
    db.session.commit()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=10_375)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    from bench_claims import load
    from flask_migrate import upgrade
    from sqlalchemy import text

    from annotator import create_app
    from annotator.extensions import db
    from annotator.models import ClaimVector
    from annotator.services.annotations import claim_vectors, similar
    from annotator.text import encoder, similarity

    claims, tweets, _ = load()
    texts = [claims[key][0] for key in sorted(claims)][: args.claims]
    folder = tempfile.mkdtemp(prefix="bench-seen-")
    url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": folder, "SECRET_KEY": "b"})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory=app.extensions["migrate"].directory)
        started = time.perf_counter()
        admin, reviewer = build(app, texts, args.copies)
        print(
            f"desk: {len(texts) * args.copies} judged claims in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        stored = fill_vectors(texts)
        print(f"vectors from the bench cache: {stored} in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        rest = claim_vectors.catch_up()
        print(f"encoded by catch_up: {rest} in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        matrix = claim_vectors.matrix()
        print(
            f"matrix first load: {matrix.size} vectors in {(time.perf_counter() - started) * 1000:.0f} ms"
        )
        sweeps = []
        for _ in range(5):
            started = time.perf_counter()
            assert claim_vectors.encode_pending() == 0
            sweeps.append(time.perf_counter() - started)
        print(f"worker sweep with nothing to do: {ms(sweeps)}")

        queries = [tweets[key] for key in sorted(tweets)][: args.queries]
        dots, encodings = [], []
        for words in queries:
            started = time.perf_counter()
            vector = encoder.encode_sentence(words)
            encodings.append(time.perf_counter() - started)
            started = time.perf_counter()
            matrix.nearest(vector, 150)
            dots.append(time.perf_counter() - started)
        print(f"encoding the sentence under review alone: {ms(encodings)}")
        print(f"exact dot product + top 150 over {matrix.size} vectors: {ms(dots)}")
        encoder._cache.clear()

        for name, viewer in (("admin", admin), ("reviewer", reviewer)):
            lexical, panel, offered = [], [], 0
            for words in queries:
                started = time.perf_counter()
                found = similar._candidates(words, viewer=viewer, article_id=0)
                similarity.rerank(words, found)
                lexical.append(time.perf_counter() - started)
                db.session.rollback()
                encoder._cache.clear()  # the sentence is new to the panel: encoded in the timing
                started = time.perf_counter()
                items = similar.similar_claims(words, viewer=viewer, article_id=0)
                panel.append(time.perf_counter() - started)
                offered += bool(items)
                db.session.rollback()
            print(f"{name}: lexical pool alone   {ms(lexical)}")
            print(f"{name}: panel (all of it)    {ms(panel)}   ({offered}/{len(queries)} offered)")

        # Catch-up speed: 200 claims lose their vectors.
        doomed = db.session.scalars(db.select(ClaimVector.id).limit(200)).all()
        db.session.execute(db.delete(ClaimVector).where(ClaimVector.id.in_(doomed)))
        db.session.commit()
        started = time.perf_counter()
        written = claim_vectors.catch_up()
        spent = time.perf_counter() - started
        print(f"catch-up: {written} claims in {spent:.1f} s = {written / spent:.1f} claims/s")
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"this process's peak memory (model, matrix, app): {peak:.0f} MB")


if __name__ == "__main__":
    main()
