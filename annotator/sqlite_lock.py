"""One write lock for an SQLite database, shared by every thread and every process that opens it.

SQLite before 3.51.3 has a race in which two connections that write and checkpoint the WAL at the
same moment (in one process or in two: the server and an ``annotator import`` beside it) can corrupt
the database. Here no two connections ever do: a write transaction, and the checkpoint a connection
runs when it closes, happen only while holding this lock. It is a file beside the database
(``annotator.sqlite3.lock``, in the instance folder by default), locked with ``fcntl.flock``, so
several server processes (``gunicorn -w 4``) and the CLI are safe together whatever the SQLite
version. Inside a process, waiting writers queue first come, first served, and each release hands
the lock to the next one in line, instead of them sleeping in SQLite's busy-handler steps (which
gave a long tail).

Checkpoints made while committing run inside the write transaction, so under the lock too.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import os
import sqlite3
import threading
import time
from typing import Any

TIMEOUT_SECONDS = 10.0  # as long as SQLite's busy_timeout: then "database is locked"


class FairLock:
    """A lock inside the process that waiting threads get first come, first served.

    A release hands it to the thread that has waited longest and wakes only that one (waking
    every waiter to compare tickets cost a quarter of the server's time under 8 writers, all of
    it spent fighting over the GIL)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._held = False
        self._waiters: collections.deque[threading.Lock] = collections.deque()

    def acquire(self, timeout: float = TIMEOUT_SECONDS) -> bool:
        """Take the lock, waiting up to ``timeout`` seconds; False if it did not come."""
        with self._guard:
            if not self._held and not self._waiters:
                self._held = True
                return True
            waiter = threading.Lock()
            waiter.acquire()  # released by the thread that hands the lock over
            self._waiters.append(waiter)
        if waiter.acquire(timeout=max(timeout, 0)):
            return True
        with self._guard:
            try:
                self._waiters.remove(waiter)
            except ValueError:
                return True  # handed over just as the wait ended: the lock is ours after all
        return False

    def release(self) -> None:
        """Give the lock to the longest waiter (it stays held), or free it."""
        with self._guard:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._held = False


class WriteLock:
    """A FIFO lock inside the process (FairLock), then an exclusive flock on the lock file across
    processes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._turn = FairLock()
        self._fd: int | None = None
        self._pid = 0

    def acquire(self, timeout: float = TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        if not self._turn.acquire(timeout):
            raise sqlite3.OperationalError("database is locked (waited for the write lock)")
        try:
            self._lock_file(deadline)
        except BaseException:
            self._turn.release()
            raise

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._turn.release()

    def _lock_file(self, deadline: float) -> None:
        if self._fd is None or self._pid != os.getpid():  # a forked worker opens its own
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        pause = 0.0002
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise sqlite3.OperationalError(
                        "database is locked (another process holds the write lock)"
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.002)


_locks: dict[str, WriteLock] = {}
_locks_guard = threading.Lock()


def lock_for(database: str) -> WriteLock:
    """The one WriteLock of this process for a database file."""
    path = os.path.abspath(database) + ".lock"
    with _locks_guard:
        if path not in _locks:
            _locks[path] = WriteLock(path)
        return _locks[path]


class LockedConnection(sqlite3.Connection):
    """A sqlite3 connection that holds the database's write lock while it writes or checkpoints."""

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        name = str(database)
        memory = name == ":memory:" or name.startswith("file::memory:") or "mode=memory" in name
        self.write_lock = None if memory or not name else lock_for(name.removeprefix("file:"))
        self.holds_write_lock = False

    def take_write_lock(self) -> None:
        if self.write_lock is not None and not self.holds_write_lock:
            self.write_lock.acquire()
            self.holds_write_lock = True

    def drop_write_lock(self) -> None:
        if self.holds_write_lock:
            self.holds_write_lock = False
            self.write_lock.release()  # type: ignore[union-attr]

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.drop_write_lock()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.drop_write_lock()

    def close(self) -> None:
        # Closing the last connection checkpoints the WAL: under the lock, like any writer.
        with contextlib.suppress(sqlite3.OperationalError):  # closing must not fail
            self.take_write_lock()
        try:
            super().close()
        finally:
            self.drop_write_lock()
