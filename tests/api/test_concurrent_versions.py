"""Versioned writes under real concurrency: gunicorn with four worker processes on PostgreSQL.

Two requests carrying the same version arrive together: exactly one wins and the other gets 409
(never a 500). These run on PostgreSQL only: on SQLite every writer takes the one shared write lock
in turn (tests/services/test_sqlite_processes.py checks several processes there).
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
from collections import Counter
from collections.abc import Callable

import pytest

from annotator.extensions import db
from annotator.services.annotations import annotations
from annotator.services.review import adjudication
from tests.servers import HOST, app_env, free_port, running

PAIRS = 100
WORKERS = 4
CLIENT_THREADS = 8
# Under pytest-xdist (make test) these tests share one worker, so gunicorn starts once.
pytestmark = pytest.mark.xdist_group("gunicorn")


@pytest.fixture(scope="module")
def server(_migrated, database_uri, tmp_path_factory):
    if not database_uri.startswith("postgresql"):
        print("skipped: concurrent workers need PostgreSQL; run with --db-url postgresql://...")
        pytest.skip("needs PostgreSQL (--db-url): on SQLite writers take turns under one lock")
    pytest.importorskip("gunicorn", reason="gunicorn (the postgres extra) is not installed")
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    env = app_env(tmp_path / "instance", database_uri)
    env["ANNOTATOR_SECRET_KEY"] = "concurrency-test"  # noqa: S105 - a throw-away instance
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(WORKERS),
        "--threads",
        "2",
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        "--preload",
        "annotator.wsgi:app",
    ]
    with running(command, env, port, tmp_path / "gunicorn.log"):
        for _ in range(4 * WORKERS):  # every worker past its first request before the races
            send(port, "GET", "/login", {})
        yield port


@pytest.fixture
def gunicorn(server, app):
    """The running server's port, with the test's app (and its clean-up) around it."""
    return server


def send(port: int, method: str, path: str, headers: dict[str, str], body: object = None) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        data = None if body is None else json.dumps(body)
        extra = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=data, headers={**headers, **extra})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def race(port: int, requests: list[tuple[tuple, tuple]]) -> list[tuple[int, int]]:
    """Send each pair of requests at the same moment; their statuses, in pairs."""
    results: list[tuple[int, int]] = [(0, 0)] * len(requests)
    lock = threading.Lock()
    todo = list(enumerate(requests))

    def worker() -> None:
        while True:
            with lock:
                if not todo:
                    return
                index, pair = todo.pop()
            results[index] = together(port, pair)

    threads = [threading.Thread(target=worker) for _ in range(CLIENT_THREADS // 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return results


def together(port: int, pair: tuple[tuple, tuple]) -> tuple[int, int]:
    """Two requests released by one barrier: their statuses."""
    gate = threading.Barrier(2)
    statuses = [0, 0]

    def fire(slot: int, call: tuple) -> None:
        gate.wait()
        statuses[slot] = send(port, *call)

    threads = [threading.Thread(target=fire, args=(n, call)) for n, call in enumerate(pair)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses[0], statuses[1]


def expect_one_winner(results: list[tuple[int, int]], success: int) -> None:
    tally = Counter(tuple(sorted(pair)) for pair in results)
    assert tally == Counter({tuple(sorted((success, 409))): len(results)}), tally


def annotated(make_article: Callable, reviewer, count: int) -> list[int]:
    """count fresh annotations (version 1) by the reviewer."""
    ids = []
    while len(ids) < count:
        article = make_article(
            text="\n\n".join(f"Claim number {n} was made." for n in range(50)), title=f"A{len(ids)}"
        )
        for sentence in article.sentences[: count - len(ids)]:
            ids.append(annotations.annotate(sentence, {"verdict": "unproven"}, actor=reviewer).id)
    db.session.commit()
    return ids


def test_same_version_saves_give_one_success_and_one_conflict(
    gunicorn, make_article, reviewer, token_for
):
    headers = token_for(reviewer)
    ids = annotated(make_article, reviewer, PAIRS)
    calls = [
        (
            (("PATCH", f"/api/v1/annotations/{i}", headers, {"verdict": "verified", "version": 1})),
            (("PATCH", f"/api/v1/annotations/{i}", headers, {"verdict": "disputed", "version": 1})),
        )
        for i in ids
    ]
    expect_one_winner(race(gunicorn, calls), 200)


def test_same_version_deletes_give_one_success_and_one_conflict(
    gunicorn, make_article, reviewer, token_for
):
    headers = token_for(reviewer)
    ids = annotated(make_article, reviewer, 30)
    calls = [((("DELETE", f"/api/v1/annotations/{i}?version=1", headers)),) * 2 for i in ids]
    expect_one_winner(race(gunicorn, calls), 204)


def test_same_version_adjudications_give_one_success_and_one_conflict(
    gunicorn, make_article, admin, token_for
):
    headers = token_for(admin)
    article = make_article(text="\n\n".join(f"Claim number {n} was made." for n in range(30)))
    sentences = list(article.sentences)
    for sentence in sentences:
        adjudication.adjudicate(sentence, "verified", actor=admin)
    db.session.commit()
    calls = [
        (
            (
                "PUT",
                f"/api/v1/sentences/{s.id}/adjudication",
                headers,
                {"verdict": "disputed", "version": 1},
            ),
            (
                "PUT",
                f"/api/v1/sentences/{s.id}/adjudication",
                headers,
                {"verdict": "unproven", "version": 1},
            ),
        )
        for s in sentences
    ]
    expect_one_winner(race(gunicorn, calls), 200)


def test_deleting_and_saving_the_same_version_give_one_winner(
    gunicorn, make_article, reviewer, token_for
):
    headers = token_for(reviewer)
    ids = annotated(make_article, reviewer, 30)
    calls = [
        (
            ("DELETE", f"/api/v1/annotations/{i}?version=1", headers),
            ("PATCH", f"/api/v1/annotations/{i}", headers, {"note": "mine", "version": 1}),
        )
        for i in ids
    ]
    results = race(gunicorn, calls)
    tally = Counter(tuple(sorted(pair)) for pair in results)
    assert set(tally) <= {(204, 409), (200, 409)}, tally
