"""Claim vectors: one per distinct judged claim, encoded off the save path, searched in memory.

A claim is a judged sentence or span (every judgement of it shares one vector). Its row in
``claim_vectors`` carries the encoder's model id and a SHA-256 of its words, so the work list is
plain to compute: claims with no row, or a row of another model or another hash (its words were
edited, its sentence re-cut). Three things fill it, all through :func:`encode_pending`:

- the background worker that ``annotator serve`` starts (:func:`start_worker`): woken after a
  commit that added or changed claims in this process, it looks at those sentences alone;
  otherwise it reads the whole work list when a cheap :func:`fingerprint` of the tables changed
  (another process's saves, a restore), and every ``FULL_SWEEP`` seconds regardless. The whole
  list is read a window of sentences at a time, from the sentence where the last batch found work
  and round to it, and a batch stops reading once it has its claims: at a million claims a batch
  never reads again the ones encoded before it;
- ``annotator reindex`` (:func:`catch_up`), which returns when nothing is missing;
- nothing else: a save never encodes.

One encoder at a time per database: on PostgreSQL an advisory lock, on SQLite a lock file beside
the database, so several processes never encode the same claim at once. The words are encoded
outside any transaction; the rows are then written in a short one that first checks the claim's
words are still the ones encoded (else the next round finds it stale again: nothing is lost) and
skips a claim another worker finished meanwhile (idempotent).

Each process keeps the vectors in a matrix (:func:`matrix`), read incrementally: rows are
replaced, never updated, and ids are never reused, so a refresh reads only the rows past the last
id it holds. docs/matching.md has the design and the figures.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask
from sqlalchemy import bindparam, event, text
from sqlalchemy.orm import Session

from annotator import uow
from annotator.db import write_intent
from annotator.extensions import db
from annotator.models import Annotation, Article, ClaimVector, Sentence
from annotator.models._types import utcnow
from annotator.text import encoder

if TYPE_CHECKING:  # numpy is imported where the matrix is made and searched, not at every start
    import numpy as np

log = logging.getLogger(__name__)

BATCH = 32  # claims encoded per round (~0.6 s on one core), then written in one short transaction
SLICE = 4  # claims per call into the encoder: a panel's sentence waits for one slice at most
AHEAD = 300  # sentences of a newly imported article encoded ahead for its first reviewer
SWEEP = 5.0  # seconds between two looks at the database's fingerprint when nothing woke the worker
FULL_SWEEP = 300.0  # the whole work list is read at least this often, changed fingerprint or not
GATHER = 0.25  # seconds the woken worker waits for the saves that follow the one that woke it
BUSY_RETRY = 1.0  # seconds before trying again when another process holds the encoder
REFRESH = 0.5  # a process reads new vectors at most this often (seconds) ...
RECONCILE = 60.0  # ... and drops the rows replaced or deleted since, this often
ADVISORY_KEY = 0x636C_6169_6D76  # PostgreSQL advisory lock of the one encoder ("claimv")

# Every live claim, by article, beside its stored row if any. The words are cut from the article's
# text in Python, one read of each text (cutting them in SQL read an article's whole text again for
# every one of its claims); the hashes are compared in Python too (SQLite has no SHA-256).
_WORK = (
    "SELECT DISTINCT s.article_id, a.sentence_id, coalesce(a.span_start, -1), "
    "coalesce(a.span_end, -1), coalesce(a.span_start, s.start_offset), "
    "coalesce(a.span_end, s.end_offset), v.id, v.text_hash, v.model "
    "FROM annotations a JOIN sentences s ON s.id = a.sentence_id "
    "LEFT JOIN claim_vectors v ON v.sentence_id = a.sentence_id "
    "AND v.span_start = coalesce(a.span_start, -1) AND v.span_end = coalesce(a.span_end, -1) "
    "WHERE a.deleted_at IS NULL{only} "
    "ORDER BY a.sentence_id, coalesce(a.span_start, -1), coalesce(a.span_end, -1)"
)
_TEXTS_AT_ONCE = 200  # article texts read per query while walking the work list
# The whole work list is read a window of sentences at a time, in sentence id order (a million
# claims never sit in memory at once, and a batch that finds its claims early reads no further).
# A window ends where its count of judgements does: the first is small (a batch's claims are
# usually in it), the next ones twice as large each, up to _MOST_AT_ONCE (a full look).
_FIRST_AT_ONCE = 1000
_MOST_AT_ONCE = 16000
# The sentences' range is said twice: PostgreSQL then reads them by a range of their primary key
# rather than looking each one up (6 s instead of 7.6 s for a million claims at scale 1).
_WINDOW = _WORK.format(
    only=" AND a.sentence_id > :after AND a.sentence_id <= :upto AND s.id > :after AND s.id <= :upto"
)
_WINDOW_END = (
    "SELECT sentence_id FROM annotations WHERE sentence_id > :after "
    "ORDER BY sentence_id LIMIT 1 OFFSET :skip"
)

Key = tuple[int, int, int]  # (sentence id, span start, span end); -1, -1: the whole sentence


@dataclass(frozen=True)
class Claim:
    """A distinct judged claim and its words, as the work list gives it."""

    key: Key
    text: str
    text_hash: str


def text_hash(words: str) -> str:
    """The SHA-256 (hex) of a claim's words, stored beside its vector."""
    return hashlib.sha256(words.encode("utf-8", "surrogatepass")).hexdigest()


