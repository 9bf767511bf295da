"""`annotator serve`'s thread pool on SQLite: waitress's, with the requests that write run one at a
time, in the order they came, by whichever thread finished the one before.

SQLite lets one writer in at a time, so the app already makes writing requests take turns
(``annotator.web``, the write turn). Eight waitress threads that each picked up a save and then
slept until its turn came cost the process a fifth more CPU a save than one thread taking them one
after another: every save put a thread to sleep twice and woke it twice, and the threads woken
between two turns took the GIL from the writer at work. Here a write waits in the server's queue
instead of in a thread, and the thread that finishes one goes straight on to the next; reads are
handed to any free thread as before and never wait for a write. The app's turn stays: it is then
free whenever a queued write asks for it, and it still orders the writers that reach the app
another way (tests, other servers).
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from waitress.task import ThreadedTaskDispatcher
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RoutingException

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_current = threading.local()


def request_writes(app: Flask, method: str, endpoint: str | None) -> bool:
    """Whether a request may write: a method other than GET, HEAD and OPTIONS, to a view not
    marked ``reads_only`` (``annotator.web.reads_only``, a preview)."""
    if method in SAFE_METHODS:
        return False
    return not getattr(app.view_functions.get(endpoint or ""), "reads_only", False)


def queued_seconds() -> float:
    """How long the request this thread is serving waited in the server's queue of writes."""
    return getattr(_current, "queued", 0.0)


class _Write:
    """A waitress channel whose next request writes, with the time it joined the queue."""

    __slots__ = ("channel", "dispatcher", "queued_at")

    def __init__(self, channel: Any, dispatcher: WritesInTurn) -> None:
        self.channel = channel
        self.dispatcher = dispatcher
        self.queued_at = time.monotonic()

    def service(self) -> None:
        """Serve this write, then the writes queued behind it, in this thread (waitress's loop
        runs this as any task: no thread sleeps between two writes)."""
        write: _Write | None = self
        while write is not None:
            _current.queued = time.monotonic() - write.queued_at
            try:
                write.channel.service()
            except BaseException:  # as waitress's own loop does: log, and go on to the next
                self.dispatcher.logger.exception("Exception when servicing %r", write.channel)
            finally:
                _current.queued = 0.0
            write = self.dispatcher.next_write()

    def cancel(self) -> None:
        self.channel.cancel()


class WritesInTurn(ThreadedTaskDispatcher):
    """Waitress's thread pool; a request for which ``writes(method, path)`` is true runs only
    when no other such request is running, first come first served."""

    def __init__(self, writes: Callable[[str, str], bool]) -> None:
        super().__init__()
        self.writes = writes
        self.waiting: collections.deque[_Write] = collections.deque()
        self.writing = False

    def add_task(self, task: Any) -> None:
        # Waitress calls this with the channel's request lock held and its next request first.
        request = task.requests[0] if getattr(task, "requests", None) else None
        if request is None or request.error or not self.writes(request.command, request.path):
            super().add_task(task)
            return
        write = _Write(task, self)
        with self.lock:
            if self.writing:
                self.waiting.append(write)
                return
            self.writing = True
        super().add_task(write)

    def next_write(self) -> _Write | None:
        """The write queued longest, taken by the thread that finished the one before; None
        (and no write running) when none waits."""
        with self.lock:
            if self.waiting:
                return self.waiting.popleft()
            self.writing = False
            return None

    def shutdown(self, cancel_pending: bool = True, timeout: float = 5) -> bool:
        cancelled = super().shutdown(cancel_pending, timeout)
        if cancel_pending:
            with self.lock:
                while self.waiting:
                    self.waiting.popleft().cancel()
        return cancelled


def pool(app: Flask, threads: int) -> dict[str, Any]:
    """Waitress's thread settings for serving ``app``: ``threads`` threads, writes in turn on
    SQLite; waitress's own pool where the database writes in parallel (PostgreSQL)."""
    if app.extensions.get("write_turns") is None:
        return {"threads": threads}
    routes = app.url_map.bind("localhost")

    def writes(method: str, path: str) -> bool:
        if method in SAFE_METHODS:
            return False
        try:
            endpoint, _arguments = routes.match(path, method)
        except (HTTPException, RoutingException):
            return False  # the app answers it (404, 405, a redirect) without writing
        return request_writes(app, method, endpoint)

    dispatcher = WritesInTurn(writes)
    dispatcher.set_thread_count(threads)  # waitress starts no threads of its own for a given pool
    return {"threads": threads, "_dispatcher": dispatcher}
