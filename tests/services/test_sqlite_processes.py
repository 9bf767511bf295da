"""Two processes writing to one SQLite database under load (each with several threads, and WAL
checkpoints between saves) leave it intact, with every acknowledged write present.

The shared write lock (annotator/sqlite_lock.py) is what makes this safe on SQLite versions with
the WAL-reset race (fixed upstream in 3.51.3).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from tests.servers import app_env, cli

SAVES_PER_THREAD = 25
THREADS = 4
WRITER = f"""
import sys, threading
from annotator import create_app
from annotator.sqlite_lock import LockedConnection

app = create_app()
token, sentence_ids = sys.argv[1], [int(i) for i in sys.argv[2].split(",")]
database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
acknowledged, failures = [], []

def checkpoint():
    # What a second program beside the server does: checkpoint the WAL, under the shared lock.
    connection = LockedConnection(database, isolation_level=None, check_same_thread=False)
    try:
        connection.take_write_lock()
        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        connection.drop_write_lock()
    finally:
        connection.close()

def work(n):
    try:
        save(n)
    except BaseException as error:
        failures.append(repr(error))

def save(n):
    client = app.test_client()
    for i in range({SAVES_PER_THREAD}):
        response = client.post(
            "/api/v1/annotations",
            headers={{"Authorization": "Bearer " + token}},
            json={{"sentence_id": sentence_ids[(n + i) % len(sentence_ids)], "verdict": "verified", "note": f"{{n}}-{{i}}"}},
        )
        if response.status_code == 201:
            acknowledged.append(response.get_json()["id"])
        else:
            failures.append(response.status_code)
        if i % 5 == 0:
            checkpoint()

threads = [threading.Thread(target=work, args=(n,)) for n in range({THREADS})]
for t in threads: t.start()
for t in threads: t.join()
print("IDS", ",".join(map(str, acknowledged)))
print("FAILURES", len(failures), sorted(set(failures)))
"""


# Under pytest-xdist: never beside the other test that loads the machine with processes.
@pytest.mark.xdist_group("processes")
def test_two_processes_writing_leave_an_intact_database(database_uri, tmp_path):
    if not database_uri.startswith("sqlite"):
        print("skipped: this checks SQLite's cross-process write lock")
        pytest.skip("SQLite only: PostgreSQL has its own locking")
    instance = tmp_path / "instance"
    env = app_env(instance)
    cli(env, "init")
    cli(
        env,
        "users",
        "create",
        "writer",
        "--role",
        "reviewer",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    token = cli(env, "tokens", "create", "writer").strip().splitlines()[-1]
    article = tmp_path / "article.txt"
    article.write_text("Title\n\n" + " ".join(f"Claim {n} was made today." for n in range(20)))
    cli(env, "import", str(article))
    database = instance / "annotator.sqlite3"
    with sqlite3.connect(database) as connection:
        sentence_ids = ",".join(
            str(row[0]) for row in connection.execute("SELECT id FROM sentences")
        )

    writers = [
        subprocess.Popen(  # noqa: S603 - our own code
            [sys.executable, "-c", WRITER, token, sentence_ids],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    acknowledged: list[int] = []
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err[-3000:]
        lines = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
        assert lines["FAILURES"].startswith("0 "), lines["FAILURES"] + err[-2000:]
        acknowledged += [int(i) for i in lines["IDS"].split(",") if i]

    assert len(acknowledged) == 2 * THREADS * SAVES_PER_THREAD
    connection = sqlite3.connect(database)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in connection.execute("SELECT id FROM annotations")}
    finally:
        connection.close()
    assert set(acknowledged) <= stored, (
        f"{len(set(acknowledged) - stored)} acknowledged saves are missing"
    )
