"""Saving an annotation over HTTP: today's code beside the previous release and a bare ceiling, one run.

Run from the repository root: ``.venv/bin/python bench/bench_save.py`` (about a minute). It builds
a throw-away instance for each version with the CLI (init, a reviewer, a token, an imported
article), starts ``annotator serve`` for today's code (this checkout) and for the previous release
(a pristine copy of ``PREVIOUS_RELEASE`` made with ``git archive`` under /tmp, run from its own
folder on PYTHONPATH), and ``bench/ceiling_app.py``, all on 127.0.0.1 with the same waitress
threads. Rounds alternate between the three, in a rotating order: POST latency over one
keep-alive connection, then throughput and latency with 8 client threads, each on its own
connection. Figures are medians over the rounds.

``--database-url postgresql://...`` adds today's code on PostgreSQL under ``gunicorn -w 4`` to the
rotation (the database named is emptied first): its 8-client throughput beside the single SQLite
process.
``--previous REV`` measures another release; ``--previous ''`` leaves it out.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CORPUS_ARTICLE = ROOT.parent / "shared" / "corpus" / "kherson-withdrawal.txt"
SAMPLE_ARTICLE = ROOT / "annotator" / "sample" / "sample-article.txt"

# main when issue 21 (a save in a few milliseconds again) was taken up: "the previous release".
PREVIOUS_RELEASE = "eb53b64"

HOST = "127.0.0.1"
THREADS = 8  # waitress worker threads, for every server
CLIENTS = 8
ROUNDS = 3
WARMUP = 30
SEQUENTIAL = 300
THROUGHPUT_SECONDS = 2.5
MAX_REQUESTS_PER_CLIENT = 50_000  # a bound, in case a server answers implausibly fast
GUNICORN_WORKERS = 4
# Targets, as ratios to the ceiling measured in the same run (issue 21).
TARGET_P50_RATIO = 5.0  # sequential p50 at most 5x the ceiling's
TARGET_THROUGHPUT_SHARE = 0.25  # 8 clients: at least a quarter of the ceiling's saves/s
GOAL_THROUGHPUT_SHARE = 0.5  # where we are heading beyond that
TARGET_CONCURRENT_P99_MS = 100.0
TARGET_POSTGRESQL_FACTOR = 2.0  # gunicorn -w 4 on PostgreSQL: twice the single SQLite process


@dataclass
class Target:
    name: str
    port: int
    path: str
    headers: dict[str, str]
    bodies: list[bytes]
    pid: int
    p50: list[float] = field(default_factory=list)
    p95: list[float] = field(default_factory=list)
    throughput: list[float] = field(default_factory=list)
    concurrent_ms: list[float] = field(default_factory=list)  # every request under 8 writers
    errors: int = 0
    reconnects: int = 0


# ----- servers -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(
                f"the server exited with {process.returncode}:\n"
                f"{log.read_text(errors='replace')[-2000:]}"
            )
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listened on {HOST}:{port} within {timeout:.0f} s")


def annotator(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(  # noqa: S603 - our own console script
        [str(BIN / "annotator"), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode:
        sys.exit(f"annotator {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def instance_env(instance: Path) -> dict[str, str]:
    """The caller's environment minus any database or app setting, plus a fresh instance folder."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ANNOTATOR_") and k != "DATABASE_URL"
    }
    env["ANNOTATOR_INSTANCE_PATH"] = str(instance)
    return env


