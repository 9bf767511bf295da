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
from sqlalchemy import Connection, Dialect, event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import Executable
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from annotator.db import set_write_intent, take_write_lock, write_intent
from annotator.extensions import db

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")

_CONNECTION = "uow_connection"  # (the transaction, its connection): run() asks the session once
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


class _Plan:
    """A statement compiled once for a dialect and the parameter names it is given."""

    __slots__ = ("defaults", "fixed", "lists", "names", "processors", "sql", "writes")

    def __init__(
        self, statement: Executable, dialect: Dialect, keys: tuple[str, ...], lists: dict[str, int]
    ) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        if compiled.escaped_bind_names or any(
            b.literal_execute or (b.expanding and b.key not in lists)
            for b in compiled.binds.values()
        ):
            raise TypeError(f"uow.run cannot run this statement ({compiled.string[:60]}...)")
        if lists:  # an IN list is compiled for its length: IN (?, ?, ?) takes names_1 .. names_3
            compiled = statement.params({n: [None] * size for n, size in lists.items()}).compile(
                dialect=dialect, column_keys=list(keys), compile_kwargs={"render_postcompile": True}
            )
        binds = compiled.binds
        prefetch = [*compiled.insert_prefetch, *compiled.update_prefetch]
        # Values fixed in the statement (a literal compared with) and Python-side column
        # defaults the caller left out (a value, or a function of nothing).
        self.fixed = {
            name: b.effective_value
            for name, b in binds.items()
            if not b.required and name not in lists
        }
        self.lists = lists
        self.defaults = {c.key: c.default for c in prefetch}
        self.sql = compiled.string
        self.names = tuple(compiled.positiontup) if compiled.positiontup is not None else None
        self.processors = {}
        for name, bind in binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                expanded = (
                    [f"{name}_{i}" for i in range(1, lists[name] + 1)] if name in lists else [name]
                )
                self.processors.update(dict.fromkeys(expanded, processor))
        self.writes = not getattr(statement, "is_select", False)

    def arguments(self, params: dict[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        if self.fixed or self.defaults:
            params = {
                **self.fixed,
                **{
                    key: default.arg if default.is_scalar else default.arg(None)
                    for key, default in self.defaults.items()
                },
                **params,
            }
        if self.lists:
            params = dict(params)
            for name in self.lists:
                params.update((f"{name}_{i}", value) for i, value in enumerate(params.pop(name), 1))
        processors = self.processors
        if processors:
            params = {
                name: processors[name](value) if name in processors else value
                for name, value in params.items()
            }
        if self.names is None:
            return params
        return tuple(params[name] for name in self.names)


_plans: dict[tuple[Any, ...], tuple[Executable, _Plan]] = {}
_readers: dict[tuple[type, str], tuple[list[int], list[tuple[str, Any]]]] = {}


class Rows:
    """The rows of a statement run by :func:`run`, all read at once: the driver's own values (no
    type conversion: SQLite gives 0/1 for booleans and text for dates)."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, cursor: Any) -> None:
        try:
            self._rows = cursor.fetchall() if cursor.description else []
            self.rowcount = cursor.rowcount
        finally:
            cursor.close()

    def first(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def one(self) -> tuple[Any, ...]:
        if len(self._rows) != 1:
            raise LookupError(f"expected one row, got {len(self._rows)}")
        return self._rows[0]

    def scalar_one(self) -> Any:
        return self.one()[0]

    def all(self) -> list[tuple[Any, ...]]:
        return list(self._rows)


def run(statement: Executable, params: dict[str, Any] | list[dict[str, Any]]) -> Rows:
    """Run a Core statement, built once, straight on the driver's cursor of this unit of work's
    connection and transaction: what :func:`execute` does, without SQLAlchemy's per-statement
    work (a tenth of the time for a small query; a save runs ten of them).

    For the hottest paths only. The statement is compiled once per dialect and set of parameter
    names; parameters go through their column types' bind processing (dates, JSON), results do
    not (see :class:`Rows`); a list or tuple is an IN list, compiled once per length. A statement
    with a parameter rendered into its SQL (literal_execute) is refused: use :func:`execute`. No engine event sees these statements,
    so a write takes the SQLite write lock here, as the engine's hook would."""
    session = db.session()
    if session.autoflush:
        session.flush()
    transaction = session.get_transaction()
    held = session.info.get(_CONNECTION)
    if held is not None and transaction is not None and held[0] is transaction:
        connection = held[1]  # asking the session again costs more than most statements here
    else:
        connection = session.connection()
        session.info[_CONNECTION] = (session.get_transaction(), connection)
    many = isinstance(params, list)
    first = params[0] if many else params
    keys = tuple(first)
    lists = {name: len(value) for name, value in first.items() if isinstance(value, list | tuple)}
    key = (id(statement), connection.dialect.name, keys, *lists.values())
    found = _plans.get(key)
    if found is None:
        found = _plans[key] = (statement, _Plan(statement, connection.dialect, keys, lists))
    plan = found[1]
    if plan.writes:
        session.info[WROTE] = True
        take_write_lock(connection)
    cursor = connection.connection.dbapi_connection.cursor()
    if many:
        cursor.executemany(plan.sql, [plan.arguments(p) for p in params])
    else:
        cursor.execute(plan.sql, plan.arguments(params))
    return Rows(cursor)


def load(model: type[M], statement: Executable, params: dict[str, Any]) -> M | None:
    """The first row of a statement selecting ``model``'s table, columns in the table's order,
    run by :func:`run` and made into the model's object as a query would make it (in this
    session, unchanged; relationships load when first read): a third of the ORM's cost, for the
    rows every save loads (its caller, its sentence). None when no row matches."""
    row = run(statement, params).first()
    if row is None:
        return None
    session = db.session()
    mapper = inspect(model)
    dialect = session.get_bind().dialect
    found = _readers.get((model, dialect.name))
    if found is None:
        columns = list(mapper.local_table.columns)
        found = _readers[(model, dialect.name)] = (
            [columns.index(column) for column in mapper.primary_key],
            [
                (
                    mapper.get_property_by_column(column).key,
                    column.type.dialect_impl(dialect).result_processor(dialect, None),
                )
                for column in columns
            ],
        )
    key_positions, readers = found
    identity = mapper.identity_key_from_primary_key([row[i] for i in key_positions])
    existing = session.identity_map.get(identity)
    if existing is not None:
        return existing
    obj = mapper.class_manager.new_instance()
    for (attribute, reader), value in zip(readers, row, strict=True):
        set_committed_value(obj, attribute, reader(value) if reader else value)
    make_transient_to_detached(obj)
    session.add(obj)
    return obj


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
