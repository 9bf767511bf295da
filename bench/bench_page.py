"""The annotation page: bytes to load it, time to the first interactive sentence, render time.

Run from the repository root: ``.venv/bin/python bench/bench_page.py`` (under a minute). It builds a
throw-away instance with the CLI (init, a reviewer, a token, a 60-sentence and a 1,000-sentence
generated news article), starts ``annotator serve`` on 127.0.0.1, adds 1,000 annotations to the big
article through the API, then measures in Debian's Chromium driven by Playwright:

(a) bytes transferred to load the page cold (HTML, CSS, JS, everything the page requests), from the
    DevTools protocol (``Network.loadingFinished`` encodedDataLength: on the wire, headers
    included);
(b) time from navigation start until the first sentence is current and focused by the page's script,
    median of 5 cold loads (a fresh browser context each);
(c) server time to render the 1,000-sentence page with 1,000 annotations, median of 10 GETs over one
    keep-alive connection, beside GET /login (a trivial page) measured the same way in the same run.

Baseline in the same run: the same two articles as a bare static HTML page (the paragraphs, each
sentence a focusable span, no CSS, no script), served gzipped from a plain http.server on another
port and loaded the same way; its time is DOMContentLoaded, the soonest a reader could see the text.
That is the floor for any annotation page, and the ratios say how far above it ours is. Peer
figures (Label Studio, doccano) were measured earlier on this machine and are printed beside. Add ``--profile`` to print where the render time goes (cProfile, in-process, Flask test
client).
"""

from __future__ import annotations

import cProfile
import gzip
import html
import http.client
import http.server
import io
import json
import pstats
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_save import (  # noqa: E402 - the sibling bench's server helpers
    BIN,
    HOST,
    annotator,
    free_port,
    get_json,
    instance_env,
    stop,
    wait_for_port,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]
USER, PASSWORD = "bench", "bench-password-123"
SMALL, BIG = 60, 1_000
BIG_ANNOTATIONS = 1_000
TTI_RUNS = 5
RENDER_RUNS = 10
KB = 1024

TARGET_BYTES = {SMALL: 100 * KB, BIG: 300 * KB}
TARGET_TTI_MS = {SMALL: 300.0, BIG: 1000.0}
TARGET_RENDER_MS = 100.0
PEERS_BYTES = "doccano 680 KB gz, Label Studio 7.8 MB"
PEERS_TTI = "doccano 2.2 s, Label Studio 4.3 s"

# Set by the page's own script; recorded the moment the first sentence takes focus.
TTI_PROBE = """
window.__firstInteractive = null;
document.addEventListener("focusin", (event) => {
  if (window.__firstInteractive === null && document.body.classList.contains("js")
      && event.target.matches && event.target.matches("#sentences a.s.current")) {
    window.__firstInteractive = performance.now();
  }
}, true);
"""
READY = (
    "() => document.body && document.body.classList.contains('js')"
    " && document.activeElement && document.activeElement.matches('#sentences a.s.current')"
)


# ----- a generated news article ------------------------------------------------------

PEOPLE = [
    "Mayor Dana Okafor",
    "Finance Minister Ruth Alvarez",
    "Police chief Omar Haddad",
    "Senator Lena Brooks",
    "Council member Tomas Weber",
    "Health officer Priya Nair",
]
PLACES = [
    "the harbour district",
    "the northern suburbs",
    "the old town",
    "the river port",
    "the airport road",
]
VERBS = ["said", "told reporters", "wrote in a statement", "claimed", "insisted"]
FIGURES = ["$48 million", "3,200 homes", "17 percent", "two years", "400 jobs", "$1.2 billion"]
TEMPLATES = [
    "{person} {verb} that the plan would cost {figure} over the next decade.",
    "Officials in {place} reported that {figure} had been affected by the flooding.",
    "\u201cWe have never seen anything like it,\u201d {person} {verb} on Tuesday.",
    "According to the city budget, the project will create {figure} by the end of next year.",
    "Critics in {place} disputed the figure, saying the real number was closer to {figure}.",
    "The agency did not respond to a request for comment on Wednesday.",
    "{person} {verb} the decision was taken after months of talks with residents of {place}.",
    "Independent analysts could not verify the claim that {figure} had already been spent.",
]


def article_text(sentences: int, seed: int) -> str:
    rng = random.Random(seed)  # noqa: S311 - reproducible text, not secrets
    title = f"City unveils flood plan worth {rng.choice(FIGURES)} (part {seed})"
    body, paragraph = [], []
    for i in range(sentences - 1):  # the title is a sentence too
        paragraph.append(
            rng.choice(TEMPLATES).format(
                person=rng.choice(PEOPLE),
                verb=rng.choice(VERBS),
                place=rng.choice(PLACES),
                figure=rng.choice(FIGURES),
            )
        )
        if len(paragraph) == 4 or i == sentences - 2:
            body.append(" ".join(paragraph))
            paragraph = []
    return title + "\n\n" + "\n\n".join(body) + "\n"