def previous_release(revision: str) -> Path | None:
    """A pristine copy of the code at ``revision`` (git archive, kept under /tmp for later runs);
    None, with a note, when this is no git checkout holding that revision."""
    folder = Path(tempfile.gettempdir()) / f"annotator-release-{revision}"
    if (folder / "annotator" / "__init__.py").exists():
        return folder
    archive = subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision],  # noqa: S607
        capture_output=True,
        timeout=120,
        check=False,
    )
    if archive.returncode:
        print(
            f"note: no previous release measured (git archive {revision}: "
            f"{archive.stderr.decode(errors='replace').strip()[:200]})"
        )
        return None
    partial = folder.with_name(folder.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(partial, filter="data")
    partial.rename(folder)
    return folder


def start_annotator(
    workdir: Path, code: Path = ROOT, database_url: str = "", gunicorn: bool = False
) -> tuple[subprocess.Popen, int, str, list[int]]:
    """Set up an instance with the CLI, then serve it: process, port, token, sentence ids.

    ``code`` is the checkout whose ``annotator`` package runs (first on PYTHONPATH)."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = instance_env(workdir / "instance")
    env["PYTHONPATH"] = str(code)
    if database_url:
        empty_postgresql(database_url)
        env["DATABASE_URL"] = database_url
    annotator(env, "init")
    annotator(
        env,
        "users",
        "create",
        "bench",
        "--role",
        "reviewer",
        "--password-stdin",
        stdin="verdicts-by-the-hour-2026\n",
    )
    token = annotator(env, "tokens", "create", "bench").strip().splitlines()[-1]
    article = CORPUS_ARTICLE if CORPUS_ARTICLE.exists() else SAMPLE_ARTICLE
    annotator(env, "import", str(article))

    port = free_port()
    log = workdir / "annotator.log"
    command = [
        str(BIN / "annotator"),
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--threads",
        str(THREADS),
    ]
    if gunicorn:
        command = [
            str(BIN / "gunicorn"),
            "--workers",
            str(GUNICORN_WORKERS),
            "--bind",
            f"{HOST}:{port}",
            "annotator.wsgi:app",
        ]
    process = subprocess.Popen(  # noqa: S603
        command,
        env=env,
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process, log)
        headers = {"Authorization": f"Bearer {token}"}
        # gunicorn listens before its workers have loaded the app: the first answer may take a while
        articles = get_json(port, "/api/v1/articles", headers, timeout=120)["items"]
        sentences = get_json(port, f"/api/v1/articles/{articles[0]['id']}", headers)["sentences"]
    except BaseException:
        stop(process)
        raise
    return process, port, token, [s["id"] for s in sentences]


def empty_postgresql(url: str) -> None:
    """Drop everything in the database the URL names (a benchmark's own database)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def start_ceiling(workdir: Path) -> tuple[subprocess.Popen, int]:
    log = workdir / "ceiling.log"
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            str(ROOT / "bench" / "ceiling_app.py"),
            "--db",
            str(workdir / "ceiling.sqlite3"),
            "--threads",
            str(THREADS),
        ],
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # "PORT n" once it listens
    if not line.startswith("PORT "):
        sys.exit(f"the ceiling app did not start:\n{log.read_text(errors='replace')[-2000:]}")
    port = int(line.split()[1])
    wait_for_port(port, process, log)
    return process, port


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def get_json(port: int, path: str, headers: dict[str, str], timeout: float = 10) -> dict:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            sys.exit(f"GET {path}: {response.status} {body[:300]!r}")
        return json.loads(body)
    finally:
        conn.close()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process and its children (gunicorn's workers) have used."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(child)) for child in children)


def wait_until_idle(pid: int, timeout: float = 120.0) -> float:
    """Wait until the server's background work is done (its encoder reads newly judged claims
    for "Seen before"): under 5 % of a core over half a second. Rounds then measure saves of
    claims judged before, as on a desk's server most of the day. Seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = cpu_seconds(pid)
        time.sleep(0.5)
        if cpu_seconds(pid) - before < 0.025:
            break
    return time.monotonic() - started


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def venv_size_mib() -> float | None:
    venv = Path(sys.prefix)
    try:
        out = subprocess.run(  # noqa: S603
            ["du", "-sk", str(venv)],  # noqa: S607 - coreutils du, from PATH
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return int(out.split()[0]) / 1024


def install_size_mib(name: str = "annotator") -> tuple[float, int]:
    """What the product itself installs: the files of `name` and of everything it requires
    (recursively, extras left out), as the installed distributions list them."""
    from importlib import metadata

    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [name]
    total = 0
    while todo:
        current = todo.pop()
        key = current.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(current)
        except metadata.PackageNotFoundError:
            continue
        for file in dist.files or []:
            path = Path(file.locate())
            if path.is_file():
                total += path.stat().st_size
        for spec in dist.requires or []:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return total / 2**20, len(seen)


# ----- load ----------------------------------------------------------------------


def save_bodies(sentence_ids: list[int]) -> list[bytes]:
    """Realistic saves: every field filled, one evidence link, rotating over the sentences."""
    verdicts = ("verified", "unproven", "disputed")
    return [
        json.dumps(
            {
                "sentence_id": sid,
                "verdict": verdicts[i % 3],
                "attributed_to": "Ministry of Defence statement",
                "note": "Checked against the ministry's own release and two wire reports.",
                "links": [{"url": f"https://example.org/evidence/{i}", "credibility": "high"}],
            }
        ).encode()
        for i, sid in enumerate(sentence_ids)
    ]


def post(conn: http.client.HTTPConnection, target: Target, body: bytes) -> int:
    headers = {
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        **target.headers,
    }
    conn.request("POST", target.path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def judge_every_sentence(target: Target) -> None:
    """One save of each sentence, so that the rounds judge claims the desk has judged before
    (a claim's first judgement sets the server's encoder to work for "Seen before")."""
    conn = http.client.HTTPConnection(HOST, target.port, timeout=30)
    try:
        for body in target.bodies:
            if post(conn, target, body) != 201:
                target.errors += 1
    finally:
        conn.close()


def sequential(target: Target) -> None:
    conn = http.client.HTTPConnection(HOST, target.port, timeout=30)
    timings = []
    try:
        conn.connect()
        sock = conn.sock
        for i in range(WARMUP + SEQUENTIAL):
            body = target.bodies[i % len(target.bodies)]
            started = time.perf_counter()
            status = post(conn, target, body)
            elapsed = time.perf_counter() - started
            if status != 201:
                target.errors += 1
            if i >= WARMUP:
                timings.append(elapsed * 1000)
            if conn.sock is not sock:
                target.reconnects += 1
                sock = conn.sock
    finally:
        conn.close()
    cuts = statistics.quantiles(timings, n=100)
    target.p50.append(statistics.median(timings))
    target.p95.append(cuts[94])


def concurrent(target: Target) -> None:
    counts = [0] * CLIENTS
    errors = [0] * CLIENTS
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    start = threading.Barrier(CLIENTS + 1)
    deadline = [0.0]

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(HOST, target.port, timeout=30)
        try:
            conn.connect()
            start.wait()
            for i in range(MAX_REQUESTS_PER_CLIENT):
                if time.perf_counter() >= deadline[0]:
                    break
                sent = time.perf_counter()
                status = post(conn, target, target.bodies[(n * 7 + i) % len(target.bodies)])
                latencies[n].append((time.perf_counter() - sent) * 1000)
                if status == 201:
                    counts[n] += 1
                else:
                    errors[n] += 1
        finally:
            conn.close()

    workers = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
    for worker in workers:
        worker.start()
    began = time.perf_counter()
    deadline[0] = began + THROUGHPUT_SECONDS
    start.wait()
    for worker in workers:
        worker.join(timeout=THROUGHPUT_SECONDS + 60)
    elapsed = time.perf_counter() - began
    target.throughput.append(sum(counts) / elapsed)
    target.errors += sum(errors)
    for timings in latencies:
        target.concurrent_ms.extend(timings)


# ----- report --------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def concurrent_pick(target: Target, name: str) -> float:
    """p50, p99 or max of every save made by the 8 concurrent writers, over all rounds."""
    timings = target.concurrent_ms
    if name == "p50":
        return statistics.median(timings)
    if name == "p99":
        return statistics.quantiles(timings, n=100)[98]
    return max(timings)


def table(head: tuple[str, ...], rows: list[tuple[str, ...]], numeric: int) -> None:
    """Print rows under head: the first column left, the next ``numeric`` right-aligned."""
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: tuple[str, ...]) -> str:
        first, *rest = cells
        return "  ".join(
            [
                first.ljust(widths[0]),
                *(c.rjust(w) for c, w in zip(rest[:numeric], widths[1 : numeric + 1], strict=True)),
                *(c.ljust(w) for c, w in zip(rest[numeric:], widths[numeric + 1 :], strict=True)),
            ]
        ).rstrip()

    print(line(head))
    print("  ".join("-" * w for w in widths).rstrip())
    for row in rows:
        print(line(row))


def report(  # noqa: PLR0913
    today: Target,
    previous: Target | None,
    ceiling: Target,
    postgresql: Target | None,
    idle_rss: int,
    busy_rss: int,
    venv_mib: float | None,
) -> bool:
    """Print the figures beside the targets; whether every target was met."""
    versions = [today, previous] if previous else [today]
    c50 = statistics.median(ceiling.p50)
    c95 = statistics.median(ceiling.p95)
    crps = statistics.median(ceiling.throughput)
    rows: list[tuple[str, ...]] = []
    met: list[bool] = []

    def add(
        label: str,
        values: list[float],
        ceil: float,
        fmt: str,
        ratio: str,
        target: str,
        ok: bool | None,
    ) -> None:  # noqa: E501
        cells = [fmt.format(v) for v in values]
        ratios = [f"{v / ceil:.0%}" if ratio == "share" else f"{v / ceil:.2f}x" for v in values]
        rows.append(
            (label, *cells, fmt.format(ceil), *ratios, target, "" if ok is None else verdict(ok))
        )
        if ok is not None:
            met.append(ok)

    p50s = [statistics.median(t.p50) for t in versions]
    add(
        "p50, sequential (ms)",
        p50s,
        c50,
        "{:.2f}",
        "x",
        f"<= {TARGET_P50_RATIO:g}x ceiling",
        p50s[0] <= TARGET_P50_RATIO * c50,
    )
    add(
        "p95, sequential (ms)",
        [statistics.median(t.p95) for t in versions],
        c95,
        "{:.2f}",
        "x",
        "",
        None,
    )
    rps = [statistics.median(t.throughput) for t in versions]
    add(
        f"throughput, {CLIENTS} clients (saves/s)",
        rps,
        crps,
        "{:.0f}",
        "share",
        f">= {TARGET_THROUGHPUT_SHARE:.0%} of ceiling (goal {GOAL_THROUGHPUT_SHARE:.0%})",
        rps[0] >= TARGET_THROUGHPUT_SHARE * crps,
    )
    for name in ("p50", "p99", "max"):
        values = [concurrent_pick(t, name) for t in versions]
        ceil = concurrent_pick(ceiling, name)
        if name == "p99":
            add(
                f"{name}, {CLIENTS} writers (ms)",
                values,
                ceil,
                "{:.1f}",
                "x",
                f"<= {TARGET_CONCURRENT_P99_MS:g} ms",
                values[0] <= TARGET_CONCURRENT_P99_MS,
            )
        else:
            add(f"{name}, {CLIENTS} writers (ms)", values, ceil, "{:.1f}", "x", "", None)
    rows.append(
        (
            "failed requests",
            *(str(t.errors) for t in versions),
            str(ceiling.errors),
            *("" for _ in versions),
            "0",
            verdict(today.errors == 0),
        )
    )
    met.append(today.errors == 0)

    names = ["today"] + (["previous"] if previous else [])
    head = ("", *names, "ceiling", *(f"{n}/ceil" for n in names), "target (today)", "")
    print()
    print(
        f"Saving an annotation: POST /api/v1/annotations with a bearer token over HTTP on {HOST}, "
        f"waitress with {THREADS} threads, SQLite (WAL)."
    )
    print(
        "today = this checkout; "
        + (
            f"previous = release {PREVIOUS_RELEASE_USED[0]} (pristine copy, same machine); "
            if previous
            else ""
        )
        + "ceiling = bare Flask + sqlite3 inserting one row."
    )
    print(
        "Every sentence is judged once first; rounds start once each server is idle again (its "
        "encoder done with those claims). "
        f"Medians of {ROUNDS} rounds in rotating order; each round {SEQUENTIAL} sequential "
        f"requests on one keep-alive connection after {WARMUP} warm-up, then "
        f"{THROUGHPUT_SECONDS:g} s with {CLIENTS} client threads."
    )
    print()
    table(head, rows, 2 * len(versions) + 1)
    if postgresql is not None:
        pg = statistics.median(postgresql.throughput)
        factor = pg / rps[0]
        ok = factor >= TARGET_POSTGRESQL_FACTOR and postgresql.errors == 0
        met.append(ok)
        print()
        print(
            f"PostgreSQL, gunicorn -w {GUNICORN_WORKERS} (today's code): {pg:.0f} saves/s with "
            f"{CLIENTS} clients, {factor:.2f}x the single SQLite process "
            f"(target >= {TARGET_POSTGRESQL_FACTOR:g}x: {verdict(factor >= TARGET_POSTGRESQL_FACTOR)}); "
            f"p50 sequential {statistics.median(postgresql.p50):.2f} ms, "
            f"p99 under {CLIENTS} writers {concurrent_pick(postgresql, 'p99'):.1f} ms, "
            f"failed {postgresql.errors} ({verdict(postgresql.errors == 0)})"
        )
    print()
    print(
        f"server RSS (annotator serve, today): {idle_rss / 1024:.1f} MiB idle after start, "
        f"{busy_rss / 1024:.1f} MiB after the load"
    )
    size = f"{venv_mib:.0f} MiB" if venv_mib is not None else "unknown (du failed)"
    product, packages = install_size_mib()
    print(
        f"installed: the product and its dependencies {product:.0f} MiB ({packages} packages); "
        f"the whole venv ({sys.prefix}) {size}, with the test and bench extras"
    )
    for t in [*versions, postgresql]:
        if t is None:
            continue
        rounds = ", ".join(
            f"{a:.0f}/{b:.0f}" for a, b in zip(t.throughput, ceiling.throughput, strict=False)
        )
        print(f"throughput per round, {t.name}/ceiling (saves/s): {rounds}")
        if t.reconnects:
            print(f"note: {t.name}'s keep-alive connection was reopened {t.reconnects} times")
    return all(met)


PREVIOUS_RELEASE_USED = [PREVIOUS_RELEASE]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--previous",
        default=PREVIOUS_RELEASE,
        help=f"the release to measure beside today's code (default {PREVIOUS_RELEASE}; '' for none)",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL database to empty and serve today's code from with gunicorn -w 4",
    )
    args = parser.parse_args()
    PREVIOUS_RELEASE_USED[0] = args.previous
    started = time.monotonic()
    servers: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as tmp:
        workdir = Path(tmp)
        print(
            "setting up: init, a reviewer, a token, an article; starting the servers ...",
            flush=True,
        )
        try:
            server, port, token, sentence_ids = start_annotator(workdir / "today")
            servers.append(server)
            time.sleep(0.5)
            idle_rss = rss_kib(server.pid)
            bodies = save_bodies(sentence_ids)
            today = Target(
                "today",
                port,
                "/api/v1/annotations",
                {"Authorization": f"Bearer {token}"},
                bodies,
                server.pid,
            )
            previous = None
            code = previous_release(args.previous) if args.previous else None
            if code is not None:
                process, prev_port, prev_token, prev_ids = start_annotator(
                    workdir / "previous", code=code
                )
                servers.append(process)
                previous = Target(
                    "previous",
                    prev_port,
                    "/api/v1/annotations",
                    {"Authorization": f"Bearer {prev_token}"},
                    save_bodies(prev_ids),
                    process.pid,
                )
            postgresql = None
            if args.database_url:
                process, pg_port, pg_token, pg_ids = start_annotator(
                    workdir / "postgresql", database_url=args.database_url, gunicorn=True
                )
                servers.append(process)
                postgresql = Target(
                    "postgresql",
                    pg_port,
                    "/api/v1/annotations",
                    {"Authorization": f"Bearer {pg_token}"},
                    save_bodies(pg_ids),
                    process.pid,
                )
            for target in (today, previous, postgresql):
                if target is not None:
                    judge_every_sentence(target)
            settled = {t.name: wait_until_idle(t.pid) for t in (today, previous, postgresql) if t}
            print(
                "servers idle (background encoding done) after "
                + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in settled.items()),
                flush=True,
            )
            ceiling_process, ceiling_port = start_ceiling(workdir)
            servers.append(ceiling_process)
            ceiling = Target("ceiling", ceiling_port, "/save", {}, bodies, ceiling_process.pid)
            order = [t for t in (today, previous, ceiling, postgresql) if t is not None]
            for n in range(ROUNDS):
                for target in order[n % len(order) :] + order[: n % len(order)]:
                    print(f"round {n + 1}/{ROUNDS}: {target.name} ...", flush=True)
                    sequential(target)
                    concurrent(target)
            busy_rss = rss_kib(server.pid)
        finally:
            for process in servers:
                stop(process)
    ok = report(today, previous, ceiling, postgresql, idle_rss, busy_rss, venv_size_mib())
    print(f"\n(bench took {time.monotonic() - started:.0f} s)")
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
