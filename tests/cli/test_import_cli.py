"""`annotator import`: every format, folders and globs, the summary, exit codes, and a kill midway."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from annotator.extensions import db
from annotator.models import Article, Sentence
from annotator.text.segment import segment
from tests.unit.test_importers_formats import PAGE

ANNOTATOR = Path(sys.executable).with_name("annotator")


def _count(model) -> int:  # noqa: ANN001
    db.session.rollback()  # see what other connections committed
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_every_format_from_a_folder_and_a_glob(runner, tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Text headline\n\nBody of text.", encoding="utf-8")
    (folder / "b.md").write_text("# MD headline\n\n- one item\n- two item\n", encoding="utf-8")
    (folder / "sub" / "c.html").write_bytes(PAGE)
    (folder / "d.csv").write_text(
        "title,text\nCSV one,First row.\nCSV two,Second row.\n", encoding="utf-8"
    )
    (folder / ".hidden.txt").write_text("Hidden\n\nNot imported.", encoding="utf-8")
    (tmp_path / "e.jsonl").write_text(
        '{"title": "JSONL", "text": "From JSONL."}\n', encoding="utf-8"
    )
    result = runner.invoke(args=["import", str(folder), str(tmp_path / "*.jsonl")])
    assert result.exit_code == 0, result.output
    assert "Imported 6, duplicates skipped 0, failed 0 (5 files" in result.output
    assert set(db.session.scalars(db.select(Article.title))) == {
        "Text headline",
        "MD headline",
        "Russia leaves key city for Ukraine",
        "CSV one",
        "CSV two",
        "JSONL",
    }


def test_failures_name_file_and_line_and_exit_1_keeping_the_rest(runner, tmp_path):
    (tmp_path / "good.txt").write_text("Good\n\nGood text.", encoding="utf-8")
    (tmp_path / "page.txt").write_bytes(PAGE)
    (tmp_path / "rows.csv").write_text(
        'title,text\nOK,Fine.\nBad,"' + "x" * 200_000 + '"\n', encoding="utf-8"
    )
    (tmp_path / "long.jsonl").write_text(
        json.dumps({"title": "T" * 100_000, "text": "x."}) + "\n", encoding="utf-8"
    )
    result = runner.invoke(args=["import", str(tmp_path)])
    assert result.exit_code == 1
    assert (
        "Imported 1, duplicates skipped 0, failed 3" in result.output
    )  # a bad row refuses its file
    assert f"{tmp_path / 'page.txt'}, line 1: this looks like HTML" in result.output
    assert f"{tmp_path / 'rows.csv'}, line 3: a field is longer than 131,072" in result.output
    assert f"{tmp_path / 'long.jsonl'}: title: Title is 100,000 characters long" in result.output
    assert "The 1 articles imported are kept" in result.output
    assert [a.title for a in db.session.scalars(db.select(Article))] == ["Good"]


def test_duplicates_reported_then_forced(runner, tmp_path):
    (tmp_path / "a.txt").write_text("Same\n\nSame text.", encoding="utf-8")
    assert runner.invoke(args=["import", str(tmp_path / "a.txt")]).exit_code == 0
    again = runner.invoke(args=["import", str(tmp_path / "a.txt")])
    assert again.exit_code == 0
    assert "skipped, This article is already here" in again.output
    assert "Imported 0, duplicates skipped 1" in again.output
    forced = runner.invoke(args=["import", "--force", str(tmp_path / "a.txt")])
    assert "Imported 1" in forced.output
    assert _count(Article) == 2


def test_explicit_format_and_missing_files(runner, tmp_path):
    (tmp_path / "saved.txt").write_bytes(PAGE)
    result = runner.invoke(
        args=["import", "--format", "html", str(tmp_path / "saved.txt"), str(tmp_path / "nope.md")]
    )
    assert result.exit_code == 1
    assert "nope.md: no such file." in result.output
    assert db.session.scalar(db.select(Article.title)) == "Russia leaves key city for Ukraine"


def test_control_characters_in_file_names_are_not_echoed(runner, tmp_path):
    path = tmp_path / "bad\x1b[31mname.txt"
    path.write_bytes(b"")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output
    assert "bad\ufffd[31mname.txt: the file is empty." in result.output


def test_kill_midway_leaves_only_whole_articles(app, database_uri, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    total = 3000
    body = " ".join(f"Sentence number {n} of this article is here." for n in range(30))
    for i in range(total):
        (folder / f"{i:05d}.txt").write_text(f"Article {i}\n\n{body} Unique {i}.", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANNOTATOR_")}
    env.update(DATABASE_URL=database_uri, ANNOTATOR_INSTANCE_PATH=str(tmp_path / "instance"))
    child = subprocess.Popen(  # noqa: S603
        [ANNOTATOR, "import", str(folder)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while _count(Article) < 40 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    stored = _count(Article)
    assert 40 <= stored < total, "the import should have been killed midway"
    expected = len(segment(f"Article 0\n\n{body} Unique 0."))
    per_article = dict(
        db.session.execute(
            db.select(Sentence.article_id, db.func.count()).group_by(Sentence.article_id)
        ).all()
    )
    articles = list(db.session.scalars(db.select(Article)))
    assert len(per_article) == len(articles)
    assert all(per_article[a.id] == expected for a in articles), (
        "an article lost some of its sentences"
    )
    db.session.rollback()
    init = subprocess.run([ANNOTATOR, "init"], env=env, capture_output=True, text=True, timeout=60)  # noqa: S603
    assert init.returncode == 0, init.stderr
    assert "Database is up to date" in init.stdout
    if database_uri.startswith("sqlite"):
        assert db.session.execute(db.text("PRAGMA integrity_check")).scalar() == "ok"
