"""Exporting 100,000 annotations as CSV and JSONL through the service, against a plain csv.writer ceiling.

Run from the repository root: ``.venv/bin/python bench/bench_export.py`` (about a minute). It builds a
throw-away SQLite instance (migrations, then a bulk insert through SQLAlchemy Core: 1,000 articles of
50 sentences, two reviewers' annotations on every sentence, one evidence link and one revision each),
then times each export in a fresh subprocess, three runs, median: the service's CSV and JSONL
(``exports.export_chunks``, what the page, the API and the CLI stream), and the ceiling, a plain
``csv.writer`` loop over the same rows read with ``sqlite3``. Peak RSS growth is VmHWM (from
/proc/self/status) after the export minus before it, in the same subprocess.
Targets: under 3 s each and under 50 MB of peak RSS growth.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ARTICLES = 1_000
SENTENCES = 50  # per article
REVIEWERS = 2  # each annotates every sentence: ARTICLES * SENTENCES * REVIEWERS annotations
RUNS = 3
TARGET_SECONDS = 3.0
TARGET_RSS_MB = 50.0

CEILING_SQL = """
SELECT a.id, s.article_id, ar.title, ar.url, s.id, s.position, s.paragraph, s.start_offset, s.end_offset,
       ar.text, a.span_start, a.span_end, a.verdict, a.attributed_to, a.note,
       (SELECT group_concat(l.url, ' | ') FROM evidence_links l WHERE l.annotation_id = a.id),
       (SELECT group_concat(l.credibility, ' | ') FROM evidence_links l WHERE l.annotation_id = a.id),
       u.username, a.version, a.created_at, a.updated_at,
       (SELECT count(*) FROM revisions r WHERE r.entity = 'annotation' AND r.entity_id = a.id)
