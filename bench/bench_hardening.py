"""The "Done when" figures of issue 11's robustness part, measured in one run.

Run from the repository root: ``.venv/bin/python bench/bench_hardening.py`` (a few minutes). Set
TEST_DATABASE_URL=postgresql://... to add the PostgreSQL figures. It prints:

1. how much of a 200 MB upload `annotator serve` takes before refusing it (target: < 10 MB);
2. each format's worst-case upload: how long until it is refused, beside the parse of an ordinary
   article measured in the same run (target: < 1 s), and the saves made by another reviewer while
   those uploads are previewed (target: all succeed);
3. the property tests (hostile input at every route, as admin and reviewer): 500s seen (target: 0);
4. on PostgreSQL, 100 pairs of same-version saves against gunicorn with 4 workers (target: 100
   successes and 100 conflicts);
5. on SQLite, two processes writing under load: integrity_check and acknowledged saves present.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORST = {
    "wide.csv": ("text," + ",".join(f"c{i}" for i in range(40_000)) + "\nhello\n").encode(),
    "divs.json": json.dumps({"title": "t", "html": "<div>" * 20_000}).encode(),
    "divs-100k.json": json.dumps({"title": "t", "html": "<div>" * 100_000}).encode(),
    "deep.json": b"[" * 100_000 + b"]" * 100_000,
    "divs.html": b"<html><body>" + b"<div>" * 100_000 + b"x</body></html>",
    "links.md": b"# T\n\n" + b"[" * 100_000 + b"x",
    "lists.md": b"# T\n\n" + b"".join(b"  " * i + b"- a\n" for i in range(2_000)),
    "one-line.txt": b"T\n\n" + b"word " * 1_000_000,
}


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def body_limit() -> None:
    from tests.cli.test_serve_limits import BODY, CHUNK, send_until_answered
    from tests.servers import HOST, app_env, cli, free_port, running, serve_command

    with tempfile.TemporaryDirectory(prefix="annotator-hardening-") as tmp:
        env = app_env(Path(tmp) / "instance")
        cli(env, "init")
        port = free_port()
        with running(serve_command(port), env, port, Path(tmp) / "serve.log"):
            head = (
                f"POST /import/preview HTTP/1.1\r\nHost: {HOST}\r\n"
                f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {BODY}\r\n\r\n"
            ).encode()
            written, answer = send_until_answered(port, head, b"x" * CHUNK, BODY)
    status = answer.split(b"\r\n", 1)[0].decode(errors="replace")
    print(
        f"1. 200 MB body to annotator serve: {written / 2**20:.2f} MB written before "
        f"'{status}' (target < 10 MB): {verdict(written < 10 * 2**20 and ' 413 ' in status)}"
    )


def parsers() -> None:
    from annotator.importers import ImportFailure, parse_file

    # The baseline: an ordinary saved page of about the same size as the worst cases (100 KB of
    # paragraphs from the sample article), parsed for real.
    paragraphs = (ROOT / "annotator" / "sample" / "sample-article.txt").read_text().split("\n\n")
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = f"<html><head><title>T</title></head><body><article>{body * (100_000 // len(body) + 1)}"
    page = (page + "</article></body></html>").encode()
    baseline = statistics.median(_time(lambda: parse_file(page, "page.html")) for _ in range(3))
    print(
        f"2. worst-case uploads (baseline: an ordinary {len(page) / 1e3:.0f} KB page, "
        f"parsed in {baseline * 1000:.0f} ms):"
    )
    for name, data in WORST.items():
        started = time.perf_counter()
        try:
            parse_file(data, name)
            outcome = "parsed"
        except ImportFailure as failure:
            outcome = "refused: " + failure.reason[:60]
        elapsed = time.perf_counter() - started
        print(
            f"   {name:15} {len(data) / 1e6:5.2f} MB  {elapsed * 1000:7.1f} ms "
            f"({elapsed / baseline:5.1f}x)  {verdict(elapsed < 1.0)}  {outcome}"
        )


def _time(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def saves_during_imports() -> None:
    """Preview every worst case on the import page while another reviewer saves, in one app."""
    from annotator import create_app
    from annotator.extensions import db
    from annotator.models import Role, User
    from annotator.services.accounts import users
    from annotator.services.articles import articles

    with tempfile.TemporaryDirectory(prefix="annotator-hardening-") as tmp:
        env = {"INSTANCE_PATH": tmp, "SECRET_KEY": "bench", "TESTING": True}
        app = create_app(env)
        with app.app_context():
            import logging

            from flask_migrate import upgrade

            logging.getLogger("alembic").setLevel(logging.WARNING)
            upgrade(directory=app.extensions["migrate"].directory)
            admin = User(
                username="boss",
                password_hash=users.hash_password("a long password 1"),
                role=Role.ADMIN,
            )
            reviewer = User(username="alice", password_hash=admin.password_hash, role=Role.REVIEWER)
            db.session.add_all([admin, reviewer])
            article = articles.create_article(
                {"title": "T", "text": "One claim. Two claims. Three."}, actor=None, force=True
            )
            db.session.commit()
            sentence_ids = [s.id for s in article.sentences]
            token = users.create_token(reviewer, "bench")
            db.session.commit()
        app.config["WTF_CSRF_ENABLED"] = False
        importer = app.test_client()
        importer.post("/login", data={"username": "boss", "password": "a long password 1"})
        done = threading.Event()
        statuses: list[int] = []
        timings: list[float] = []

        def save_until_done() -> None:
            client = app.test_client()
            n = 0
            while not done.is_set():
                started = time.perf_counter()
                response = client.post(
                    "/api/v1/annotations",
                    headers={"Authorization": f"Bearer {token}"},
                    json={
                        "sentence_id": sentence_ids[n % len(sentence_ids)],
                        "verdict": "verified",
                    },
                )
                timings.append(time.perf_counter() - started)
                statuses.append(response.status_code)
                n += 1

        saver = threading.Thread(target=save_until_done)
        saver.start()
        previews = []
        try:
            for name, data in WORST.items():
                from io import BytesIO

                response = importer.post(
                    "/import/preview",
                    data={"source": "upload", "files": (BytesIO(data), name)},
                    content_type="multipart/form-data",
                )
                previews.append(response.status_code)
        finally:
            done.set()
            saver.join(timeout=60)
    ok = statuses.count(201)
    worst = max(timings) * 1000 if timings else 0.0
    print(
        f"   saves by another reviewer during those previews: {ok} of {len(statuses)} succeeded, "
        f"slowest {worst:.0f} ms; preview answers {sorted(set(previews))}: "
        f"{verdict(ok == len(statuses) and ok > 0 and 500 not in previews)}"
    )


def pytest_figure(label: str, tests: str, db_url: str = "") -> None:
    command = [sys.executable, "-m", "pytest", tests, "-q", "-p", "no:cacheprovider", "-rs"]
    if db_url:
        command += ["--db-url", db_url]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    failures = re.findall(r"-> 5\d\d", result.stdout)
    print(f"   {label}: {summary}" + (f"; {len(failures)} answers of 500" if failures else ""))
    print(f"     {verdict(result.returncode == 0)}")


def main() -> None:
    started = time.monotonic()
    postgres = os.environ.get("TEST_DATABASE_URL", "")
    body_limit()
    parsers()
    saves_during_imports()
    print("3. property tests, hostile input at every route as admin and reviewer (target: no 500):")
    pytest_figure("SQLite", "tests/web/test_hostile_input.py")
    if postgres:
        pytest_figure("PostgreSQL", "tests/web/test_hostile_input.py", postgres)
    print(
        "4. 100 same-version save pairs against gunicorn -w 4 on PostgreSQL (target: 100 + 100 409):"
    )
    if postgres:
        pytest_figure("PostgreSQL", "tests/api/test_concurrent_versions.py", postgres)
    else:
        print("   skipped: set TEST_DATABASE_URL=postgresql://... to measure it")
    print(
        "5. two processes writing to one SQLite database (integrity_check ok, every save present):"
    )
    pytest_figure("SQLite", "tests/services/test_sqlite_processes.py")
    print(f"\n(took {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