def claim_key(sentence_id: int, span_start: int | None, span_end: int | None) -> Key:
    """The key of the claim an annotation judges: its sentence and span (-1, -1 for none)."""
    return (
        sentence_id,
        -1 if span_start is None else span_start,
        -1 if span_end is None else span_end,
    )


# --------------------------------------------------------------------------- the work list


def _walk(
    sentence_ids: Iterable[int] | None = None, *, start: int = 0
) -> Iterator[tuple[Claim, int | None, str | None, str | None, int]]:
    """Every live claim (of an article not deleted) with its stored row's id, hash and model and
    its sentence's id; with ``sentence_ids``, only the claims in those sentences. The whole list
    is read from sentence ``start`` on and then from the first sentence up to it (once round)."""
    if sentence_ids is not None:
        ids = sorted(set(sentence_ids))
        rows: list[Any] = []
        for first in range(0, len(ids), 500):
            rows += db.session.execute(
                text(_WORK.format(only=" AND a.sentence_id IN :ids")).bindparams(
                    bindparam("ids", expanding=True)
                ),
                {"ids": ids[first : first + 500]},
            ).all()
        rows.sort(key=lambda row: row[0])
        yield from _claims(rows)
        return
    last = db.session.scalar(db.select(db.func.max(Annotation.sentence_id))) or 0
    start = min(max(start, 1), last + 1)
    size = _FIRST_AT_ONCE
    for after, end in ((start - 1, last), (0, start - 1)):  # from the cursor on, then round
        while after < end:
            upto = db.session.scalar(text(_WINDOW_END), {"after": after, "skip": size - 1})
            upto = end if upto is None else min(upto, end)
            yield from _claims(
                db.session.execute(text(_WINDOW), {"after": after, "upto": upto}).all()
            )
            after, size = upto, min(2 * size, _MOST_AT_ONCE)


def _claims(
    rows: Sequence[Any],
) -> Iterator[tuple[Claim, int | None, str | None, str | None, int]]:
    """The claims of work-list rows, their words cut from the article texts."""
    for first in range(0, len(rows), 4 * _TEXTS_AT_ONCE):
        chunk = rows[first : first + 4 * _TEXTS_AT_ONCE]
        texts = dict(
            db.session.execute(
                db.select(Article.id, Article.text).where(
                    Article.id.in_({row[0] for row in chunk}), Article.deleted_at.is_(None)
                )
            ).all()
        )
        for article_id, sid, key_start, key_end, start, end, row_id, stored, model in chunk:
            body = texts.get(article_id)
            if body is not None:
                words = body[start:end]
                yield (
                    Claim((sid, key_start, key_end), words, text_hash(words)),
                    row_id,
                    stored,
                    model,
                    sid,
                )


# The sentence where this process's last look at the whole work list found pending claims (per
# database): the next batch starts there instead of reading again the claims encoded since, and goes round once.
_cursor: dict[str, int] = {}
_cursor_lock = threading.Lock()


def _database() -> str:
    """The key of this process's per-database state (the work list's cursor, the matrix)."""
    return db.engine.url.render_as_string(hide_password=True)


