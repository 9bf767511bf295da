"""`annotator serve` on SQLite holds the requests that write in its own queue and runs them one
at a time, in the order they came, each by the thread that finished the one before; a read never
waits for them, and a write that waited there longer than the write lock would is told so (503)
and changes nothing."""

from __future__ import annotations

import http.client
import json
import logging
import threading
import time
from collections.abc import Callable

import pytest

from annotator import serving, sqlite_lock
from annotator.extensions import db
from annotator.models import Annotation
from tests.conftest import count
from tests.servers import HOST, in_thread


class _Request:
    def __init__(self, command: str) -> None:
        self.command = command
        self.path = "/somewhere"
        self.error = None


class _Channel:
    """Stands in for a waitress channel: one request; serving it is noted and may wait."""

    def __init__(
        self, name: str, command: str, log: list, gate: threading.Event | None = None
    ) -> None:
        self.name = name
        self.requests = [_Request(command)]
        self.log = log
        self.gate = gate
        self.fails = False
        self.cancelled = False
        self.done = threading.Event()

    def service(self) -> None:
        thread = threading.current_thread().name
        self.log.append(("start", self.name, thread, serving.queued_seconds()))
        try:
            if self.gate is not None:
                assert self.gate.wait(10)
            if self.fails:
                raise RuntimeError("the app failed")
        finally:
            self.log.append(("end", self.name, thread, 0.0))
            self.done.set()

    def cancel(self) -> None:
        self.cancelled = True


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"waited 10 s for {what}"
        time.sleep(0.005)


@pytest.fixture
def dispatcher():
    pool = serving.WritesInTurn(lambda method, _path: method != "GET")
    pool.set_thread_count(4)
    yield pool
    pool.shutdown(timeout=1)


def _started(log: list, name: str) -> bool:
    return any(event[:2] == ("start", name) for event in log)


def test_writes_run_one_at_a_time_in_the_order_they_came_and_reads_beside_them(dispatcher):
    log: list = []
    gate = threading.Event()
    first = _Channel("write 1", "POST", log, gate)
    dispatcher.add_task(first)
    _until(lambda: _started(log, "write 1"), "the first write to start")
    second, third = _Channel("write 2", "POST", log), _Channel("write 3", "PUT", log)
    dispatcher.add_task(second)
    dispatcher.add_task(third)
    read = _Channel("read", "GET", log)
    dispatcher.add_task(read)

    assert read.done.wait(5), "a read waited for a write"
    time.sleep(0.2)
    assert not _started(log, "write 2")
    assert not _started(log, "write 3")
    gate.set()
    assert third.done.wait(5)

    writes = [event for event in log if event[1] != "read"]
    assert [event[:2] for event in writes] == [
        ("start", "write 1"),
        ("end", "write 1"),
        ("start", "write 2"),
        ("end", "write 2"),
        ("start", "write 3"),
        ("end", "write 3"),
    ]
    assert len({event[2] for event in writes}) == 1  # no thread woken between two writes


def test_a_write_knows_how_long_it_waited_in_the_queue(dispatcher):
    log: list = []
    gate = threading.Event()
    dispatcher.add_task(_Channel("write 1", "POST", log, gate))
    _until(lambda: _started(log, "write 1"), "the first write to start")
    second = _Channel("write 2", "POST", log)
    dispatcher.add_task(second)
    time.sleep(0.3)
    gate.set()
    assert second.done.wait(5)
    read = _Channel("read", "GET", log)
    dispatcher.add_task(read)
    assert read.done.wait(5)
    waited = {event[1]: event[3] for event in log if event[0] == "start"}
    assert waited["write 2"] >= 0.3
    assert waited["write 1"] < 0.3
    assert waited["read"] == 0.0


def test_a_write_that_fails_does_not_hold_up_the_next(dispatcher, caplog):
    caplog.set_level(logging.ERROR, logger="waitress")  # a live server's stop may have muted it
    log: list = []
    gate = threading.Event()
    failing = _Channel("write 1", "POST", log, gate)
    failing.fails = True
    dispatcher.add_task(failing)
    _until(lambda: _started(log, "write 1"), "the first write to start")
    following = _Channel("write 2", "POST", log)
    dispatcher.add_task(following)
    gate.set()
    assert following.done.wait(5)
    assert "the app failed" in caplog.text


