"""`annotator import`: every format, folders and globs, the summary, exit codes, and a kill midway."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.cli.imports import progress_info
from annotator.extensions import db
from annotator.models import Article, Sentence
from annotator.text.segment import segment
from tests.unit.test_importers_formats import PAGE

ANNOTATOR = Path(sys.executable).with_name("annotator")


def _count(model) -> int:
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


def test_duplicate_external_id_is_reported_then_forced(runner, tmp_path):
    first = {"title": "Barrier vote", "text": "The council voted.", "external_id": "wire-42"}
    (tmp_path / "monday.jsonl").write_text(json.dumps(first) + "\n", encoding="utf-8")
    update = {  # new words and a URL, but the wire's id says it is the same story
        "title": "Barrier vote, updated",
        "text": "The council voted 7-2 on Tuesday to build the barrier.",
        "url": "https://example.org/barrier-update",
        "external_id": "wire-42",
    }
    (tmp_path / "tuesday.jsonl").write_text(json.dumps(update) + "\n", encoding="utf-8")
    assert runner.invoke(args=["import", str(tmp_path / "monday.jsonl")]).exit_code == 0
    existing = db.session.scalar(db.select(Article.id))

    again = runner.invoke(args=["import", str(tmp_path / "tuesday.jsonl")])
    assert again.exit_code == 0
    assert (
        f"{tmp_path / 'tuesday.jsonl'}: skipped, This article is already here as "
        f"#{existing} “Barrier vote”." in again.output
    )
    assert "Imported 0, duplicates skipped 1, failed 0" in again.output
    assert _count(Article) == 1

    forced = runner.invoke(args=["import", "--force", str(tmp_path / "tuesday.jsonl")])
    assert forced.exit_code == 0
    assert "Imported 1, duplicates skipped 0, failed 0" in forced.output
    assert sorted(db.session.scalars(db.select(Article.title))) == [
        "Barrier vote",
        "Barrier vote, updated",
    ]


def test_title_of_100000_characters_is_refused_alike_in_txt_md_and_json(runner, tmp_path):
    long = "T" * 100_000
    (tmp_path / "long.txt").write_text(f"{long}\n\nBody of the text.", encoding="utf-8")
    (tmp_path / "long.md").write_text(f"# {long}\n\nBody of the text.", encoding="utf-8")
    (tmp_path / "long.json").write_text(
        json.dumps({"title": long, "text": "Body of the text."}), encoding="utf-8"
    )
    result = runner.invoke(args=["import", str(tmp_path)])
    assert result.exit_code == 1
    words = "title: Title is 100,000 characters long; the limit is 500."
    assert f"{tmp_path / 'long.txt'}, line 1: {words}" in result.output
    assert f"{tmp_path / 'long.md'}, line 1: {words}" in result.output
    assert f"{tmp_path / 'long.json'}: {words}" in result.output
    assert "Imported 0, duplicates skipped 0, failed 3" in result.output
    assert _count(Article) == 0 and _count(Sentence) == 0


@pytest.mark.parametrize(
    ("done", "total", "elapsed", "unit", "shown"),
    [
        (0, 3000, 0.0, "files", "0/3,000 files"),
        (1, 3000, 0.1, "files", "1/3,000 files"),  # one item in 0.1 s: too early for a rate
        (5, 3000, 0.1, "files", "5/3,000 files  50 files/s  ETA 1:00"),
        (1, 10, 0.5, "files", "1/10 files  2.0 files/s  ETA 0:04"),
        (120, 3000, 2.6, "files", "120/3,000 files  46 files/s  ETA 1:02"),
        (10, 100_000, 2.0, "articles", "10/100,000 articles  5.0 articles/s  ETA 5:33:18"),
        (3000, 3000, 60.0, "files", "3,000/3,000 files  50 files/s"),  # done: no ETA
    ],
)
def test_progress_line_shows_count_rate_and_eta(done, total, elapsed, unit, shown):
    assert progress_info(done, total, elapsed, unit) == shown


def _on_a_terminal(command: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run a command with its output on a pseudo-terminal (so it draws its progress bar)."""
    controller, terminal = pty.openpty()
    child = subprocess.Popen(  # noqa: S603
        command, env=env, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal
    )
    os.close(terminal)
    chunks = []
    try:
        while select.select([controller], [], [], 60)[0]:
            try:
                data = os.read(controller, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        child.wait(60)
    finally:
        os.close(controller)
        if child.poll() is None:
            child.kill()
            child.wait()
    return child.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_a_terminal_counts_files_with_rate_and_eta(app, database_uri, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    total = 40
    for i in range(total):
        (folder / f"{i:03d}.txt").write_text(
            f"Article {i}\n\nThe council met on day {i}. It voted.", encoding="utf-8"
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANNOTATOR_")}
    env.update(DATABASE_URL=database_uri, ANNOTATOR_INSTANCE_PATH=str(tmp_path / "instance"))
    status, output = _on_a_terminal([str(ANNOTATOR), "import", str(folder)], env)
    assert status == 0, output
    frames = [frame for frame in re.split(r"[\r\n]", output) if "Importing" in frame]
    assert len(frames) > total / 2, "the bar is redrawn as files are imported"
    assert re.search(rf"\b20/{total} files  [\d,.]+ files/s  ETA \d+:\d\d\b", output)
    assert re.search(rf"100%  {total}/{total} files  [\d,.]+ files/s", output)
    assert f"Imported {total}, duplicates skipped 0, failed 0 ({total} files in" in output
    assert _count(Article) == total


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


# Under pytest-xdist: never beside the other test that loads the machine with processes.
@pytest.mark.xdist_group("processes")
def test_kill_midway_leaves_only_whole_articles(app, database_uri, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    total = 3000

    def body(i: int) -> str:  # each article its own wording: near-duplicates would be skipped
        return " ".join(f"Sentence number {n} of article {i} is here." for n in range(30))

    for i in range(total):
        (folder / f"{i:05d}.txt").write_text(f"Article {i}\n\n{body(i)}", encoding="utf-8")
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
    expected = len(segment(f"Article 0\n\n{body(0)}"))
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