def pending(
    limit: int | None = None,
    *,
    stale_up_to: int | None = None,
    sentence_ids: Iterable[int] | None = None,
) -> list[Claim]:
    """Claims whose vector is missing or stale, at most ``limit``; with ``stale_up_to`` (a row
    id) the rows up to it count as stale too (a full rebuild); with ``sentence_ids``, only the
    claims in those sentences are looked at. The whole list is read from where this process last
    found pending claims, round to it: every claim is looked at when fewer than ``limit`` are."""
    found: list[Claim] = []
    at = None
    if sentence_ids is None:
        with _cursor_lock:
            walk = _walk(start=_cursor.get(_database(), 0))
    else:
        walk = _walk(sentence_ids)
    for claim, row_id, stored, model, sentence_id in walk:
        old = stale_up_to is not None and row_id is not None and row_id <= stale_up_to
        if old or stored != claim.text_hash or model != encoder.MODEL:
            found.append(claim)
            at = sentence_id
            if limit is not None and len(found) >= limit:
                break
    if sentence_ids is None and at is not None:
        with _cursor_lock:
            _cursor[_database()] = at
    return found


def counts() -> tuple[int, int]:
    """(claims with a fresh vector, claims in all)."""
    total = fresh = 0
    for claim, _id, stored, model, _sentence in _walk():
        total += 1
        fresh += stored == claim.text_hash and model == encoder.MODEL
    return fresh, total


_FINGERPRINT = (
    "SELECT (SELECT max(id) FROM annotations), (SELECT count(*) FROM annotations), "
    "(SELECT max(updated_at) FROM annotations), (SELECT max(updated_at) FROM articles), "
    "(SELECT max(id) FROM sentences), (SELECT count(*) FROM sentences), "
    "(SELECT max(id) FROM claim_vectors), (SELECT count(*) FROM claim_vectors)"
)


def fingerprint() -> tuple[Any, ...]:
    """A few cheap figures that change when claims may have: the worker looks at the whole
    work list only when they did (or it was woken, or a while has passed)."""
    return tuple(db.session.execute(text(_FINGERPRINT)).one())


def _current_hashes(keys: Iterable[Key]) -> dict[Key, str]:
    """The hash of each key's words as they are now (absent: no live judgement of it)."""
    wanted = set(keys)
    if not wanted:
        return {}
    sentence_ids = sorted({key[0] for key in wanted})
    rows = db.session.execute(
        db.select(
            Annotation.sentence_id,
            Annotation.span_start,
            Annotation.span_end,
            Sentence.start,
            Sentence.end,
            Article.text,
        )
        .join(Sentence, Sentence.id == Annotation.sentence_id)
        .join(Article, Article.id == Sentence.article_id)
        .where(
            Annotation.sentence_id.in_(sentence_ids),
            Annotation.deleted_at.is_(None),
            Article.deleted_at.is_(None),
        )
    )
    found: dict[Key, str] = {}
    for sid, span_start, span_end, start, end, body in rows:
        key = claim_key(sid, span_start, span_end)
        if key in wanted and key not in found:
            first = start if span_start is None else span_start
            last = end if span_end is None else span_end
            found[key] = text_hash(body[first:last])
    return found


# --------------------------------------------------------------------------- encoding


def encode_pending(
    limit: int = BATCH,
    *,
    wait: bool = False,
    stale_up_to: int | None = None,
    sentence_ids: Iterable[int] | None = None,
) -> int | None:
    """Encode up to ``limit`` claims of the work list; how many rows were written.

    None when another process holds the encoder (with ``wait``, queue for it instead).
    ``stale_up_to`` and ``sentence_ids``: see :func:`pending`.
    """
    with uow.transaction():  # most rounds find nothing: then no lease is asked for
        if not pending(1, stale_up_to=stale_up_to, sentence_ids=sentence_ids):
            return 0
    with _lease(wait=wait) as held:
        if not held:
            return None
        with uow.transaction():  # again: another process may have encoded them meanwhile
            work = pending(limit, stale_up_to=stale_up_to, sentence_ids=sentence_ids)
        if not work:
            return 0
        vectors = _vectors_for(work)
        with write_intent(), uow.transaction():
            written = _write(work, vectors, stale_up_to=stale_up_to)
        _read_soon()  # this process's matrix reads them on its next search
        return written