def test_stopping_the_server_cancels_the_writes_still_queued():
    log: list = []
    gate = threading.Event()
    pool = serving.WritesInTurn(lambda method, _path: method != "GET")
    pool.set_thread_count(2)
    pool.add_task(_Channel("write 1", "POST", log, gate))
    _until(lambda: _started(log, "write 1"), "the first write to start")
    queued = _Channel("write 2", "POST", log)
    pool.add_task(queued)
    stopping = threading.Thread(target=pool.shutdown, kwargs={"timeout": 0.3})
    stopping.start()
    stopping.join(timeout=5)
    gate.set()
    _until(lambda: not pool.threads, "the threads to stop")
    assert queued.cancelled
    assert not _started(log, "write 2")


def _sqlite_pool(app):
    options = serving.pool(app, 2)
    if "_dispatcher" not in options:
        pytest.skip("PostgreSQL writes in parallel: annotator serve uses waitress's own pool")
    return options["_dispatcher"]


def test_on_sqlite_the_requests_queued_are_those_that_write(app):
    pool = _sqlite_pool(app)
    try:
        assert pool.writes("POST", "/api/v1/annotations")
        assert pool.writes("DELETE", "/api/v1/annotations/7")
        assert not pool.writes("GET", "/api/v1/annotations/7")
        assert not pool.writes("POST", "/import/preview")  # marked reads_only
        assert not pool.writes("POST", "/no/such/page")
        assert not pool.writes("PUT", "/api/v1/annotations")  # 405: answered without writing
    finally:
        pool.shutdown()


def test_postgresql_is_served_by_waitress_own_pool(app):
    if app.extensions["write_turns"] is not None:
        pytest.skip("SQLite: its writes are queued (the other tests here)")
    assert serving.pool(app, 3) == {"threads": 3}


def test_a_write_that_waited_in_the_queue_past_the_lock_timeout_is_told_so(
    app, make_article, reviewer, token_for
):
    pool = _sqlite_pool(app)
    pool.shutdown()
    article = make_article()
    headers = token_for(reviewer)
    before = count(Annotation)
    answers = []

    class Late:  # a channel whose request reaches the app after the lock's whole timeout
        def service(self) -> None:
            answers.append(
                app.test_client().post(
                    "/api/v1/annotations",
                    headers=headers,
                    json={"sentence_id": article.sentences[0].id, "verdict": "verified"},
                )
            )

    late = serving._Write(Late(), pool)
    late.queued_at -= sqlite_lock.TIMEOUT_SECONDS + 1
    late.service()
    assert answers[0].status_code == 503
    assert answers[0].get_json()["error"]["code"] == "busy"
    assert count(Annotation) == before
    assert serving.queued_seconds() == 0.0  # the next request on this thread starts afresh


def _post(port: int, headers: dict[str, str], body: dict) -> tuple[int, dict]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(
            "POST",
            "/api/v1/annotations",
            body=json.dumps(body),
            headers={**headers, "Content-Type": "application/json"},
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_over_http_saves_wait_their_turn_in_order_while_reads_are_answered(
    app, make_article, reviewer, token_for
):
    turns = app.extensions["write_turns"]
    if turns is None:
        pytest.skip("PostgreSQL writes in parallel: annotator serve uses waitress's own pool")
    article = make_article()
    headers = token_for(reviewer)
    sentence_id = article.sentences[0].id
    before = count(Annotation)
    answers: dict[int, tuple[int, dict]] = {}

    def save(n: int) -> None:
        body = {"sentence_id": sentence_id, "verdict": "verified", "note": f"save {n}"}
        answers[n] = _post(server.effective_port, headers, body)

    with in_thread(app, threads=2) as server:  # fewer threads than saves waiting
        pool = server.task_dispatcher
        assert turns.acquire()  # another writer is at work: the first save waits in the app
        try:
            threads = []
            for n in range(1, 4):
                threads.append(threading.Thread(target=save, args=(n,)))
                threads[-1].start()
                _until(lambda n=n: pool.writing and len(pool.waiting) == n - 1, f"save {n}")
            connection = http.client.HTTPConnection(HOST, server.effective_port, timeout=10)
            connection.request("GET", f"/api/v1/articles/{article.id}", headers=headers)
            # Answered while three saves wait: with waitress's own pool, two of them would hold
            # both threads, asleep on the app's turn.
            assert connection.getresponse().status == 200
            connection.close()
        finally:
            turns.release()
        for thread in threads:
            thread.join(timeout=30)
    assert [answers[n][0] for n in (1, 2, 3)] == [201, 201, 201]
    ids = [answers[n][1]["id"] for n in (1, 2, 3)]
    assert ids == sorted(ids)  # first come, first saved
    db.session.rollback()  # this test's own transaction still saw the database as it was
    assert count(Annotation) == before + 3
