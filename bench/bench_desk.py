"""What running a desk costs: the status rules on every save, the queue's Continue, the dashboard.

Run from the repository root: ``.venv/bin/python bench/bench_desk.py`` (under a minute). In-process,
on a throw-away SQLite instance: 60 articles of 40 sentences, 6 reviewers, each article assigned to
two of them, half of the work already judged. Baselines measured in the same run, alternating rounds:

(a) saving a judgement (the service call and its commit) with the desk's status rules, beside the
    same save with the rules switched off: the ratio is what the rules add to a save;
(b) Continue (the next unjudged sentence across a reviewer's whole queue) beside the article list's
    existing "next article to review" (one article, no sentence);
(c) the dashboard's agreement tables over all articles (alpha, Fleiss, every pair) beside the
    existing agreement page's comparison of one article.

Figures are medians of CPU time (time.process_time: steadier than wall time on a shared
machine); expect some variance between runs all the same.
"""

from __future__ import annotations

import itertools
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator import create_app  # noqa: E402
from annotator.extensions import db  # noqa: E402
from annotator.models import Annotation, Role, User  # noqa: E402
from annotator.services.annotations.annotations import annotate, update_annotation  # noqa: E402
from annotator.services.articles import articles  # noqa: E402
from annotator.services.desk import assignments, queue, status  # noqa: E402
from annotator.services.review import adjudication, agreement  # noqa: E402

ARTICLES, SENTENCES, REVIEWERS = 60, 40, 6
ROUNDS, SAVES = 7, 60
VERDICTS = ("verified", "unproven", "disputed")


def build() -> list[User]:
    rng = random.Random(13)  # noqa: S311 - test data, not secrets
    people = [
        User(username=f"r{i}", password_hash="!", role=Role.REVIEWER)  # noqa: S106
        for i in range(REVIEWERS)
    ]
    boss = User(username="boss", password_hash="!", role=Role.ADMIN)  # noqa: S106
    db.session.add_all([*people, boss])
    db.session.flush()
    for a in range(ARTICLES):
        text = f"Story {a}\n\n" + " ".join(
            f"Officials said on day {i} that {rng.randint(2, 900)} homes were hit."
            for i in range(SENTENCES - 1)
        )
        article = articles.create_article(
            {"title": f"Story {a}", "text": text}, actor=boss, force=True
        )
        db.session.flush()
        pair = rng.sample(people, 2)
        assignments.assign([article], reviewers=[p.username for p in pair], actor=boss)
        for sentence in db.session.get(type(article), article.id).sentences[: SENTENCES // 2]:
            for person in pair:
                annotate(sentence, {"verdict": rng.choice(VERDICTS)}, actor=person)
    db.session.commit()
    return people


def timed(fn, repeat: int = 1) -> float:
    """CPU milliseconds of this process per call: steadier than wall time on a shared machine
    (SQLite runs in-process, so its work is counted too)."""
    start = time.process_time()
    for _ in range(repeat):
        fn()
    return (time.process_time() - start) / repeat * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "INSTANCE_PATH": tmp,
                "SECRET_KEY": "bench",
            }
        )
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(directory=app.extensions["migrate"].directory)
            people = build()
            reviewer = people[0]
            mine = list(
                db.session.scalars(
                    db.select(Annotation).where(Annotation.reviewer_id == reviewer.id).limit(SAVES)
                )
            )
            verdicts = itertools.cycle(VERDICTS)
            real_refresh = status.refresh
            with_rules, without_rules = [], []

            def saves() -> None:
                for ann in mine:
                    update_annotation(
                        ann,
                        {"verdict": next(verdicts)},
                        actor=reviewer,
                        expected_version=ann.version,
                    )
                    db.session.commit()

            for _ in range(ROUNDS):
                status.refresh = real_refresh
                with_rules.append(timed(saves) / len(mine))
                status.refresh = lambda *_a, **_k: None  # the same save without the desk's rules
                without_rules.append(timed(saves) / len(mine))
            status.refresh = real_refresh

            # (a2) first judgements of sentences (creates): the common save when working a queue
            from annotator.models import Assignment, Sentence

            fresh = list(
                db.session.scalars(
                    db.select(Sentence)
                    .join(Assignment, Assignment.article_id == Sentence.article_id)
                    .where(
                        Assignment.reviewer_id == reviewer.id,
                        ~db.exists().where(
                            Annotation.sentence_id == Sentence.id,
                            Annotation.reviewer_id == reviewer.id,
                        ),
                    )
                    .order_by(Sentence.article_id, Sentence.index)
                )
            )
            per_round = len(fresh) // (2 * ROUNDS)
            pool = iter(fresh)
            create_with, create_without = [], []

            def creates() -> None:
                for _ in range(per_round):
                    annotate(next(pool), {"verdict": next(verdicts)}, actor=reviewer)
                    db.session.commit()

            for _ in range(ROUNDS):
                status.refresh = real_refresh
                create_with.append(timed(creates) / per_round)
                status.refresh = lambda *_a, **_k: None
                create_without.append(timed(creates) / per_round)
            status.refresh = real_refresh

            cont, baseline_next = [], []
            for _ in range(ROUNDS):
                cont.append(timed(lambda: queue.next_in_queue(reviewer), 20))
                baseline_next.append(
                    timed(lambda: articles.next_article_to_review(viewer=reviewer), 20)
                )

            boss = db.session.scalar(db.select(User).where(User.username == "boss"))
            one = db.session.scalar(db.select(Annotation.sentence_id).limit(1))
            first_article = db.session.get(Sentence, one).article_id
            tables, single = [], []
            for _ in range(ROUNDS):
                tables.append(
                    timed(
                        lambda: agreement.agreement_tables(agreement.Scope(), viewer=boss),
                        3,
                    )
                )
                single.append(timed(lambda: adjudication.agreement(first_article, viewer=boss), 3))

    def line(name: str, ours: list[float], base: list[float], base_name: str) -> None:
        a, b = statistics.median(ours), statistics.median(base)
        print(f"{name:<44} {a:8.2f} ms   {base_name:<40} {b:8.2f} ms   ratio {a / b:5.2f}")

    print(
        f"{ARTICLES} articles x {SENTENCES} sentences, {REVIEWERS} reviewers, {ROUNDS} rounds (medians)"
    )
    line(
        "verdict changed + commit, with status rules",
        with_rules,
        without_rules,
        "the same save without them",
    )
    line(
        "first judgement + commit, with status rules",
        create_with,
        create_without,
        "the same save without them",
    )
    line(
        "Continue (next sentence across the queue)",
        cont,
        baseline_next,
        "next article to review (list page)",
    )
    line(
        f"agreement tables over {ARTICLES} articles",
        tables,
        single,
        "agreement page of one article",
    )


if __name__ == "__main__":
    main()