def _vectors_for(work: Sequence[Claim]) -> dict[str, bytes]:
    """The vector of each distinct text hash: reused from a row of the same words, else encoded."""
    hashes = sorted({claim.text_hash for claim in work})
    with uow.transaction():
        reused = dict(
            db.session.execute(
                db.select(ClaimVector.text_hash, ClaimVector.vector).where(
                    ClaimVector.model == encoder.MODEL, ClaimVector.text_hash.in_(hashes)
                )
            ).all()
        )
    texts = {claim.text_hash: claim.text for claim in work if claim.text_hash not in reused}
    digests = list(texts)
    for first in range(0, len(digests), SLICE):  # the engine is free for a panel between slices
        part = digests[first : first + SLICE]
        for digest, vector in zip(
            part, encoder.encode_claims([texts[d] for d in part]), strict=True
        ):
            reused[digest] = encoder.to_blob(vector)
    return {digest: bytes(blob) for digest, blob in reused.items()}


def _write(work: Sequence[Claim], vectors: dict[str, bytes], *, stale_up_to: int | None) -> int:
    """Replace the rows of the claims whose words are still the ones encoded; how many."""
    current = _current_hashes(claim.key for claim in work)
    stored = {
        (row.sentence_id, row.span_start, row.span_end): row
        for row in db.session.scalars(
            db.select(ClaimVector).where(
                ClaimVector.sentence_id.in_(sorted({claim.key[0] for claim in work}))
            )
        )
    }
    written = 0
    for claim in work:
        if current.get(claim.key) != claim.text_hash:
            continue  # edited since it was read (the next round has it) or no longer judged
        row = stored.get(claim.key)
        if (
            row is not None
            and row.text_hash == claim.text_hash
            and row.model == encoder.MODEL
            and (stale_up_to is None or row.id > stale_up_to)
        ):
            continue  # another worker got there first
        if row is not None:
            db.session.delete(row)
            db.session.flush()  # the unique key is free before the new row goes in
        db.session.add(
            ClaimVector(
                sentence_id=claim.key[0],
                span_start=claim.key[1],
                span_end=claim.key[2],
                text_hash=claim.text_hash,
                model=encoder.MODEL,
                vector=vectors[claim.text_hash],
                encoded_at=utcnow(),
            )
        )
        written += 1
    db.session.flush()
    return written


def prune() -> int:
    """Delete the rows of claims nobody judges any more; how many."""
    live = {claim.key for claim, *_ in _walk()}
    gone = [
        row_id
        for row_id, sid, start, end in db.session.execute(
            db.select(
                ClaimVector.id,
                ClaimVector.sentence_id,
                ClaimVector.span_start,
                ClaimVector.span_end,
            )
        )
        if (sid, start, end) not in live
    ]
    for first in range(0, len(gone), 500):
        db.session.execute(
            db.delete(ClaimVector).where(ClaimVector.id.in_(gone[first : first + 500]))
        )
    return len(gone)


def catch_up(progress: Callable[[int, int], None] | None = None, *, full: bool = False) -> int:
    """Encode every claim whose vector is missing or stale (every claim when ``full``), drop
    the rows of claims nobody judges any more, and return how many were written.

    ``progress(done, total)`` after each batch. Waits for another process's encoder rather than
    skipping. Used by ``annotator reindex``.
    """
    with uow.transaction():
        before = db.session.scalar(db.select(db.func.max(ClaimVector.id))) if full else None
        total = len(pending(stale_up_to=before))
    if progress:
        progress(0, total)
    done = 0
    while True:
        written = encode_pending(BATCH, wait=True, stale_up_to=before)
        if not written:
            break
        done += written
        if progress:
            progress(min(done, total), total)
    with write_intent(), uow.transaction():
        prune()
    return done


