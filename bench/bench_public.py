"""The public fact-check page: bytes on the wire, server render time, and readers at scale.

Run from the repository root: ``.venv/bin/python bench/bench_public.py`` (under a minute). It makes a
throw-away instance, imports the seed story (../shared/corpus/kherson-withdrawal.txt), settles three
of its claims with evidence, publishes it, starts ``annotator serve`` and measures:

(a) bytes on the wire to load the page with everything it loads (the HTML and its stylesheet,
    gzipped as a browser asks for them, headers included); target < 50 KB;
(b) server render time, in-process with the page cache off, median of 30 (target < 20 ms), beside
    GET /static/public.css through the same app in the same run;
(c) 2,000 requests from 16 concurrent keep-alive clients against the page, p50 / p95 and requests/s,
    beside the same load on the bare static stylesheet served by the same server in the same run.
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_save import (  # noqa: E402 - the sibling bench's server helpers
    BIN,
    CORPUS_ARTICLE,
    HOST,
    SAMPLE_ARTICLE,
    annotator,
    free_port,
    instance_env,
    stop,
    wait_for_port,
)

REQUESTS, CLIENTS, RENDERS = 2_000, 16, 30
TARGET_BYTES, TARGET_RENDER_MS = 50 * 1024, 20.0


def publish_seed(instance: Path) -> str:
    """Import the seed story, settle three claims, publish; returns the page's path."""
    os.environ["ANNOTATOR_INSTANCE_PATH"] = str(instance)
    os.environ.pop("DATABASE_URL", None)
    from annotator import create_app
    from annotator.extensions import db
    from annotator.models import Role
    from annotator.services import publishing
    from annotator.services.accounts import users
    from annotator.services.annotations.annotations import annotate
    from annotator.services.articles import articles
    from annotator.services.review.adjudication import adjudicate

    app = create_app()
    with app.app_context():
        admin = users.create_user("desk-admin", "bench-password-123", Role.ADMIN)
        reviewer = users.create_user("bench-reviewer", "bench-password-123", Role.REVIEWER)
        source = CORPUS_ARTICLE if CORPUS_ARTICLE.exists() else SAMPLE_ARTICLE
        text = source.read_text(encoding="utf-8")
        article = articles.create_article(
            {"title": text.splitlines()[0], "text": text, "outlet": "Example Wire"}, actor=admin
        )
        picked = [s for s in article.sentences if len(s.text) > 80][:3]
        for sentence, verdict in zip(picked, ("verified", "disputed", "unproven"), strict=True):
            annotate(
                sentence,
                {
                    "verdict": verdict,
                    "attributed_to": "Russian defence ministry",
                    "links": [{"url": "https://example.org/evidence", "credibility": "high"}],
                },
                actor=reviewer,
            )
            adjudicate(sentence, verdict, "What the records show, in two sentences.", actor=admin)
        slug = publishing.publish(article, actor=admin).slug
        db.session.commit()
        db.engine.dispose()
    return f"/fact-checks/{slug}", app


def wire_bytes(port: int, path: str) -> tuple[int, int]:
    """Bytes of the page and of its stylesheet, gzipped, with headers, as a browser loads them."""
    sizes = []
    for target in (path, "/static/public.css"):
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        conn.request("GET", target, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        body = response.read()
        head = sum(len(k) + len(v) + 4 for k, v in response.getheaders()) + 17
        sizes.append(len(body) + head)
        conn.close()
    return sizes[0], sizes[1]


def render_times(app, path: str) -> tuple[float, float]:
    """Median in-process time of a page render (cache off) and of the static stylesheet."""
    app.config["PUBLIC_CACHE_SECONDS"] = 0
    client = app.test_client()
    result = []
    for target in (path, "/static/public.css"):
        client.get(target)
        times = []
        for _ in range(RENDERS):
            start = time.perf_counter()
            response = client.get(target)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (target, response.status_code)
            response.close()
        result.append(statistics.median(times))
    return result[0], result[1]


def load(port: int, path: str) -> tuple[float, float, float, int]:
    """REQUESTS GETs from CLIENTS keep-alive clients: p50 ms, p95 ms, requests/s, errors."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_client = REQUESTS // CLIENTS

    def client() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine = []
        failed = 0
        for _ in range(per_client):
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            mine.append((time.perf_counter() - start) * 1000)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    return statistics.median(latencies), p95, len(latencies) / elapsed, errors


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-public-") as tmp:
        work = Path(tmp)
        env = instance_env(work / "instance")
        annotator(env, "init")
        path, app = publish_seed(work / "instance")
        port = free_port()
        log = work / "serve.log"
        process = subprocess.Popen(  # noqa: S603 - our own console script
            [str(BIN / "annotator"), "serve", "--host", HOST, "--port", str(port)],
            env=env,
            cwd=work,
            stdin=subprocess.DEVNULL,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, process, log)
            page_bytes, css_bytes = wire_bytes(port, path)
            with app.app_context():
                render_ms, static_ms = render_times(app, path)
            load(port, path)  # warm-up
            page = load(port, path)
            bare = load(port, "/static/public.css")
        finally:
            stop(process)
    total = page_bytes + css_bytes
    print("Public fact-check page (the seed story, three settled claims), medians")
    print(
        f"  on the wire: {total / 1024:.1f} KB (page {page_bytes / 1024:.1f} + stylesheet "
        f"{css_bytes / 1024:.1f}); target < 50 KB: {'met' if total < TARGET_BYTES else 'MISSED'}"
    )
    print(
        f"  server render: {render_ms:.2f} ms (static stylesheet through the same app "
        f"{static_ms:.2f} ms, x{render_ms / static_ms:.1f}); target < 20 ms: "
        f"{'met' if render_ms < TARGET_RENDER_MS else 'MISSED'}"
    )
    print(f"  {REQUESTS} requests, {CLIENTS} clients:")
    for name, (p50, p95, rps, errors) in (("page", page), ("bare static file", bare)):
        print(
            f"    {name:17} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  {rps:7.0f} req/s  errors {errors}"
        )
    print(f"  page / static: p50 x{page[0] / bare[0]:.2f}, throughput {page[2] / bare[2]:.0%}")


if __name__ == "__main__":
    main()
