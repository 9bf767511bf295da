"""Where the milliseconds of one save go: POST /api/v1/annotations with a bearer token, in process.

    .venv/bin/python bench/profile_save.py [--saves 1000] [--database-url postgresql://...] [--cprofile]

Builds a throw-away instance (SQLite file in WAL mode, or the given PostgreSQL database, emptied
first), a reviewer with a token and an imported article, then makes the saves bench_save.py makes,
one after another, through the WSGI app (no HTTP server: bench_save.py measures that part beside
the bare ceiling). Each phase is timed by wrapping the function that does it; a phase's time is
its own, without the phases inside it, so the rows add up to the total. The SQLite index triggers
are timed by running the same saves again with the triggers dropped (``--no-triggers``; the
difference is their cost). ``--cprofile`` prints cProfile's top functions instead.

The table in docs/save-profile.md comes from this script, run on this checkout and on the
previous release (``PYTHONPATH=/tmp/annotator-release-<rev>``, the copy bench_save.py makes).
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import logging
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_save import save_bodies  # this script's folder is first on sys.path

ROOT = Path(__file__).resolve().parents[1]
if not os.environ.get("PYTHONPATH"):  # PYTHONPATH=/tmp/annotator-release-... profiles that copy
    sys.path.insert(0, str(ROOT))
CORPUS_ARTICLE = ROOT.parent / "shared" / "corpus" / "kherson-withdrawal.txt"
SAMPLE_ARTICLE = ROOT / "annotator" / "sample" / "sample-article.txt"


class Phases:
    """Exclusive time per phase: a phase's time without the phases running inside it.

    CPU time of the thread (``time.thread_time``): on a shared two-core machine the wall clock
    mostly measures the neighbours. Waiting (the disk, the lock) shows in the wall-clock p50."""

    def __init__(self) -> None:
        self.own: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.stack: list[list[Any]] = []

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        if getattr(function, "_phase", None):
            return function

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            frame = [name, 0.0]  # name, time spent in nested phases
            self.stack.append(frame)
            started = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.thread_time() - started
                self.stack.pop()
                self.own[name] += elapsed - frame[1]
                self.calls[name] += 1
                if self.stack:
                    self.stack[-1][1] += elapsed

        timed._phase = name  # type: ignore[attr-defined]
        return timed

    def patch(self, owner: Any, attribute: str, name: str) -> None:
        if hasattr(owner, attribute):
            setattr(owner, attribute, self.wrap(name, getattr(owner, attribute)))

    def reset(self) -> None:
        self.own.clear()
        self.calls.clear()


def _first(*names: str) -> Any:
    for name in names:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError(names[0])


def instrument(app: Any, phases: Phases) -> None:  # noqa: C901, PLR0912 - one list of phases
    """Wrap the functions that make up a save (whichever of them this version of the code has)."""
    from sqlalchemy.orm import Session, SessionTransaction

    from annotator import sqlite_lock, uow

    # Services moved into sub-packages (issue 19): the first of the names that imports.
    annotations = _first(
        "annotator.services.annotations.annotations", "annotator.services.annotations"
    )
    assignments = _first("annotator.services.desk.assignments", "annotator.services.assignments")
    status = _first("annotator.services.desk.status", "annotator.services.status")
    ratings = _first("annotator.services.annotations.ratings", "annotator.services.ratings")
    sessions = _first("annotator.services.accounts.sessions", "annotator.services.sessions")
    users = _first("annotator.services.accounts.users", "annotator.services.users")
    audit = _first("annotator.services.audit")
    serialize = _first("annotator.services.serialize")
    api = _first("annotator.api.common", "annotator.api")
    view = _first("annotator.api.annotations", "annotator.api")

    for hooks in app.before_request_funcs.values():
        for i, hook in enumerate(hooks):
            name = getattr(hook, "__name__", "")
            label = {
                "authenticate": "authentication: other",
                "refuse_nul_characters": "Flask hooks (NUL check, write intent, login check)",
            }.get(name, "Flask hooks (NUL check, write intent, login check)")
            hooks[i] = phases.wrap(label, hook)
    for hooks in app.after_request_funcs.values():
        for i, hook in enumerate(hooks):
            hooks[i] = phases.wrap("after-request hooks (headers, gzip check)", hook)
    phases.patch(users, "user_for_token", "authentication: token lookup")
    phases.patch(sessions, "resume", "authentication: session lookup")
    phases.patch(sessions, "touch", "authentication: session write")
    phases.patch(api, "json_body", "body parsing (JSON)")
    phases.patch(view, "json_body", "body parsing (JSON)")
    phases.patch(annotations, "get_sentence", "validation: load the sentence")
    phases.patch(assignments, "require_access", "validation: desk access rule")
    phases.patch(annotations, "_clean", "validation: fields")
    phases.patch(annotations, "_refuse_unknown", "validation: fields")
    phases.patch(annotations, "check_matched_from", "validation: fields")
    phases.patch(ratings, "rate_links", "validation: link ratings (registry lookup)")
    phases.patch(annotations, "_apply", "ORM: build the objects")
    phases.patch(Session, "flush", "ORM flush: INSERT annotation and links")
    phases.patch(
        SessionTransaction, "_connection_for_bind", "the session's connection (checkout, BEGIN)"
    )
    phases.patch(annotations, "_insert", "INSERT annotation and links (index triggers fire)")
    phases.patch(annotations, "create_annotation", "service: other")
    phases.patch(audit, "record", "revision row")
    phases.patch(status, "refresh", "article status rules")
    phases.patch(annotations, "annotate", "service: other")
    phases.patch(serialize, "annotation_data", "serialising the answer")
    phases.patch(view, "annotation_data", "serialising the answer")
    phases.patch(view, "jsonify", "serialising the answer")
    phases.patch(uow, "commit", "commit (ORM)")
    phases.patch(sqlite_lock.WriteLock, "acquire", "the write lock (wait and take)")
    phases.patch(sqlite_lock.WriteLock, "release", "the write lock (wait and take)")
    phases.patch(sqlite_lock.LockedConnection, "commit", "commit (database)")
    for endpoint, view in list(app.view_functions.items()):
        if endpoint == "api.create_annotation":
            app.view_functions[endpoint] = phases.wrap("view: other", view)
    app.wsgi_app = phases.wrap("Flask and Werkzeug", app.wsgi_app)


def build(database_url: str, folder: Path) -> tuple[Any, str, list[int]]:
    """An app on a fresh database with a reviewer, a token and one article."""
    os.environ["ANNOTATOR_INSTANCE_PATH"] = str(folder / "instance")
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    from annotator import create_app, uow

    articles = _first("annotator.services.articles.articles", "annotator.services.articles")
    users = _first("annotator.services.accounts.users", "annotator.services.users")

    if database_url.startswith("postgresql"):
        engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    config = {"SECRET_KEY": "profile"}
    if database_url:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    app = create_app(config)
    logging.disable(logging.INFO)  # alembic's "Running upgrade" lines
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        user = users.create_user("bench", "verdicts-by-the-hour-2026")
        token = users.create_token(user, "bench")
        source = CORPUS_ARTICLE if CORPUS_ARTICLE.exists() else SAMPLE_ARTICLE
        article = articles.create_article(
            {"title": "Profiled", "text": source.read_text()}, actor=None
        )
        sentence_ids = [s.id for s in article.sentences]
        uow.commit()
    return app, token, sentence_ids


def drop_triggers(app: Any) -> int:
    from sqlalchemy import text

    from annotator.extensions import db

    with app.app_context(), db.engine.begin() as conn:
        if db.engine.dialect.name == "sqlite":
            names = [
                row[0]
                for row in conn.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
                )
                if row[0].startswith(("search_", "claim_"))
            ]
            for name in names:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
        else:
            names = [
                (row[0], row[1])
                for row in conn.execute(
                    text(
                        "SELECT tgname, tgrelid::regclass::text FROM pg_trigger "
                        "WHERE NOT tgisinternal AND (tgname LIKE 'search%' OR tgname LIKE 'claim%')"
                    )
                )
            ]
            for name, table in names:
                conn.execute(text(f'DROP TRIGGER "{name}" ON {table}'))
        return len(names)


def save_many(app: Any, token: str, payloads: list[bytes], count: int) -> list[float]:
    """POST each save through the WSGI app; the CPU time of each, in ms."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    times = []
    for i in range(count):
        started = time.thread_time()
        response = client.post(
            "/api/v1/annotations",
            data=payloads[i % len(payloads)],
            headers=headers,
            content_type="application/json",
        )
        times.append((time.thread_time() - started) * 1000)
        if response.status_code != 201:
            sys.exit(f"save {i} answered {response.status_code}: {response.data[:300]!r}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=1000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--no-triggers", action="store_true", help="drop the index triggers first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="profile-save-") as tmp:
        app, token, sentence_ids = build(args.database_url, Path(tmp))
        if args.no_triggers:
            print(f"dropped {drop_triggers(app)} index triggers")
        payloads = save_bodies(sentence_ids)  # the same saves as bench_save.py
        save_many(app, token, payloads, 100)  # warm-up: caches, the article's status row
        plain = save_many(app, token, payloads, args.saves)
        if args.cprofile:
            profile = cProfile.Profile()
            profile.enable()
            save_many(app, token, payloads, args.saves)
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("cumulative").print_stats(50)
            return
        phases = Phases()
        instrument(app, phases)
        save_many(app, token, payloads, 50)
        phases.reset()
        timed = save_many(app, token, payloads, args.saves)
    total = sum(phases.own.values())
    print(
        f"{args.saves} saves, {'PostgreSQL' if args.database_url else 'SQLite (WAL)'}: "
        f"CPU p50 {statistics.median(plain):.2f} ms a save without the timers, "
        f"{statistics.median(timed):.2f} ms with them; mean inside the app {total / args.saves * 1000:.2f} ms"
    )
    print()
    print(f"{'phase':52} {'ms/save':>8} {'share':>6} {'calls/save':>10}")
    for name, seconds in sorted(phases.own.items(), key=lambda item: -item[1]):
        print(
            f"{name:52} {seconds / args.saves * 1000:8.3f} {seconds / total:6.1%} "
            f"{phases.calls[name] / args.saves:10.1f}"
        )


if __name__ == "__main__":
    main()