@contextlib.contextmanager
def _lease(*, wait: bool) -> Iterator[bool]:
    """Hold this database's one encoder: yields False when another holds it (unless ``wait``)."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            if wait:
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": ADVISORY_KEY})
                held = True
            else:
                held = bool(
                    connection.execute(
                        text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}
                    ).scalar()
                )
            try:
                yield held
            finally:
                if (
                    held
                    and not connection.execute(
                        text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY}
                    ).scalar()
                ):
                    connection.invalidate()  # never hand a pooled connection on with the lock
        finally:
            connection.close()
        return
    with _file_lease(engine.url.database, wait=wait) as held:
        yield held


_local = threading.Lock()


@contextlib.contextmanager
def _file_lease(database: str | None, *, wait: bool) -> Iterator[bool]:
    """SQLite: a thread lock in this process and a lock file beside the database across them."""
    if not _local.acquire(blocking=wait):
        yield False
        return
    try:
        if not database or database == ":memory:":
            yield True
            return
        import fcntl

        with open(f"{database}.encoder-lock", "a+b") as handle:
            flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
            try:
                fcntl.flock(handle, flags)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        _local.release()


# --------------------------------------------------------------------------- the worker

_wake = threading.Event()
_changed_lock = threading.Lock()
_changed: set[int] = set()  # sentences whose claims this process's commits added or changed
_ahead: deque[int] = deque(maxlen=64)  # articles imported in this process, newest last


@event.listens_for(Session, "after_flush")
def _note_claims(session: Session, _context: object) -> None:
    sentences: set[int] = session.info.setdefault("claim_sentences", set())
    for o in (*session.new, *session.dirty):  # a deleted claim leaves nothing to encode
        if isinstance(o, Annotation) and o.sentence_id is not None:
            sentences.add(o.sentence_id)
        elif isinstance(o, Sentence) and o.id is not None:
            sentences.add(o.id)  # re-cut: its claims' words may have changed
    fresh = [o.id for o in session.new if isinstance(o, Article) and o.id is not None]
    if fresh:  # ids now: after the commit the objects are expired
        session.info.setdefault("new_articles", []).extend(fresh)


def note_claims_changed(sentence_id: int) -> None:
    """A claim of this sentence was written without the ORM (a save's direct INSERT, which no
    flush sees): the worker looks at the sentence when this unit of work commits, as it would
    after a flush."""
    db.session.info.setdefault("claim_sentences", set()).add(sentence_id)


@event.listens_for(Session, "after_commit")
def _wake_worker(session: Session) -> None:
    articles = session.info.pop("new_articles", [])
    _ahead.extend(articles)
    sentences = session.info.pop("claim_sentences", None)
    if sentences:
        with _changed_lock:
            _changed.update(sentences)
    if sentences or articles:
        _wake.set()


@event.listens_for(Session, "after_rollback")
def _forget_change(session: Session) -> None:
    session.info.pop("claim_sentences", None)
    session.info.pop("new_articles", None)


def _take_changed() -> set[int]:
    with _changed_lock:
        taken = set(_changed)
        _changed.clear()
    return taken


def _put_back(sentence_ids: set[int]) -> None:
    with _changed_lock:
        _changed.update(sentence_ids)


def encode_ahead() -> int:
    """Encode the sentences of one newly imported article into the encoder's cache, so its
    first reviewer's panel does not wait for them; how many (0: none waiting)."""
    try:
        article_id = _ahead.popleft()
    except IndexError:
        return 0
    with uow.transaction():
        body = db.session.scalar(db.select(Article.text).where(Article.id == article_id))
        spans = db.session.execute(
            db.select(Sentence.start, Sentence.end)
            .where(Sentence.article_id == article_id)
            .order_by(Sentence.index)
            .limit(AHEAD)
        ).all()
    for start, end in spans if body else []:
        encoder.encode_sentence(body[start:end])
    return len(spans) or 1


WORKER_NICENESS = 19  # the lowest priority: saves and pages first


