"""Import 1,000 articles of ~40 sentences each from one JSONL file through `annotator import`,
and 1,000 sentences (one article) through the API.

The CLI part runs the real CLI as a subprocess on a fresh instance folder (SQLite), today's code
(this checkout) and the previous release (a pristine copy of bench_save.PREVIOUS_RELEASE, made
with git archive) in alternating rounds, and prints the median wall time of each, articles/s,
sentences/s and the child's peak memory, against the targets (under 10 s, under 200 MB, at least
as fast as the previous release) and beside Label Studio's quoted figure (~4 s for 10,000 single
sentences: 2,500 sentences/s).

The API part serves a fresh instance of each version with `annotator serve` (waitress) and POSTs
new articles of --api-sentences sentences to /api/v1/articles with an admin's bearer token, one
request at a time over one connection, the versions taking turns; it prints the median time per
request of each and their ratio, against the target: at least as fast as the previous release.
Each server first imports one article (its lazily loaded parts: the language model, the
segmenter) and is left to finish its background work between requests (today's server encodes
a newly imported article's first sentences for "Seen before", at the lowest priority); the time
a request took is its own.

    .venv/bin/python bench/bench_import.py [--articles 1000] [--sentences 40] [--rounds 3]
        [--api-sentences 1000] [--api-rounds 5] [--previous REV]

``--api-rounds 0`` leaves the API part out, ``--articles 0`` the CLI part.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_SECONDS = 10.0
TARGET_MB = 200.0
LABEL_STUDIO_SENTENCES_PER_S = 10_000 / 4

WORDS = [
    "the",
    "council",
    "minister",
    "said",
    "on",
    "tuesday",
    "that",
    "troops",
    "had",
    "withdrawn",
    "from",
    "the",
    "city",
    "while",
    "officials",
    "denied",
    "reports",
    "of",
    "shelling",
    "near",
    "the",
    "river",
    "and",
    "analysts",
    "warned",
    "prices",
    "would",
    "rise",
    "by",
    "percent",
]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.2:
        words.insert(2, "Mr. Okafor")
    return " ".join(words) + rng.choice(".....?!")


def article(number: int, sentences: int, rng: random.Random) -> dict[str, str]:
    paragraphs, left = [], sentences
    while left > 0:
        size = min(left, rng.randint(2, 5))
        paragraphs.append(" ".join(sentence(rng) for _ in range(size)))
        left -= size
    return {
        "title": f"Benchmark article {number}",
        "text": "\n\n".join(paragraphs),
        "url": f"https://example.org/bench/{number}",
        "outlet": "Bench Wire",
        "published_at": "2022-11-11",
    }


def run_import(source: Path, folder: Path, code: Path) -> tuple[float, float, float, int, int]:
    """One import into a fresh instance: wall seconds, CPU seconds (user + system: steadier than
    the wall time on a shared machine), peak MB, articles and sentences stored."""
    executable = Path(sys.executable).with_name("annotator")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ANNOTATOR_INSTANCE_PATH"] = str(folder / "instance")
    env["PYTHONPATH"] = str(code)
    subprocess.run([executable, "init"], env=env, check=True, capture_output=True)  # noqa: S603

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603
        [executable, "import", str(source)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak_kb = 0
    status_file = Path(f"/proc/{child.pid}/status")
    while child.poll() is None:
        try:
            for line in status_file.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb = max(peak_kb, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.02)
    out, err = child.communicate()
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if child.returncode != 0:
        print(out, err, sep="\n", file=sys.stderr)
        sys.exit(1)
    database = sqlite3.connect(folder / "instance" / "annotator.sqlite3")
    stored_articles = database.execute("SELECT count(*) FROM articles").fetchone()[0]
    stored_sentences = database.execute("SELECT count(*) FROM sentences").fetchone()[0]
    database.close()
    return elapsed, cpu, peak_kb / 1024, stored_articles, stored_sentences


# ----- the API --------------------------------------------------------------------------------

API_PASSWORD = "imports-by-the-thousand-2026"  # noqa: S105 - a throw-away benchmark account


def start_server(workdir: Path, code: Path) -> tuple[subprocess.Popen, int, str]:
    """A fresh instance of ``code`` with an admin and a token, served by ``annotator serve``:
    the process, its port and the token."""
    from bench_save import BIN, HOST, THREADS, annotator, free_port, instance_env, wait_for_port

    workdir.mkdir(parents=True, exist_ok=True)
    env = instance_env(workdir / "instance")
    env["PYTHONPATH"] = str(code)
    annotator(env, "init")
    annotator(
        env, "users", "create", "importer", "--role", "admin", "--password-stdin",
        stdin=API_PASSWORD + "\n",
    )  # fmt: skip
    token = annotator(env, "tokens", "create", "importer").strip().splitlines()[-1]
    port = free_port()
    log = workdir / "annotator.log"
    process = subprocess.Popen(  # noqa: S603 - our own console script
        [str(BIN / "annotator"), "serve", "--host", HOST, "--port", str(port)]
        + ["--threads", str(THREADS)],
        env=env,
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port, process, log)
    return process, port, token


def post_article(conn: http.client.HTTPConnection, token: str, body: bytes) -> float:
    """POST one article; the seconds until the whole answer was read (exits on anything but 201)."""
    headers = {
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
        "Authorization": f"Bearer {token}",
    }
    started = time.perf_counter()
    conn.request("POST", "/api/v1/articles", body=body, headers=headers)
    response = conn.getresponse()
    answer = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 201:
        sys.exit(f"POST /api/v1/articles: {response.status} {answer[:300]!r}")
    return elapsed


def api_rounds(
    versions: dict[str, Path], folder: Path, *, sentences: int, rounds: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Import one new article of ``sentences`` sentences per version per round through the API:
    each request's seconds and its server's CPU seconds, per version."""
    from bench_save import HOST, cpu_seconds, stop, wait_until_idle

    rng = random.Random(11)  # noqa: S311 - reproducible filler text, not secrets
    bodies = iter(
        json.dumps(article(100_000 + n, sentences, rng)).encode()
        for n in range((rounds + 1) * len(versions))
    )
    servers: dict[str, tuple[subprocess.Popen, int, str]] = {}
    connections: dict[str, http.client.HTTPConnection] = {}
    times: dict[str, list[float]] = {name: [] for name in versions}
    cpu: dict[str, list[float]] = {name: [] for name in versions}
    try:
        for name, code in versions.items():
            servers[name] = start_server(folder / f"api-{name}", code)
            connections[name] = http.client.HTTPConnection(HOST, servers[name][1], timeout=120)
            post_article(connections[name], servers[name][2], next(bodies))  # warm-up
        names = list(versions)
        for n in range(rounds):
            for name in names[n % len(names) :] + names[: n % len(names)]:
                process, _port, token = servers[name]
                for server, _p, _t in servers.values():
                    wait_until_idle(server.pid)  # no server's background work in this round
                before = cpu_seconds(process.pid)
                times[name].append(post_article(connections[name], token, next(bodies)))
                cpu[name].append(cpu_seconds(process.pid) - before)
    finally:
        for conn in connections.values():
            conn.close()
        for process, _port, _token in servers.values():
            stop(process)
    return times, cpu