FROM annotations a JOIN sentences s ON a.sentence_id = s.id JOIN articles ar ON s.article_id = ar.id
JOIN users u ON a.reviewer_id = u.id
WHERE a.deleted_at IS NULL AND ar.deleted_at IS NULL
ORDER BY s.article_id, s.position, a.id
"""


def vm_hwm_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def app_for(db_path: Path, instance: Path):
    from annotator import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "bench",
        }
    )


def build(db_path: Path, instance: Path) -> int:
    """Migrate, then bulk-insert the data set with Core; return the number of annotations."""
    from flask_migrate import upgrade

    from annotator.extensions import db
    from annotator.models import Annotation, Article, EvidenceLink, Revision, Sentence, User

    app = app_for(db_path, instance)
    words = "The ministry said on Tuesday that the convoy had reached the city before dawn"
    sentence_text = words + "."
    text = " ".join([sentence_text] * SENTENCES)
    step = len(sentence_text) + 1
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        with db.engine.begin() as conn:
            conn.execute(
                db.insert(User.__table__),
                [
                    {
                        "id": r + 1,
                        "username": f"reviewer{r + 1}",
                        "password_hash": "!",
                        "role": "reviewer",
                        "active": True,
                        "created_at": now,
                    }
                    for r in range(REVIEWERS)
                ],
            )
            annotation_id = link_id = 0
            for a in range(1, ARTICLES + 1):
                conn.execute(
                    db.insert(Article.__table__),
                    [
                        {
                            "id": a,
                            "title": f"Article {a}: convoy reaches city",
                            "text": text,
                            "url": f"https://news.example/{a}",
                            "outlet": "Example News",
                            "content_hash": f"{a:064d}",
                            "created_at": now,
                            "updated_at": now,
                        }
                    ],
                )
                sentences = [
                    {
                        "id": (a - 1) * SENTENCES + i + 1,
                        "article_id": a,
                        "position": i,
                        "paragraph": i // 5,
                        "start_offset": i * step,
                        "end_offset": i * step + len(sentence_text),
                    }
                    for i in range(SENTENCES)
                ]
                conn.execute(db.insert(Sentence.__table__), sentences)
                annotations, links, revisions = [], [], []  # Core inserts: keys are column names
                for s in sentences:
                    for r in range(REVIEWERS):
                        annotation_id += 1
                        link_id += 1
                        when = now + timedelta(seconds=annotation_id)
                        annotations.append(
                            {
                                "id": annotation_id,
                                "sentence_id": s["id"],
                                "reviewer_id": r + 1,
                                "verdict": ("verified", "unproven", "disputed")[annotation_id % 3],
                                "attributed_to": "the ministry",
                                "note": f"Checked against report {annotation_id}",
                                "version": 1,
                                "created_at": when,
                                "updated_at": when,
                            }
                        )
                        links.append(
                            {
                                "id": link_id,
                                "annotation_id": annotation_id,
                                "position": 0,
                                "url": f"https://evidence.example/{annotation_id}",
                                "title": "Report",
                                "credibility": "high",
                                "stance": "supports",
                            }
                        )
                        revisions.append(
                            {
                                "entity": "annotation",
                                "entity_id": annotation_id,
                                "action": "create",
                                "actor_id": r + 1,
                                "created_at": when,
                                "before": None,
                                "after": {"id": annotation_id},
                            }
                        )
                conn.execute(db.insert(Annotation.__table__), annotations)
                conn.execute(db.insert(EvidenceLink.__table__), links)
                conn.execute(db.insert(Revision.__table__), revisions)
        db.engine.dispose()
    return annotation_id


def run_service(db_path: Path, instance: Path, format_name: str, out: Path) -> dict[str, float]:
    from annotator.extensions import db
    from annotator.models import Role, User
    from annotator.services.exchange import exports

    app = app_for(db_path, instance)
    with app.app_context():
        everyone = User(username="bench", role=Role.ADMIN)
        list(
            exports.export_chunks(
                format_name, exports.parse_filter({"article": ["1"]}), viewer=everyone
            )
        )  # warm up
        before = vm_hwm_kb()
        cpu = time.process_time()
        started = time.perf_counter()
        with open(out, "w", encoding="utf-8", newline="") as handle:
            for chunk in exports.export_chunks(
                format_name, exports.parse_filter({}), viewer=everyone
            ):
                handle.write(chunk)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        db.engine.dispose()
    return {"seconds": seconds, "cpu": cpu, "rss_mb": (vm_hwm_kb() - before) / 1024}


def run_ceiling(db_path: Path, out: Path) -> dict[str, float]:
    import csv
    import sqlite3

    before = vm_hwm_kb()
    cpu = time.process_time()
    started = time.perf_counter()
    connection = sqlite3.connect(db_path)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        for row in connection.execute(CEILING_SQL):
            text = row[9]
            writer.writerow((*row[:9], text[row[7] : row[8]], *row[10:]))
    connection.close()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "rss_mb": (vm_hwm_kb() - before) / 1024}


def child(args: list[str]) -> None:
    kind, db_path, instance, out = args
    if kind == "ceiling":
        result = run_ceiling(Path(db_path), Path(out))
    else:
        result = run_service(Path(db_path), Path(instance), kind, Path(out))
    result["bytes"] = Path(out).stat().st_size
    print(json.dumps(result))


def measure(kind: str, db_path: Path, instance: Path, out: Path) -> list[dict[str, float]]:
    runs = []
    for _ in range(RUNS):
        done = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, __file__, "--child", kind, str(db_path), str(instance), str(out)],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ | {"PYTHONWARNINGS": "ignore"},
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return runs


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db_path, instance, out = (
            Path(tmp) / "bench.sqlite3",
            Path(tmp) / "instance",
            Path(tmp) / "out",
        )
        instance.mkdir()
        started = time.perf_counter()
        count = build(db_path, instance)
        print(
            f"Built {count:,} annotations in {time.perf_counter() - started:.1f} s "
            f"({ARTICLES:,} articles x {SENTENCES} sentences x {REVIEWERS} reviewers)\n"
        )
        results = {
            kind: measure(kind, db_path, instance, out) for kind in ("csv", "jsonl", "ceiling")
        }
    ceiling = statistics.median(r["seconds"] for r in results["ceiling"])
    print(
        f"{'export':<20}{'median s':>9}{'CPU s':>7}{'annotations/s':>15}{'x ceiling':>10}"
        f"{'peak RSS +MB':>14}{'MB out':>8}  target"
    )
    ok = True
    for kind, label in (
        ("csv", "service CSV"),
        ("jsonl", "service JSONL"),
        ("ceiling", "csv.writer ceiling"),
    ):
        seconds = statistics.median(r["seconds"] for r in results[kind])
        cpu = statistics.median(r["cpu"] for r in results[kind])
        rss = max(r["rss_mb"] for r in results[kind])
        size = results[kind][0]["bytes"] / 1e6
        met = kind == "ceiling" or (seconds < TARGET_SECONDS and rss < TARGET_RSS_MB)
        ok &= met
        verdict = "-" if kind == "ceiling" else ("met" if met else "MISSED")
        print(
            f"{label:<20}{seconds:>9.2f}{cpu:>7.2f}{count / seconds:>15,.0f}{seconds / ceiling:>10.2f}"
            f"{rss:>14.1f}{size:>8.1f}  {verdict}"
        )
    load = os.getloadavg()[0]
    print(
        f"\nTargets: under {TARGET_SECONDS:.0f} s and under {TARGET_RSS_MB:.0f} MB peak RSS growth per export "
        f"(Label Studio: ~300 annotations/s). RSS growth is the worst of {RUNS} runs (VmHWM after minus before).\n"
        f"Load average during the run: {load:.2f} on {os.cpu_count()} CPUs; on a busy machine compare "
        "'x ceiling' and CPU s, which other processes disturb less than wall time."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
    else:
        sys.exit(main())
