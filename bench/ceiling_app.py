"""The practical ceiling for a save: bare Flask + sqlite3 (WAL), one POST that inserts one row.

Served by the same waitress with the same threads as `annotator serve`, so bench_save.py can put
the two side by side. Run: python bench/ceiling_app.py --db FILE [--port 0] [--threads 8];
it prints "PORT <n>" once it listens.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import threading

from flask import Flask, request
from waitress.server import create_server

SCHEMA = """
CREATE TABLE IF NOT EXISTS annotations (
  id INTEGER PRIMARY KEY,
  sentence_id INTEGER NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('verified', 'unproven', 'disputed')),
  attributed_to TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  links TEXT NOT NULL DEFAULT '[]'
)
"""


def create_ceiling_app(path: str) -> Flask:
    """One endpoint, one connection per thread, the same pragmas as the annotator's SQLite."""
    local = threading.local()

    def connection() -> sqlite3.Connection:
        if not hasattr(local, "db"):
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA busy_timeout=10000")
            local.db = db
        return local.db

    with sqlite3.connect(path) as db:
        db.execute(SCHEMA)
    app = Flask(__name__)

    @app.post("/save")
    def save():
        body = request.get_json()
        db = connection()
        db.execute("BEGIN IMMEDIATE")
        cursor = db.execute(
            "INSERT INTO annotations (sentence_id, verdict, attributed_to, note, links)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                body["sentence_id"],
                body["verdict"],
                body.get("attributed_to", ""),
                body.get("note", ""),
                json.dumps(body.get("links", [])),
            ),
        )
        db.execute("COMMIT")
        return {"id": cursor.lastrowid}, 201

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    server = create_server(
        create_ceiling_app(args.db), host="127.0.0.1", port=args.port, threads=args.threads
    )
    print(f"PORT {server.effective_port}", flush=True)
    server.run()


if __name__ == "__main__":
    main()
