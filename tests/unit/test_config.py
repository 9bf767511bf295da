"""Configuration: the secret key is made once into the instance folder and kept."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from flask import Flask

from annotator import config, create_app


@pytest.fixture
def fresh_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty instance folder and no secret key from the environment."""
    monkeypatch.delenv("ANNOTATOR_SECRET_KEY", raising=False)
    return tmp_path / "instance"


def start(instance: Path) -> Flask:
    """What `annotator` does on each start: build the app on that instance folder."""
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(instance / "annotator.sqlite3"),
        }
    )


def test_first_run_makes_a_secret_key_and_the_next_run_reuses_it(fresh_instance):
    key_file = fresh_instance / "secret_key"
    assert not key_file.exists()
    first = start(fresh_instance)
    key = key_file.read_text()
    assert re.fullmatch(r"[0-9a-f]{64}", key)  # 256 random bits
    assert first.config["SECRET_KEY"] == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # readable by the owner only
    assert [p.name for p in fresh_instance.iterdir() if "secret" in p.name] == ["secret_key"]

    second = start(fresh_instance)
    assert second.config["SECRET_KEY"] == key and key_file.read_text() == key
    # What a user notices: a login cookie from before the restart is still accepted.
    cookie = first.session_interface.get_signing_serializer(first).dumps({"_user_id": "1"})
    assert second.session_interface.get_signing_serializer(second).loads(cookie) == {
        "_user_id": "1"
    }


def test_each_instance_gets_its_own_key(fresh_instance, tmp_path):
    assert (
        start(fresh_instance).config["SECRET_KEY"] != start(tmp_path / "other").config["SECRET_KEY"]
    )


def test_a_configured_secret_key_is_used_and_no_file_is_made(fresh_instance, monkeypatch):
    given = "from-the-environment"  # noqa: S105 - a test value
    monkeypatch.setenv("ANNOTATOR_SECRET_KEY", given)
    assert start(fresh_instance).config["SECRET_KEY"] == given
    assert not (fresh_instance / "secret_key").exists()


def test_workers_starting_together_on_a_fresh_instance_agree_on_one_key(fresh_instance):
    """Another worker makes the key between this one's look and its write: both use that key."""
    fresh_instance.mkdir()
    other_workers_key = "a" * 64

    class RacyPath(type(Path())):  # type: ignore[misc]
        def exists(self, **kwargs: object) -> bool:
            found = super().exists(**kwargs)
            if not found:
                Path(self).write_text(other_workers_key)  # ...and then the other worker wins
            return found

    key = config._instance_secret(RacyPath(fresh_instance / "secret_key"))
    assert key == other_workers_key == (fresh_instance / "secret_key").read_text()
    assert [p.name for p in fresh_instance.iterdir()] == ["secret_key"]  # no leftovers
