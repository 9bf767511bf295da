"""Password rules: length, the common-password list, patterns and the username."""

from __future__ import annotations

import pytest

from annotator.services.accounts import passwords
from annotator.services.errors import Invalid


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("short", "at least 12 characters"),
        ("x" * 1001, "at most 1,000 characters"),
        ("1qaz2wsx3edc", "most common passwords"),
        ("abcabcabcabc", "repeated or sequential"),
        ("123456789012", "repeated or sequential"),
        ("alicealice12", "mostly your username"),
        ("annotator2026", "mostly your username"),
    ],
    ids=["short", "long", "common", "repeated", "sequential", "username", "app-name"],
)
def test_weak_passwords_are_refused_saying_why(app, password, says) -> None:
    reason = passwords.problem(password, "alice")
    assert reason is not None and says in reason
    with pytest.raises(Invalid) as caught:
        passwords.validate(password, "alice")
    assert list(caught.value.fields) == ["password"]


def test_a_few_unrelated_words_pass(app) -> None:
    assert passwords.problem("correct horse battery", "alice") is None
    passwords.validate("correct horse battery", "alice")


def test_the_minimum_length_follows_the_config_but_never_drops_below_eight(app) -> None:
    app.config["PASSWORD_MIN_LENGTH"] = 4
    assert passwords.min_length() == 8
    app.config["PASSWORD_MIN_LENGTH"] = 16
    assert "at least 16 characters" in passwords.problem("violet tundra", "")
