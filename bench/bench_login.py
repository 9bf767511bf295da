"""Sessions and login throttling against the real server, as an attacker would try them.

Run from the repository root: ``.venv/bin/python bench/bench_login.py`` (about 20 s), or with
``--db-url postgresql://...`` to run two server processes on PostgreSQL and send the requests to
them in turn (so every check also crosses processes). It builds a throw-away instance with the CLI
(init, a reviewer), starts ``annotator serve`` and then, over plain HTTP on 127.0.0.1:

1. logs in, copies the session cookie, logs out, and replays the copy: it must be refused;
2. answers wrong passwords for unknown names (the baseline: a full argon2 check each);
3. sends thirty wrong passwords for the reviewer as fast as it can, then the right one: the 31st
   must be slowed down (429 with Retry-After), not let in;
4. times the refused attempts against the baseline, measured in the same run: a refusal checks no
   password, so guessing costs the server less than an honest mistake does.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PASSWORD = "correct horse battery"  # noqa: S105 - the throw-away account's password
BURST = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Browser:
    """Cookies by name, sent to whichever server process answers next (they share one database)."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.turn = 0
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None):
        port = self.ports[self.turn % len(self.ports)]
        self.turn += 1
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if "expires=thu, 01 jan 1970" in value.lower() or cookie_value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = cookie_value
        connection.close()
        return response.status, dict(response.getheaders()), text, elapsed

    def csrf(self, path: str = "/login") -> str:
        _status, _headers, text, _elapsed = self.request("GET", path)
        match = re.search(r'name="csrf-token" content="([^"]+)"', text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, name: str, password: str):
        form = {"username": name, "password": password, "csrf_token": self.csrf()}
        return self.request("POST", "/login", form)


def start_servers(env: dict[str, str], count: int) -> tuple[list[int], list[subprocess.Popen]]:
    ports, processes = [], []
    for _ in range(count):
        port = free_port()
        processes.append(
            subprocess.Popen(  # noqa: S603 - our own console script
                [str(BIN / "annotator"), "serve", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        ports.append(port)
    for port in ports:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"the server on port {port} did not start")
    return ports, processes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db-url", default="", help="PostgreSQL URL (its schema is emptied)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-login-")
    env = {**os.environ, "ANNOTATOR_INSTANCE_PATH": folder, "ANNOTATOR_SECRET_KEY": "bench"}
    env.pop("DATABASE_URL", None)
    processes_wanted = 1
    if args.db_url:
        from sqlalchemy import create_engine, text

        engine = create_engine(args.db_url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        env["DATABASE_URL"] = args.db_url
        processes_wanted = 2
    cli = str(BIN / "annotator")
    subprocess.run([cli, "init"], env=env, check=True, capture_output=True)  # noqa: S603
    subprocess.run(  # noqa: S603 - our own console script
        [cli, "users", "create", "alice", "--password-stdin"],
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    ports, processes = start_servers(env, processes_wanted)
    database = "PostgreSQL" if args.db_url else "SQLite"
    print(f"bench_login: {database}, {len(ports)} server process(es), alternating requests")
    failures = 0
    try:
        # 1. The old cookie after logout.
        browser = Browser(ports)
        status, *_ = browser.login("alice", PASSWORD)
        captured = dict(browser.cookies)
        before = browser.request("GET", "/account")[0]
        browser.request("POST", "/logout", {"csrf_token": browser.csrf("/account")})
        thief = Browser(ports[::-1])
        thief.cookies = captured
        after, headers, *_ = thief.request("GET", "/account")
        refused = after == 302 and "/login" in headers.get("Location", "")
        failures += not (status == 302 and before == 200 and refused)
        print(
            f"  captured session cookie: {before} while logged in, {after} after logout "
            f"({'refused' if refused else 'STILL WORKS'})"
        )

        # 2. Baseline: honest mistakes, each a full password check.
        baseline = []
        for index in range(5):
            status, _headers, _text, elapsed = Browser(ports).login(f"nobody{index}", "wrong guess")
            assert status == 401, status
            baseline.append(elapsed)

        # 3. Thirty wrong passwords, then the right one.
        attacker = Browser(ports)
        statuses, refusals = [], []
        started = time.perf_counter()
        for _ in range(BURST):
            status, _headers, _text, elapsed = attacker.login("alice", "wrong guess")
            statuses.append(status)
            if status == 429:
                refusals.append(elapsed)
        burst_seconds = time.perf_counter() - started
        last, headers, text, _elapsed = attacker.login("alice", PASSWORD)
        slowed = last == 429 and "Too many failed logins" in text
        failures += not slowed
        print(
            f"  {BURST} wrong passwords in {burst_seconds:.2f} s: {statuses.count(401)} checked, "
            f"{statuses.count(429)} refused (429)"
        )
        print(
            f"  the 31st, with the right password: {last}"
            + (f", Retry-After {headers.get('Retry-After')} s" if slowed else " (LET IN)")
        )

        # 4. Refusals against the baseline.
        base = statistics.median(baseline) * 1000
        refused_ms = statistics.median(refusals) * 1000 if refusals else float("nan")
        print(
            f"  median answer: wrong password {base:.1f} ms (baseline, argon2 check), "
            f"refused attempt {refused_ms:.1f} ms, ratio {refused_ms / base:.2f}"
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
    print("bench_login:", "OK" if failures == 0 else f"{failures} check(s) FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
