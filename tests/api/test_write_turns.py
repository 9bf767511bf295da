"""On SQLite, requests that write take turns from their start, first come first served: a save
waits for the writer before it, a read never waits, and a save that gets no turn in time is told
so (503, a sentence) and changes nothing."""

from __future__ import annotations

import threading

import pytest

from annotator import sqlite_lock
from annotator.models import Annotation
from tests.conftest import count


def _turns(app):
    turns = app.extensions["write_turns"]
    if turns is None:
        pytest.skip("PostgreSQL writes in parallel: its requests take no turns")
    return turns


def _save(app, headers, sentence_id):
    return app.test_client().post(
        "/api/v1/annotations",
        headers=headers,
        json={"sentence_id": sentence_id, "verdict": "verified"},
    )


def test_a_save_waits_for_the_writer_before_it_and_a_read_does_not(
    app, make_article, reviewer, token_for
):
    turns = _turns(app)
    article = make_article()
    headers = token_for(reviewer)
    sentence_id = article.sentences[0].id
    answers: list[int] = []
    done = threading.Event()

    def save() -> None:
        answers.append(_save(app, headers, sentence_id).status_code)
        done.set()

    assert turns.acquire()  # another writer is at work
    thread = threading.Thread(target=save)
    thread.start()
    try:
        assert not done.wait(0.5), "the save ran beside another writer"
        read = app.test_client().get(f"/api/v1/articles/{article.id}", headers=headers)
        assert read.status_code == 200
    finally:
        turns.release()
    thread.join(timeout=30)
    assert answers == [201]


def test_a_save_that_gets_no_turn_in_time_is_told_so_and_changes_nothing(
    app, make_article, reviewer, token_for, monkeypatch
):
    turns = _turns(app)
    article = make_article()
    headers = token_for(reviewer)
    sentence_id = article.sentences[0].id
    before = count(Annotation)
    monkeypatch.setattr(sqlite_lock, "TIMEOUT_SECONDS", 0.2)
    assert turns.acquire()
    try:
        answer = _save(app, headers, sentence_id)
    finally:
        turns.release()
    assert answer.status_code == 503
    error = answer.get_json()["error"]
    assert error["code"] == "busy"
    assert error["message"] == "The server is busy saving other work. Try again in a moment."
    assert count(Annotation) == before
    assert _save(app, headers, sentence_id).status_code == 201  # its turn was not kept
