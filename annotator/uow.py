"""The unit of work: one transaction per request and per CLI command, committed in one place.

Doors (page routes, API routes, CLI commands) never call ``commit`` or ``rollback``. A request's
work is committed when its view returns a response below 400 and rolled back otherwise, or when an
exception escapes (``UnitOfWorkFlask.handle_user_exception`` rolls back before the handlers in
``annotator.errors`` answer). A view that has caught a service error and answers with a redirect
(a flashed "someone else changed this") calls ``discard()`` so that nothing it did is kept; the
pages do that through ``annotator.web.submit``. CLI commands run inside ``unit_of_work()``; the few
jobs that need several transactions (a bulk import keeps each article it finished) use
``transaction()`` for each step, and the session bookkeeping of a read request (a login's last
use, a renewed cookie) runs in ``side_transaction()``. Nothing else opens a transaction.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from flask import Flask, g, has_request_context
from flask.typing import ResponseReturnValue
from sqlalchemy import Connection, event
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import Executable
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from annotator.db import set_write_intent, write_intent
from annotator.extensions import db

F = TypeVar("F", bound=Callable[..., Any])

WROTE = "uow_wrote"  # set in a session's info by its first flush since the last commit or rollback


@event.listens_for(Session, "after_flush")
def _note_write(session: Session, _context: object) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    # A statement run through the session that may write (INSERT, UPDATE, DELETE, or SQL text such
    # as the search index rebuild) counts as a write even though nothing was flushed.
    if not state.is_select:
        state.session.info[WROTE] = True


def wrote() -> bool:
    """Whether this unit of work has changed anything (flushed, or still pending)."""
    session = db.session
    return bool(session.info.get(WROTE) or session.new or session.dirty or session.deleted)


def execute(statement: Executable, params: dict[str, Any] | list[dict[str, Any]] | None = None):  # noqa: ANN201 - a CursorResult
    """Run a Core statement, built once, on this unit of work's connection and transaction.

    The hot paths (a save, the status rules) use it for statements that need no ORM objects: it
    skips the ORM's per-statement work (as much again as running a small query). Like the
    session's own execute it first flushes pending ORM changes, so it reads them; and a write done
    here counts as the unit's work like a flushed one."""
    session = db.session()
    if session.autoflush:
        session.flush()  # nothing to do (and no cost) when nothing is pending
    if not getattr(statement, "is_select", False):
        session.info[WROTE] = True
    return session.connection().execute(statement, params)


def discard() -> None:
    """Throw away this request's changes even though the view answers with success (a redirect)."""
    if has_request_context():
        g.uow_discard = True
    rollback()


def rollback() -> None:
    """Undo the work so far (the one place that rolls back)."""
    db.session.info.pop(WROTE, None)
    db.session.rollback()


def commit() -> None:
    """Make the work so far permanent (the one place that commits)."""
    db.session.info.pop(WROTE, None)
    db.session.commit()


@contextlib.contextmanager
def transaction() -> Iterator[None]:
    """One transaction: committed if the block finishes, rolled back if it raises."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()


@contextlib.contextmanager
def side_transaction() -> Iterator[Connection]:
    """A connection in a short writing transaction of its own, beside the request's: committed
    when the block finishes (whatever the request then answers), rolled back if it raises."""
    with write_intent(), db.engine.begin() as connection:
        yield connection


def unit_of_work(command: F) -> F:
    """Decorator for CLI commands: the command's work is one transaction."""

    @functools.wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with transaction():
            return command(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


class UnitOfWorkFlask(Flask):
    """Flask whose every request is one unit of work (see the module docstring)."""

    def dispatch_request(self) -> ResponseReturnValue:
        response = self.make_response(super().dispatch_request())
        finish(response)
        return response

    def handle_user_exception(self, e: Exception) -> HTTPException | ResponseReturnValue:
        """An error escaped the view (or a before-request hook): undo its work, then let the
        handlers in annotator.errors answer."""
        rollback()
        return super().handle_user_exception(e)


def finish(response: Response) -> None:
    """Commit a successful request's work; roll back an error's or a discarded one's.

    A streamed body (an export) still reads what the view loaded, the viewer included, after the
    view returned, so a streamed answer is committed only if the request wrote, and then without
    expiring those objects.
    """
    if response.status_code >= 400 or g.pop("uow_discard", False):
        rollback()
    elif not response.is_streamed:
        commit()  # also ends a read-only transaction, so it holds no snapshot past the request
    elif wrote():
        _commit_keeping_loaded_values()
    # The request's writing is over: anything read after this (the after-request hooks reloading
    # the user) starts a plain read transaction, not one holding SQLite's write lock.
    set_write_intent(False)


def _commit_keeping_loaded_values() -> None:
    """Commit without expiring what the request loaded (its streamed body reads them later)."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