def report_api(
    times: dict[str, list[float]], cpu: dict[str, list[float]], sentences: int, previous: str
) -> bool:
    """Print the API figures; whether today met its target."""
    today = statistics.median(times["today"])
    print(
        f"imported one article of {sentences:,} sentences per request through the API "
        f"(POST /api/v1/articles, waitress); medians of {len(times['today'])} rounds"
    )
    print(
        f"  today            {today:6.3f} s a request, {sentences / today:,.0f} sentences/s "
        f"(server CPU {statistics.median(cpu['today']):.3f} s)"
    )
    if "previous" not in times:
        return True
    before = statistics.median(times["previous"])
    faster = today <= before
    print(
        f"  previous release {previous}: {before:6.3f} s a request, {sentences / before:,.0f} "
        f"sentences/s (server CPU {statistics.median(cpu['previous']):.3f} s); today / previous "
        f"{today / before:.2f}x (target <= 1, at least as fast: {'ok' if faster else 'MISSED'})"
    )
    print(
        "  rounds (s): "
        + "; ".join(f"{name} " + ", ".join(f"{t:.3f}" for t in ts) for name, ts in times.items())
    )
    return faster


def main() -> int:
    from bench_save import PREVIOUS_RELEASE, ROOT, previous_release

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--sentences", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--api-sentences", type=int, default=1000)
    parser.add_argument("--api-rounds", type=int, default=5)
    parser.add_argument(
        "--previous", default=PREVIOUS_RELEASE, help="the release to compare with ('' for none)"
    )
    args = parser.parse_args()
    versions = {"today": ROOT}
    previous = previous_release(args.previous) if args.previous else None
    if previous is not None:
        versions["previous"] = previous
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        if args.articles > 0:
            ok = cli_part(args, versions, folder) and ok
        if args.api_rounds > 0:
            times, cpu = api_rounds(
                versions, folder, sentences=args.api_sentences, rounds=args.api_rounds
            )
            ok = report_api(times, cpu, args.api_sentences, args.previous) and ok
    return 0 if ok else 2


