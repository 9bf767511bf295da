"""Saving an annotation over HTTP: the real server beside a bare Flask + SQLite ceiling, one run.

Run from the repository root: ``.venv/bin/python bench/bench_save.py`` (about 30 s). It builds a
throw-away instance with the CLI (init, a reviewer, a token, an imported article), starts
``annotator serve`` and ``bench/ceiling_app.py`` on 127.0.0.1 with the same waitress threads, then
alternates rounds between them: POST latency over one keep-alive connection, and throughput with
8 client threads, each on its own connection. Figures are medians over the rounds.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CORPUS_ARTICLE = ROOT.parent / "shared" / "corpus" / "kherson-withdrawal.txt"
SAMPLE_ARTICLE = ROOT / "annotator" / "sample" / "sample-article.txt"

HOST = "127.0.0.1"
THREADS = 8  # waitress worker threads, for both servers
CLIENTS = 8
ROUNDS = 3
WARMUP = 30
SEQUENTIAL = 300
THROUGHPUT_SECONDS = 2.5
MAX_REQUESTS_PER_CLIENT = 50_000  # a bound, in case a server answers implausibly fast
TARGET_P50_MS = 5.0
TARGET_THROUGHPUT_SHARE = 0.5
TARGET_CONCURRENT_P99_MS = 100.0


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


def start_annotator(workdir: Path) -> tuple[subprocess.Popen, int, str, list[int]]:
    """Set up an instance with the CLI, then serve it: process, port, token, sentence ids."""
    env = instance_env(workdir / "instance")
    annotator(env, "init")
    annotator(
        env,
        "users",
        "create",
        "bench",
        "--role",
        "reviewer",
        "--password-stdin",
        stdin="bench-password-123\n",
    )
    token = annotator(env, "tokens", "create", "bench").strip().splitlines()[-1]
    article = CORPUS_ARTICLE if CORPUS_ARTICLE.exists() else SAMPLE_ARTICLE
    annotator(env, "import", str(article))

    port = free_port()
    log = workdir / "annotator.log"
    process = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "annotator"),
            "serve",
            "--host",
            HOST,
            "--port",
            str(port),
            "--threads",
            str(THREADS),
        ],
        env=env,
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port, process, log)
    headers = {"Authorization": f"Bearer {token}"}
    articles = get_json(port, "/api/v1/articles", headers)["items"]
    sentences = get_json(port, f"/api/v1/articles/{articles[0]['id']}", headers)["sentences"]
    return process, port, token, [s["id"] for s in sentences]


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


def get_json(port: int, path: str, headers: dict[str, str]) -> dict:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            sys.exit(f"GET {path}: {response.status} {body[:300]!r}")
        return json.loads(body)
    finally:
        conn.close()


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


def tail_rows(ours: Target, ceiling: Target) -> list[tuple[str, ...]]:
    """p50, p99 and max of every save made by the 8 concurrent writers, over all rounds."""
    rows = []
    for name, pick in (
        ("p50", lambda t: statistics.median(t)),
        ("p99", lambda t: statistics.quantiles(t, n=100)[98]),
        ("max", max),
    ):
        a, b = pick(ours.concurrent_ms), pick(ceiling.concurrent_ms)
        target, met = "", ""
        if name == "p99":
            target = f"< {TARGET_CONCURRENT_P99_MS:g} ms"
            met = verdict(a < TARGET_CONCURRENT_P99_MS)
        rows.append(
            (
                f"{name}, {CLIENTS} writers (ms)",
                f"{a:.1f}",
                f"{b:.1f}",
                f"{a / b:.2f}x",
                target,
                met,
            )
        )
    return rows


def report(
    ours: Target, ceiling: Target, idle_rss: int, busy_rss: int, venv_mib: float | None
) -> None:
    p50, c50 = statistics.median(ours.p50), statistics.median(ceiling.p50)
    p95, c95 = statistics.median(ours.p95), statistics.median(ceiling.p95)
    rps, crps = statistics.median(ours.throughput), statistics.median(ceiling.throughput)
    share = rps / crps
    rows = [
        (
            "p50, sequential (ms)",
            f"{p50:.2f}",
            f"{c50:.2f}",
            f"{p50 / c50:.2f}x",
            f"< {TARGET_P50_MS:g} ms",
            verdict(p50 < TARGET_P50_MS),
        ),
        ("p95, sequential (ms)", f"{p95:.2f}", f"{c95:.2f}", f"{p95 / c95:.2f}x", "", ""),
        (
            f"throughput, {CLIENTS} clients (req/s)",
            f"{rps:.0f}",
            f"{crps:.0f}",
            f"{share:.0%}",
            f">= {TARGET_THROUGHPUT_SHARE:.0%} of ceiling",
            verdict(share >= TARGET_THROUGHPUT_SHARE),
        ),
        *tail_rows(ours, ceiling),
        (
            "failed requests",
            str(ours.errors),
            str(ceiling.errors),
            "",
            "0",
            verdict(ours.errors == 0),
        ),
    ]
    head = ("", "annotator", "ceiling", "ours/ceil", "target", "")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: tuple[str, ...]) -> str:
        first, *rest = cells
        return "  ".join(
            [
                first.ljust(widths[0]),
                *(c.rjust(w) for c, w in zip(rest[:3], widths[1:4], strict=True)),
                *(c.ljust(w) for c, w in zip(rest[3:], widths[4:], strict=True)),
            ]
        ).rstrip()

    print()
    print(
        f"Saving an annotation: POST over HTTP on {HOST}, "
        f"waitress with {THREADS} threads, SQLite (WAL)."
    )
    print(
        f"ceiling = bare Flask + sqlite3 inserting one row. "
        f"Medians of {ROUNDS} alternating rounds; each round {SEQUENTIAL} sequential requests "
        f"on one keep-alive connection after {WARMUP} warm-up, "
        f"then {THROUGHPUT_SECONDS:g} s with {CLIENTS} client threads."
    )
    print()
    print(line(head))
    print("  ".join("-" * w for w in widths).rstrip())
    for row in rows:
        print(line(row))
    print()
    print(
        f"server RSS (annotator serve): {idle_rss / 1024:.1f} MiB idle after start, "
        f"{busy_rss / 1024:.1f} MiB after the load"
    )
    size = f"{venv_mib:.0f} MiB" if venv_mib is not None else "unknown (du failed)"
    product, packages = install_size_mib()
    print(
        f"installed: the product and its dependencies {product:.0f} MiB ({packages} packages); "
        f"the whole venv ({sys.prefix}) {size}, with the test and bench extras"
    )
    rounds = ", ".join(
        f"{a:.0f}/{b:.0f}" for a, b in zip(ours.throughput, ceiling.throughput, strict=True)
    )
    print(f"throughput per round, annotator/ceiling (req/s): {rounds}")
    if ours.reconnects or ceiling.reconnects:
        print(
            f"note: the keep-alive connection was reopened {ours.reconnects} (annotator) and "
            f"{ceiling.reconnects} (ceiling) times"
        )


def main() -> None:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as tmp:
        workdir = Path(tmp)
        print(
            "setting up: init, a reviewer, a token, an article; starting both servers ...",
            flush=True,
        )
        server, port, token, sentence_ids = start_annotator(workdir)
        ceiling_process = None
        try:
            time.sleep(0.5)
            idle_rss = rss_kib(server.pid)
            ceiling_process, ceiling_port = start_ceiling(workdir)
            bodies = save_bodies(sentence_ids)
            ours = Target(
                "annotator",
                port,
                "/api/v1/annotations",
                {"Authorization": f"Bearer {token}"},
                bodies,
                server.pid,
            )
            ceiling = Target("ceiling", ceiling_port, "/save", {}, bodies, ceiling_process.pid)
            for n in range(ROUNDS):
                for target in (ours, ceiling) if n % 2 == 0 else (ceiling, ours):
                    print(f"round {n + 1}/{ROUNDS}: {target.name} ...", flush=True)
                    sequential(target)
                    concurrent(target)
            busy_rss = rss_kib(server.pid)
        finally:
            stop(server)
            if ceiling_process is not None:
                stop(ceiling_process)
    report(ours, ceiling, idle_rss, busy_rss, venv_size_mib())
    print(f"\n(bench took {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
