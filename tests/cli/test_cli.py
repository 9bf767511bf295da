"""The `annotator` command, through Click's runner on the test database."""

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import COMMANDS
from annotator.extensions import db
from annotator.models import Article, Role, User
from tests.conftest import SAMPLE_TEXT, corpus_file

README = Path(__file__).resolve().parents[2] / "README.md"


def test_init_is_idempotent(runner):
    for _ in range(2):
        result = runner.invoke(args=["init"])
        assert result.exit_code == 0, result.output
        assert "up to date" in result.output


def test_bootstrap_makes_one_admin_with_a_random_password_and_the_sample(runner, client):
    first = runner.invoke(args=["bootstrap"])
    assert first.exit_code == 0, first.output
    password = re.search(r"password: (\S+)", first.output).group(1)
    assert len(password) >= 12
    again = runner.invoke(args=["bootstrap"])
    assert "already exists" in again.output
    assert (
        db.session.scalar(
            db.select(db.func.count()).select_from(User).where(User.role == Role.ADMIN)
        )
        == 1
    )
    assert db.session.scalar(db.select(db.func.count()).select_from(Article)) == 1
    from tests.conftest import login

    login(client, "admin", password)


def test_starting_the_cli_leaves_the_heavy_libraries_unloaded(tmp_path):
    """Each is imported where it is used: alembic (a quarter of a second) for migrations, numpy
    (a tenth) where vectors and MinHashes are computed, zxcvbn when a password is set."""
    code = (
        "import sys; from annotator import create_app; from annotator.cli import main; create_app(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'alembic', 'flask_migrate', 'numpy', 'zxcvbn'}))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ANNOTATOR_INSTANCE_PATH"] = str(tmp_path)
    found = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=README.parent,  # this checkout's annotator, first on the path
    ).stdout.strip()
    assert found == "[]"


def test_flask_migrate_commands_are_there_when_asked_for(runner):
    # alembic prints the heads to the real stdout, not the runner's
    heads = runner.invoke(args=["db", "heads"])
    assert heads.exit_code == 0, heads.output
    assert "Perform database migrations." in runner.invoke(args=["--help"]).output
    assert "upgrade" in runner.invoke(args=["db", "--help"]).output


