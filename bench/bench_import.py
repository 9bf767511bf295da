"""Import 1,000 articles of ~40 sentences each from one JSONL file through `annotator import`.

Runs the real CLI as a subprocess on a fresh instance folder (SQLite), today's code (this checkout)
and the previous release (a pristine copy of bench_save.PREVIOUS_RELEASE, made with git archive)
in alternating rounds, and prints the median wall time of each, articles/s, sentences/s and the
child's peak memory, against the targets (under 10 s, under 200 MB, at least as fast as the
previous release) and beside Label Studio's quoted figure (~4 s for 10,000 single sentences:
2,500 sentences/s).

    .venv/bin/python bench/bench_import.py [--articles 1000] [--sentences 40] [--rounds 3] [--previous REV]
"""

from __future__ import annotations

import argparse
import json
import os
import random
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


def run_import(source: Path, folder: Path, code: Path) -> tuple[float, float, int, int]:
    """One import into a fresh instance: wall seconds, peak MB, articles and sentences stored."""
    executable = Path(sys.executable).with_name("annotator")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ANNOTATOR_INSTANCE_PATH"] = str(folder / "instance")
    env["PYTHONPATH"] = str(code)
    subprocess.run([executable, "init"], env=env, check=True, capture_output=True)  # noqa: S603

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
    if child.returncode != 0:
        print(out, err, sep="\n", file=sys.stderr)
        sys.exit(1)
    database = sqlite3.connect(folder / "instance" / "annotator.sqlite3")
    stored_articles = database.execute("SELECT count(*) FROM articles").fetchone()[0]
    stored_sentences = database.execute("SELECT count(*) FROM sentences").fetchone()[0]
    database.close()
    return elapsed, peak_kb / 1024, stored_articles, stored_sentences


def main() -> int:
    from bench_save import PREVIOUS_RELEASE, ROOT, previous_release

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--sentences", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--previous", default=PREVIOUS_RELEASE, help="the release to compare with ('' for none)"
    )
    args = parser.parse_args()
    rng = random.Random(5)  # noqa: S311 - reproducible filler text, not secrets
    versions = {"today": ROOT}
    previous = previous_release(args.previous) if args.previous else None
    if previous is not None:
        versions["previous"] = previous
    times: dict[str, list[float]] = {name: [] for name in versions}
    peaks: dict[str, list[float]] = {name: [] for name in versions}
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        source = folder / "articles.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for number in range(args.articles):
                handle.write(json.dumps(article(number, args.sentences, rng)) + "\n")
        names = list(versions)
        for n in range(args.rounds):
            for name in names[n % len(names) :] + names[: n % len(names)]:
                print(f"round {n + 1}/{args.rounds}: {name} ...", flush=True)
                elapsed, peak_mb, stored_articles, stored_sentences = run_import(
                    source, folder / f"{name}-{n}", versions[name]
                )
                times[name].append(elapsed)
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
    print(f"  articles/s  {stored_articles / elapsed:8,.0f}")
    print(
        f"  sentences/s {sentences_per_s:8,.0f}      (Label Studio ~{LABEL_STUDIO_SENTENCES_PER_S:,.0f}/s: "
        f"{sentences_per_s / LABEL_STUDIO_SENTENCES_PER_S:.1f}x; aim >= 10x)"
    )
    print(
        f"  peak memory {peak_mb:6.1f} MB       (target < {TARGET_MB:.0f} MB: {'ok' if peak_mb < TARGET_MB else 'MISSED'})"
    )
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