class Worker(threading.Thread):
    """Encodes the work list in the background of ``annotator serve``, batch after batch."""

    def __init__(self, app: Flask, *, sweep: float = SWEEP) -> None:
        super().__init__(name="claim-vectors", daemon=True)
        self.app = app
        self.sweep = sweep
        self.stopping = threading.Event()
        self.written = 0

    def run(self) -> None:
        # Requests come first: on Linux each thread has its own nice value, so the encoder (C code
        # that lets go of the GIL) gets a core only when the server's threads leave one free.
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)
        # This process's own commits name the sentences they changed: a round looks at those
        # alone (a save costs the worker one indexed read, however many claims the desk holds).
        # The whole work list is read when the fingerprint moved while nothing here changed
        # (another process, a restore), or every FULL_SWEEP seconds.
        seen: tuple[Any, ...] | None = None  # the fingerprint when the work list was last empty
        swept_at = 0.0
        while not self.stopping.is_set():
            pause = self.sweep
            changed = _take_changed()
            try:
                with self.app.app_context():
                    whole = time.monotonic() - swept_at > FULL_SWEEP
                    if not changed or whole:
                        with uow.transaction():
                            now = fingerprint()
                        whole = whole or now != seen
                    if whole:
                        written = encode_pending(BATCH)
                    elif changed:
                        written = encode_pending(BATCH, sentence_ids=changed)
                    else:
                        written = 0
                    if written is None:
                        pause = BUSY_RETRY
                    elif written:
                        self.written += written
                        pause = 0
                    elif whole:
                        seen, swept_at = now, time.monotonic()
                    if written != 0:  # busy, or a full batch: some of them may be left
                        _put_back(changed)
                    elif encode_ahead():
                        continue  # another article may wait: look again at once
            except Exception:  # keep serving; the next round tries again
                _put_back(changed)
                log.exception(
                    "Encoding claims for Seen before failed; retrying in %s s", self.sweep
                )
            if pause and _wake.wait(pause):
                self.stopping.wait(GATHER)  # let a burst of saves gather into one round
                _wake.clear()

    def stop(self) -> None:
        """Finish the current batch and end."""
        self.stopping.set()
        _wake.set()


_started: dict[int, Worker] = {}  # process id -> its worker
_started_lock = threading.Lock()


def start_worker(app: Flask) -> Worker:
    """Start the background encoder of this process, once (``annotator serve`` does)."""
    with _started_lock:
        worker = _started.get(os.getpid())
        if worker is None or not worker.is_alive():
            worker = _started[os.getpid()] = Worker(app)
            worker.start()
    return worker


def start_worker_in_each_process(app: Flask) -> None:
    """Start the encoder on each process's first request: a server that forks its workers
    after loading the app (gunicorn --preload) would otherwise leave it in the parent alone."""

    @app.before_request
    def _start() -> None:
        if os.getpid() not in _started:
            start_worker(app)


# --------------------------------------------------------------------------- the matrix