def test_users_create_and_refusals(runner):
    made = runner.invoke(
        args=["users", "create", "carol", "--role", "reviewer", "--password-stdin"],
        input="a long password\n",
    )
    assert made.exit_code == 0 and "Created reviewer" in made.output
    dup = runner.invoke(
        args=["users", "create", "Carol", "--password-stdin"], input="a long password\n"
    )
    assert dup.exit_code == 1 and "already taken" in dup.output
    short = runner.invoke(args=["users", "create", "dave", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    assert db.session.scalar(db.select(User).where(User.username == "dave")) is None


def test_tokens_create_prints_a_working_token(runner, client, reviewer):
    result = runner.invoke(args=["tokens", "create", "alice"])
    token = result.output.strip()
    assert token.startswith("ann_")
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()[
            "username"
        ]
        == "alice"
    )
    missing = runner.invoke(args=["tokens", "create", "nobody"])
    assert missing.exit_code == 1 and "no user named" in missing.output


def test_import_txt_and_json_with_summary(runner, tmp_path):
    (tmp_path / "a.txt").write_text(SAMPLE_TEXT, encoding="utf-8")
    (tmp_path / "b.json").write_text(
        json.dumps(
            [{"title": "B", "text": "Bee story. Two."}, {"title": "C", "text": "Sea story. Three."}]
        ),
        encoding="utf-8",
    )
    result = runner.invoke(args=["import", str(tmp_path / "a.txt"), str(tmp_path / "b.json")])
    assert result.exit_code == 0, result.output
    assert "Imported 3, duplicates skipped 0, failed 0" in result.output
    again = runner.invoke(args=["import", str(tmp_path)])
    assert "Imported 0, duplicates skipped 3" in again.output and again.exit_code == 0


def test_import_kherson_from_the_corpus(runner):
    path = corpus_file("kherson-withdrawal.txt")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    article = db.session.scalar(db.select(Article))
    assert article.title == "Russia leaves key city for Ukraine, US calls for negotiation"
    assert article.text == path.read_text(encoding="utf-8")


def test_import_failures_exit_1_and_keep_what_succeeded(runner, tmp_path):
    (tmp_path / "good.txt").write_text("Good story. It works.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 au lait")
    (tmp_path / "broken.json").write_text('{"title": "x", ', encoding="utf-8")
    (tmp_path / "empty.json").write_text('{"title": "x", "text": ""}', encoding="utf-8")
    result = runner.invoke(
        args=[
            "import",
            str(tmp_path / "good.txt"),
            str(tmp_path / "bad.txt"),
            str(tmp_path / "broken.json"),
            str(tmp_path / "empty.json"),
            str(tmp_path / "missing.txt"),
        ]
    )
    assert result.exit_code == 1
    assert "Imported 1, duplicates skipped 0, failed 4" in result.output
    assert "bad.txt, line 1: the file is not valid UTF-8" in result.output
    assert "broken.json, line 1: malformed JSON" in result.output
    assert "empty.json: text: Text is required." in result.output
    assert "missing.txt: no such file." in result.output
    assert [a.title for a in db.session.scalars(db.select(Article))] == ["Good story. It works."]


def test_export_csv_and_json_to_file(runner, tmp_path, make_article, reviewer):
    from annotator.services.annotations.annotations import annotate

    article = make_article()
    annotate(
        article.sentences[2],
        {"verdict": "disputed", "attributed_to": "Critics", "note": "@SUM(1)"},
        actor=reviewer,
    )
    db.session.commit()
    out = tmp_path / "out.csv"
    result = runner.invoke(
        args=["export", "--format", "csv", "--verdict", "disputed", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    (row,) = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert (row["attributed_to"], row["note"], row["reviewer"]) == ("Critics", "'@SUM(1)", "alice")
    assert (
        article.text[int(row["sentence_start"]) : int(row["sentence_end"])] == row["sentence_text"]
    )
    document = json.loads(runner.invoke(args=["export", "--format", "json"]).output)
    assert document["articles"][0]["sentences"][2]["annotations"][0]["verdict"] == "disputed"
    bad = runner.invoke(args=["export", "--verdict", "maybe"])
    assert bad.exit_code == 1 and "verdict: must be verified" in bad.output.lower()


def test_backup_copies_a_live_sqlite_database(runner, tmp_path, make_article):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("backup copies SQLite files; PostgreSQL uses pg_dump")
    make_article()
    target = tmp_path / "copy.sqlite3"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("select count(*) from articles").fetchone() == (1,)
    assert runner.invoke(args=["backup", str(target)]).exit_code == 1  # never overwrites


def test_every_command_is_documented_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    names = []
    for command in COMMANDS:
        subcommands = getattr(command, "commands", None)
        names += (
            [f"annotator {command.name} {sub}" for sub in subcommands]
            if subcommands
            else [f"annotator {command.name}"]
        )
    missing = [name for name in names if name not in readme]
    assert not missing, f"README does not document: {missing}"


def test_import_restores_our_own_json_export_losslessly(runner, tmp_path, make_article, reviewer):
    from annotator.services.annotations.annotations import annotate

    article = make_article()
    annotate(
        article.sentences[1],
        {
            "verdict": "disputed",
            "attributed_to": "the council",
            "note": "=1+1 \u202e",
            "links": [{"url": "https://example.org/x", "credibility": "high"}],
        },
        actor=reviewer,
    )
    db.session.commit()
    first = tmp_path / "first.json"
    assert runner.invoke(args=["export", "--format", "json", "-o", str(first)]).exit_code == 0
    # empty the instance, then import the export back
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    result = runner.invoke(args=["import", str(first)])
    assert result.exit_code == 0, result.output
    assert "restored 1 articles" in result.output
    second = tmp_path / "second.json"
    runner.invoke(args=["export", "--format", "json", "-o", str(second)])
    assert json.loads(second.read_text(encoding="utf-8")) == json.loads(
        first.read_text(encoding="utf-8")
    )


def test_import_refuses_a_tampered_export_and_changes_nothing(
    runner, tmp_path, make_article, reviewer
):
    from annotator.services.annotations.annotations import annotate

    article = make_article()
    annotate(article.sentences[0], {"verdict": "verified"}, actor=reviewer)
    db.session.commit()
    exported = tmp_path / "export.json"
    runner.invoke(args=["export", "--format", "json", "-o", str(exported)])
    tampered = tmp_path / "tampered.json"
    tampered.write_text(
        exported.read_text(encoding="utf-8").replace('"verified"', '"maybe"'), encoding="utf-8"
    )
    before = db.session.scalar(db.select(db.func.count()).select_from(Article))
    result = runner.invoke(args=["import", str(tampered)])
    assert result.exit_code == 1
    assert "tampered.json" in result.output and "nothing was changed" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Article)) == before
