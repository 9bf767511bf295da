"""Real servers for the tests that need one: started on a free port, stopped by the test."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from waitress.server import BaseWSGIServer, create_server

import annotator
from annotator.serving import pool

HOST = "127.0.0.1"
ROOT = Path(annotator.__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def app_env(instance: Path, database_url: str = "") -> dict[str, str]:
    """The test's environment minus app settings, with this checkout first on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANNOTATOR_")}
    env.pop("DATABASE_URL", None)
    env["ANNOTATOR_INSTANCE_PATH"] = str(instance)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run `annotator ARGS` in a fresh process; fail the test on a non-zero exit."""
    result = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-c", "from annotator.cli import main; main()", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"annotator {' '.join(args)}: {result.stdout}{result.stderr}"
    return result.stdout


@contextmanager
def running(
    command: Sequence[str], env: dict[str, str], port: int, log: Path
) -> Iterator[subprocess.Popen]:
    """Start a server, wait until it listens on port, and stop it (and its workers) afterwards."""
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603
            list(command),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(
                    f"the server exited with {process.returncode}:\n{log.read_text()[-3000:]}"
                )
            try:
                with socket.create_connection((HOST, port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"nothing listened on port {port}:\n{log.read_text()[-3000:]}"
                    ) from None
                time.sleep(0.05)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()  # gunicorn's master stops its workers on TERM
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def serve_command(port: int, threads: int = 4) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from annotator.cli import main; main()",
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--threads",
        str(threads),
    ]


@contextmanager
def in_thread(
    app: Flask, threads: int = 4, wsgi: Callable[..., Any] | None = None
) -> Iterator[BaseWSGIServer]:
    """Serve the test's own app (same database), or ``wsgi`` mounting it, with waitress in a
    thread of this process and the thread pool `annotator serve` uses (writes in turn on
    SQLite); yields the server."""
    server = create_server(
        wsgi or app, host=HOST, port=0, ident="annotator-test", **pool(app, threads)
    )
    stopping = threading.Event()

    def run() -> None:
        # waitress's own loop, a round at a time until told to stop; then this thread, the only
        # one that selects on the sockets, closes them. Stopping needs no wake-up through the
        # server's trigger (a pipe that a thread finishing a request also writes to: writing to
        # it once it was closed failed with EBADF, in a test's teardown now and then).
        while not stopping.is_set() and server._map:
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        for _ in range(100):  # a channel may add another while closing; never spin forever
            if not server._map:
                break
            for channel in list(server._map.values()):
                channel.handle_close()

    thread = threading.Thread(target=run, name="waitress-test", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        logging.getLogger("waitress").setLevel(logging.CRITICAL)
        server.task_dispatcher.shutdown()  # first: its threads may still wake the loop
        stopping.set()
        thread.join(timeout=5)
        assert not thread.is_alive(), "the test server did not stop within 5 s"