class _Matrix:
    """This process's copy of one database's vectors of the current model, read incrementally."""

    def __init__(self) -> None:
        import numpy as np

        self.lock = threading.Lock()
        self.ids = np.zeros(0, dtype=np.int64)
        self.keys = np.zeros((0, 3), dtype=np.int64)
        self.hashes: list[str] = []
        self.vectors = np.zeros((0, encoder.DIM), dtype=np.float32)
        self.size = 0
        self.last_id = 0
        self.latest: dict[Key, int] = {}  # key -> row of its newest vector
        self.read_at = 0.0
        self.reconciled_at = time.monotonic()

    def refresh(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.read_at < REFRESH:
            return
        with self.lock:
            if not force and now - self.read_at < REFRESH:
                return
            if now - self.reconciled_at > RECONCILE or force:
                self._reconcile()
            rows = db.session.execute(
                db.select(
                    ClaimVector.id,
                    ClaimVector.sentence_id,
                    ClaimVector.span_start,
                    ClaimVector.span_end,
                    ClaimVector.text_hash,
                    ClaimVector.vector,
                )
                .where(ClaimVector.model == encoder.MODEL, ClaimVector.id > self.last_id)
                .order_by(ClaimVector.id)
            ).all()
            if rows:
                self._append(rows)
            self.read_at = now

    def _append(self, rows: Sequence[Any]) -> None:
        count = len(rows)
        need = self.size + count
        if need > len(self.ids):
            capacity = max(need, 2 * len(self.ids), 1024)
            self.ids = _grown(self.ids, capacity)
            self.keys = _grown(self.keys, capacity)
            self.vectors = _grown(self.vectors, capacity)
        at = self.size
        self.ids[at:need] = [row[0] for row in rows]
        self.keys[at:need] = [(row[1], row[2], row[3]) for row in rows]
        self.vectors[at:need] = encoder.from_blobs([row[5] for row in rows])
        for offset, row in enumerate(rows):
            self.hashes.append(row[4])
            self.latest[(row[1], row[2], row[3])] = at + offset
        self.size = need
        self.last_id = int(rows[-1][0])

    def _reconcile(self) -> None:
        """Keep only the rows still in the table (a replaced or deleted claim's old vector goes)."""
        alive = set(
            db.session.scalars(db.select(ClaimVector.id).where(ClaimVector.model == encoder.MODEL))
        )
        keep = [i for i in range(self.size) if int(self.ids[i]) in alive]
        if len(keep) != self.size:
            import numpy as np

            index = np.array(keep, dtype=np.int64)
            self.ids = self.ids[index].copy()
            self.keys = self.keys[index].copy()
            self.vectors = self.vectors[index].copy()
            self.hashes = [self.hashes[i] for i in keep]
            self.size = len(keep)
            self.latest = {tuple(int(x) for x in self.keys[i]): i for i in range(self.size)}
        self.reconciled_at = time.monotonic()

    def nearest(self, query: np.ndarray, count: int) -> list[tuple[Key, str, float]]:
        """The ``count`` rows closest to ``query`` (key, text hash, cosine), best first."""
        import numpy as np

        with self.lock:
            size = self.size
            vectors, keys, hashes = self.vectors, self.keys, self.hashes
        if not size:
            return []
        scores = vectors[:size] @ query
        count = min(count, size)
        top = np.argpartition(-scores, count - 1)[:count] if count < size else np.arange(size)
        top = top[np.argsort(-scores[top], kind="stable")]
        return [
            ((int(keys[i][0]), int(keys[i][1]), int(keys[i][2])), hashes[i], float(scores[i]))
            for i in top
        ]

    def vector(self, key: Key, digest: str) -> np.ndarray | None:
        """The stored vector of ``key`` if it is of these words."""
        with self.lock:
            row = self.latest.get(key)
            if row is None or self.hashes[row] != digest:
                return None
            return self.vectors[row]


def _grown(array: np.ndarray, capacity: int) -> np.ndarray:
    import numpy as np

    grown = np.zeros((capacity, *array.shape[1:]), dtype=array.dtype)
    grown[: len(array)] = array
    return grown


_matrices: dict[str, _Matrix] = {}
_matrices_lock = threading.Lock()


def matrix() -> _Matrix:
    """This process's matrix for the current database, refreshed if due."""
    url = _database()
    with _matrices_lock:
        found = _matrices.get(url)
        if found is None:
            found = _matrices[url] = _Matrix()
    found.refresh()
    return found


def _read_soon() -> None:
    with _matrices_lock:
        for found in _matrices.values():
            found.read_at = 0.0


def forget() -> None:
    """Drop every process-level matrix (tests; after a restore into a fresh database)."""
    with _matrices_lock:
        _matrices.clear()
    with _cursor_lock:
        _cursor.clear()
    _ahead.clear()


_extra_cache: dict[str, np.ndarray] = {}
EXTRA_CACHE = 4096


def vectors_of(claims: Sequence[tuple[Key, str]], *, encode_at_most: int) -> dict[Key, np.ndarray]:
    """The vector of each (key, words): stored if fresh, else encoded now (at most
    ``encode_at_most`` of them, cached per process); a claim left without one is absent."""
    store = matrix()
    found: dict[Key, np.ndarray] = {}
    missing: list[tuple[Key, str, str]] = []
    for key, words in claims:
        digest = text_hash(words)
        vector = store.vector(key, digest)
        if vector is None:
            vector = _extra_cache.get(digest)
        if vector is not None:
            found[key] = vector
        elif len(missing) < encode_at_most:
            missing.append((key, words, digest))
    if missing:
        encoded = encoder.encode_claims([words for _key, words, _digest in missing])
        if len(_extra_cache) > EXTRA_CACHE:
            _extra_cache.clear()
        for (key, _words, digest), vector in zip(missing, encoded, strict=True):
            _extra_cache[digest] = vector
            found[key] = vector
    return found


__all__ = [
    "BATCH",
    "Claim",
    "Worker",
    "catch_up",
    "claim_key",
    "encode_pending",
    "forget",
    "matrix",
    "pending",
    "prune",
    "start_worker",
    "text_hash",
    "vectors_of",
]