# ----- the server and a logged-in session -------------------------------------------------


def request(port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def log_in(port: int) -> dict[str, str]:
    """Log in through /login with its CSRF token, as a browser would; returns the cookies."""
    cookies: dict[str, str] = {}

    def keep(response) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                cookies[name] = morsel.value

    response, body = request(port, "GET", "/login", {})
    keep(response)
    token = re.search(rb'name="csrf-token" content="([^"]+)"', body)
    if not token:
        sys.exit("the login page has no CSRF token")
    form = urllib.parse.urlencode(
        {"username": USER, "password": PASSWORD, "csrf_token": token.group(1).decode()}
    )
    response, _ = request(
        port,
        "POST",
        "/login",
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(cookies)},
        form.encode(),
    )
    keep(response)
    if response.status != 302:
        sys.exit(f"logging in failed: {response.status}")
    return cookies


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def add_annotations(port: int, token: str, sentence_ids: list[int], count: int) -> None:
    verdicts = ("verified", "unproven", "disputed")
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        for i in range(count):
            claim = {
                "sentence_id": sentence_ids[i % len(sentence_ids)],
                "verdict": verdicts[i % 3],
                "attributed_to": PEOPLE[i % len(PEOPLE)] if i % 2 else "",
                "note": "Checked against the council's budget papers." if i % 3 == 0 else "",
                "links": [{"url": f"https://example.org/evidence/{i}", "credibility": "high"}]
                if i % 4 == 0
                else [],
            }
            body = json.dumps(claim).encode()
            conn.request(
                "POST",
                "/api/v1/annotations",
                body=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            payload = response.read()
            if response.status != 201:
                sys.exit(f"adding annotation {i}: {response.status} {payload[:300]!r}")
    finally:
        conn.close()


# ----- the baseline: the same text as a bare static page ---------------------------------


def bare_page(text: str) -> bytes:
    """The article as the plainest HTML a browser could show: no CSS, no script."""
    title, *paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "".join(
        "<p>"
        + " ".join(f'<span tabindex="0">{html.escape(s)}.</span>' for s in p.split(". ") if s)
        + "</p>\n"
        for p in paragraphs
    )
    page = (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<h1>{html.escape(title)}</h1>\n{body}</html>"
    )
    return page.encode()


def serve_bare(pages: dict[str, bytes]) -> tuple[http.server.ThreadingHTTPServer, int]:
    """Serve the bare pages gzipped (when asked) from a thread; returns the server and port."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            if body is None:
                self.send_error(404)
                return
            headers = {"Content-Type": "text/html; charset=utf-8"}
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                body = gzip.compress(body, 6)
                headers["Content-Encoding"] = "gzip"
            self.send_response(200)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer((HOST, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


# ----- measurements -------------------------------------------------------------------


@dataclass
class Load:
    transferred: int = 0  # on the wire, headers included
    decoded: int = 0  # bodies after decompression
    requests: list[str] = field(default_factory=list)
    tti_ms: float = 0.0


def browser_load(
    browser, base: str, cookies: dict[str, str], path: str, bare: bool = False
) -> Load:
    """One cold load in a fresh context: bytes per the DevTools protocol, time to interactive
    (for the bare baseline page: DOMContentLoaded, as it has no script)."""
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 800})
    try:
        context.add_cookies([{"name": k, "value": v, "url": base} for k, v in cookies.items()])
        context.add_init_script(TTI_PROBE)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        load = Load()
        urls: dict[str, str] = {}
        cdp.on(
            "Network.requestWillBeSent",
            lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
        )
        cdp.on(
            "Network.dataReceived",
            lambda e: setattr(load, "decoded", load.decoded + e["dataLength"]),
        )

        def finished(event: dict) -> None:
            load.transferred += int(event["encodedDataLength"])
            load.requests.append(urls.get(event["requestId"], "?"))

        cdp.on("Network.loadingFinished", finished)
        page.goto(path, wait_until="load")
        if bare:
            load.tti_ms = page.evaluate(
                "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
            )
            page.wait_for_load_state("networkidle")
            return load
        page.wait_for_function(READY, timeout=15_000)
        tti = page.evaluate("window.__firstInteractive")
        load.tti_ms = tti if tti is not None else page.evaluate("performance.now()")
        page.wait_for_load_state("networkidle")
        if urllib.parse.urlparse(page.url).path != path.split("?")[0]:
            sys.exit(f"the page {path} redirected to {page.url}: not logged in?")
        return load
    finally:
        context.close()


def time_gets(port: int, path: str, headers: dict[str, str], runs: int) -> tuple[list[float], int]:
    """Milliseconds per GET on one keep-alive connection (after two warm-ups); the body size."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    timings, size = [], 0
    try:
        for i in range(runs + 2):
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200:
                sys.exit(f"GET {path}: {response.status}")
            size = len(body)
            if i >= 2:
                timings.append(elapsed)
    finally:
        conn.close()
    return timings, size


def profile_render(instance: Path, article_id: int) -> None:
    """Where the render time goes: cProfile around the Flask test client, in this process."""
    from annotator import create_app

    app = create_app({"INSTANCE_PATH": str(instance)})
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    client.post("/login", data={"username": USER, "password": PASSWORD, "csrf_token": token})
    for _ in range(2):
        client.get(f"/articles/{article_id}")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        client.get(f"/articles/{article_id}")
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    print("\nProfile of 5 renders of the 1,000-sentence page (cumulative):")
    print(out.getvalue())


# ----- report -----------------------------------------------------------------------------


def kb(n: float) -> str:
    return f"{n / KB:.1f} KB"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def table(rows: list[tuple[str, ...]]) -> None:
    head = ("", "60 sentences", "1,000 sentences", "target", "peers / baseline", "")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for n, row in enumerate([head, *rows]):
        print(
            "  ".join(
                c.ljust(w) if i in (0, 3, 4, 5) else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))


def main() -> None:
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    if not Path(CHROMIUM).exists():
        sys.exit(
            f"Chromium is not installed at {CHROMIUM} (`make chromium` installs Debian's package)"
        )
    with tempfile.TemporaryDirectory(prefix="annotator-bench-page-") as tmp:
        workdir = Path(tmp)
        instance = workdir / "instance"
        env = instance_env(instance)
        print(
            "setting up: init, a reviewer, a token, a 60- and a 1,000-sentence article ...",
            flush=True,
        )
        annotator(env, "init")
        annotator(
            env,
            "users",
            "create",
            USER,
            "--role",
            "reviewer",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        token = annotator(env, "tokens", "create", USER).strip().splitlines()[-1]
        files = []
        for n, seed in ((SMALL, 1), (BIG, 2)):
            path = workdir / f"article-{n}.txt"
            path.write_text(article_text(n, seed), encoding="utf-8")
            files.append(path)
        annotator(env, "import", *map(str, files))

        port = free_port()
        log = workdir / "annotator.log"
        server = subprocess.Popen(  # noqa: S603 - our own console script
            [str(BIN / "annotator"), "serve", "--host", HOST, "--port", str(port)],
            env=env,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, server, log)
            auth = {"Authorization": f"Bearer {token}"}
            items = get_json(port, "/api/v1/articles", auth)["items"]
            by_title = {a["title"]: a["id"] for a in items}
            ids = {
                SMALL: by_title[files[0].read_text().splitlines()[0]],
                BIG: by_title[files[1].read_text().splitlines()[0]],
            }
            counts = {}
            for n, article_id in ids.items():
                counts[n] = len(get_json(port, f"/api/v1/articles/{article_id}", auth)["sentences"])
            big_sentences = [
                s["id"] for s in get_json(port, f"/api/v1/articles/{ids[BIG]}", auth)["sentences"]
            ]
            print(
                f"sentences: {counts[SMALL]} and {counts[BIG]}; "
                f"adding {BIG_ANNOTATIONS} annotations ...",
                flush=True,
            )
            add_annotations(port, token, big_sentences, BIG_ANNOTATIONS)
            small_sentences = [
                s["id"] for s in get_json(port, f"/api/v1/articles/{ids[SMALL]}", auth)["sentences"]
            ]
            add_annotations(port, token, small_sentences, len(small_sentences))
            cookies = log_in(port)
            base = f"http://{HOST}:{port}"

            loads: dict[int, list[Load]] = {SMALL: [], BIG: []}
            bare_loads: dict[int, list[Load]] = {SMALL: [], BIG: []}
            bare_server, bare_port = serve_bare(
                {
                    f"/{n}": bare_page(path.read_text(encoding="utf-8"))
                    for n, path in zip((SMALL, BIG), files, strict=True)
                }
            )
            bare_base = f"http://{HOST}:{bare_port}"
            print("measuring in Chromium ...", flush=True)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    browser_load(browser, base, cookies, f"/articles/{ids[SMALL]}")  # warm-up
                    browser_load(browser, bare_base, {}, f"/{SMALL}", bare=True)
                    for _ in range(TTI_RUNS):  # alternating, so both see the same machine
                        for n in (SMALL, BIG):
                            loads[n].append(
                                browser_load(browser, base, cookies, f"/articles/{ids[n]}")
                            )
                            bare_loads[n].append(
                                browser_load(browser, bare_base, {}, f"/{n}", bare=True)
                            )
                finally:
                    browser.close()
                    bare_server.shutdown()
                    bare_server.server_close()

            print("timing the server ...", flush=True)
            page_ms, page_size = time_gets(
                port, f"/articles/{ids[BIG]}", {"Cookie": cookie_header(cookies)}, RENDER_RUNS
            )
            gz_ms, gz_size = time_gets(
                port,
                f"/articles/{ids[BIG]}",
                {"Cookie": cookie_header(cookies), "Accept-Encoding": "gzip"},
                RENDER_RUNS,
            )
            login_ms, _ = time_gets(port, "/login", {}, RENDER_RUNS)
        finally:
            stop(server)

        transferred = {n: statistics.median(x.transferred for x in loads[n]) for n in loads}
        decoded = {n: statistics.median(x.decoded for x in loads[n]) for n in loads}
        tti = {n: statistics.median(x.tti_ms for x in loads[n]) for n in loads}
        bare_bytes = {n: statistics.median(x.transferred for x in bare_loads[n]) for n in loads}
        bare_tti = {n: statistics.median(x.tti_ms for x in bare_loads[n]) for n in loads}
        render, login = statistics.median(page_ms), statistics.median(login_ms)
        rows = [
            (
                "(a) bytes to load, on the wire",
                kb(transferred[SMALL]),
                kb(transferred[BIG]),
                "< 100 KB / < 300 KB",
                PEERS_BYTES,
                verdict(
                    transferred[SMALL] < TARGET_BYTES[SMALL]
                    and transferred[BIG] < TARGET_BYTES[BIG]
                ),
            ),
            (
                "    bare static page (baseline)",
                kb(bare_bytes[SMALL]),
                kb(bare_bytes[BIG]),
                "",
                f"ours {transferred[SMALL] / bare_bytes[SMALL]:.1f}x / "
                f"{transferred[BIG] / bare_bytes[BIG]:.1f}x the baseline",
                "",
            ),
            ("    decoded (uncompressed)", kb(decoded[SMALL]), kb(decoded[BIG]), "", "", ""),
            (
                "    requests",
                str(len(loads[SMALL][0].requests)),
                str(len(loads[BIG][0].requests)),
                "",
                "",
                "",
            ),
            (
                f"(b) first sentence interactive, median of {TTI_RUNS}",
                f"{tti[SMALL]:.0f} ms",
                f"{tti[BIG]:.0f} ms",
                "< 300 ms / < 1 s",
                PEERS_TTI,
                verdict(tti[SMALL] < TARGET_TTI_MS[SMALL] and tti[BIG] < TARGET_TTI_MS[BIG]),
            ),
            (
                "    bare page DOMContentLoaded (baseline)",
                f"{bare_tti[SMALL]:.0f} ms",
                f"{bare_tti[BIG]:.0f} ms",
                "",
                f"ours {tti[SMALL] / bare_tti[SMALL]:.1f}x / {tti[BIG] / bare_tti[BIG]:.1f}x the baseline",
                "",
            ),
        ]
        print()
        print(
            f"The annotation page, served by `annotator serve` (waitress) on {HOST}, "
            "Chromium headless, cold cache."
        )
        print(
            f"1,000-sentence article with {BIG_ANNOTATIONS} annotations by the viewer; "
            "the 60-sentence one has one per sentence."
        )
        print()
        table(rows)
        print()
        print(
            f"(c) server render, 1,000 sentences + {BIG_ANNOTATIONS} annotations, "
            f"median of {RENDER_RUNS} GETs:"
        )
        print(
            f"    {render:.1f} ms ({page_size / KB:.0f} KB HTML); "
            f"gzip-accepting client {statistics.median(gz_ms):.1f} ms "
            f"({gz_size / KB:.0f} KB); baseline GET /login {login:.2f} ms; "
            f"ratio {render / login:.0f}x; "
            f"target < {TARGET_RENDER_MS:g} ms: {verdict(render < TARGET_RENDER_MS)}"
        )
        print(
            f"    TTI runs (ms): 60: {', '.join(f'{x.tti_ms:.0f}' for x in loads[SMALL])}; "
            f"1,000: {', '.join(f'{x.tti_ms:.0f}' for x in loads[BIG])}"
        )
        print(
            "    requests for the 60-sentence page: "
            + ", ".join(urllib.parse.urlparse(u).path for u in loads[SMALL][0].requests)
        )
        if "--profile" in sys.argv:
            profile_render(instance, ids[BIG])
    print(f"\n(bench took {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