def cli_part(args: argparse.Namespace, versions: dict[str, Path], folder: Path) -> bool:
    """The CLI's rounds and their figures; whether today met its targets."""
    rng = random.Random(5)  # noqa: S311 - reproducible filler text, not secrets
    times: dict[str, list[float]] = {name: [] for name in versions}
    cpus: dict[str, list[float]] = {name: [] for name in versions}
    peaks: dict[str, list[float]] = {name: [] for name in versions}
    source = folder / "articles.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for number in range(args.articles):
            handle.write(json.dumps(article(number, args.sentences, rng)) + "\n")
    names = list(versions)
    for n in range(args.rounds):
        for name in names[n % len(names) :] + names[: n % len(names)]:
            print(f"round {n + 1}/{args.rounds}: {name} ...", flush=True)
            elapsed, cpu, peak_mb, stored_articles, stored_sentences = run_import(
                source, folder / f"{name}-{n}", versions[name]
            )
            times[name].append(elapsed)
            cpus[name].append(cpu)
            peaks[name].append(peak_mb)

    elapsed = statistics.median(times["today"])
    peak_mb = max(peaks["today"])
    sentences_per_s = stored_sentences / elapsed
    print(
        f"imported {stored_articles:,} articles, {stored_sentences:,} sentences from one JSONL file "
        f"via the CLI; medians of {args.rounds} rounds"
    )
    print(
        f"  wall time   {elapsed:6.2f} s        (target < {TARGET_SECONDS:.0f} s: {'ok' if elapsed < TARGET_SECONDS else 'MISSED'})"
    )
    ok = elapsed < TARGET_SECONDS and peak_mb < TARGET_MB
    if "previous" in times:
        before = statistics.median(times["previous"])
        faster = elapsed <= before
        ok = ok and faster
        print(
            f"  previous release {args.previous}: {before:6.2f} s, {stored_sentences / before:,.0f} "
            f"sentences/s; today / previous {elapsed / before:.2f}x "
            f"(target <= 1: {'ok' if faster else 'MISSED'})"
        )
        print(
            "  rounds (s): "
            + "; ".join(
                f"{name} " + ", ".join(f"{t:.2f}" for t in ts) for name, ts in times.items()
            )
        )
        cpu_today, cpu_before = (
            statistics.median(cpus["today"]),
            statistics.median(cpus["previous"]),
        )
        print(
            f"  CPU (user + system) today {cpu_today:.2f} s, previous {cpu_before:.2f} s; today / "
            f"previous {cpu_today / cpu_before:.2f}x; previous peak memory "
            f"{max(peaks['previous']):.1f} MB"
        )
    print(f"  articles/s  {stored_articles / elapsed:8,.0f}")
    print(
        f"  sentences/s {sentences_per_s:8,.0f}      (Label Studio ~{LABEL_STUDIO_SENTENCES_PER_S:,.0f}/s: "
        f"{sentences_per_s / LABEL_STUDIO_SENTENCES_PER_S:.1f}x; aim >= 10x)"
    )
    print(
        f"  peak memory {peak_mb:6.1f} MB       (target < {TARGET_MB:.0f} MB: {'ok' if peak_mb < TARGET_MB else 'MISSED'})"
    )
    return ok


if __name__ == "__main__":
    sys.exit(main())
