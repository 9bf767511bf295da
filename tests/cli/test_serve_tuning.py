"""`annotator serve` tunes its process before it serves: the collector, how soon a thread
waiting for the GIL (a writer holding the database's write lock) gets it back, and on SQLite a
thread pool that queues the writes (annotator.serving)."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest
import waitress

from annotator.runtime import SWITCH_INTERVAL_SECONDS
from annotator.services.annotations import claim_vectors
from annotator.serving import WritesInTurn
from tests.servers import app_env, cli


def test_serve_hands_the_gil_over_within_a_tenth_of_a_millisecond(runner, monkeypatch):
    seen = {}

    def fake_serve(app, **options):  # what the process is set to when waitress would start
        seen["switch"] = sys.getswitchinterval()
        seen["threshold"] = gc.get_threshold()
        seen["threads"] = options["threads"]

    monkeypatch.setattr(waitress, "serve", fake_serve)
    monkeypatch.setattr(claim_vectors, "start_worker", lambda app: None)
    switch, threshold = sys.getswitchinterval(), gc.get_threshold()
    try:
        result = runner.invoke(args=["serve", "--port", "0"])
    finally:
        sys.setswitchinterval(switch)
        gc.set_threshold(*threshold)
        gc.unfreeze()
    assert result.exit_code == 0, result.output
    assert seen["switch"] == pytest.approx(SWITCH_INTERVAL_SECONDS)  # microseconds inside
    assert SWITCH_INTERVAL_SECONDS <= 0.0001 < switch
    assert seen["threshold"][0] > threshold[0]
    assert seen["threads"] == 8


def test_a_gunicorn_worker_process_is_tuned_the_same_way(tmp_path):
    env = app_env(tmp_path / "instance")
    cli(env, "init")
    probe = (
        "import gc, sys; import annotator.wsgi; "
        "print(sys.getswitchinterval(), gc.get_threshold()[0], gc.get_freeze_count() > 0)"
    )
    result = subprocess.run(  # noqa: S603 - this interpreter, our own module
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    switch, threshold, frozen = result.stdout.split()
    assert float(switch) == pytest.approx(SWITCH_INTERVAL_SECONDS)
    assert int(threshold) > 700  # Python's default
    assert frozen == "True"


def test_serve_queues_the_writes_on_sqlite_only(app, runner, monkeypatch):
    seen = {}

    def fake_serve(app, **options):
        seen.update(options)
        if "_dispatcher" in options:
            seen["running"] = len(options["_dispatcher"].threads)

    monkeypatch.setattr(waitress, "serve", fake_serve)
    monkeypatch.setattr(claim_vectors, "start_worker", lambda app: None)
    switch, threshold = sys.getswitchinterval(), gc.get_threshold()
    try:
        result = runner.invoke(args=["serve", "--port", "0", "--threads", "3"])
    finally:
        sys.setswitchinterval(switch)
        gc.set_threshold(*threshold)
        gc.unfreeze()
        if "_dispatcher" in seen:
            seen["_dispatcher"].shutdown()
    assert result.exit_code == 0, result.output
    assert seen["threads"] == 3
    on_sqlite = app.extensions["write_turns"] is not None
    assert isinstance(seen.get("_dispatcher"), WritesInTurn) == on_sqlite
    if on_sqlite:
        assert seen["running"] == 3  # its own threads, as many as asked for
