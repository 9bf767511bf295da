"""Password rules in the NIST SP 800-63B style: long enough, not a known or guessable one.

No composition rules (no "one digit and one symbol"): length, a list of the most common
passwords, the username, and Dropbox's zxcvbn strength estimator (a score of 3 of 4 or more,
"safely unguessable": at least 10^8 guesses, with the username and the application's name as words
it knows) do more for security and less harm to memorable passphrases.
"""

from __future__ import annotations

import functools
from importlib import resources

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from annotator.locales import number
from annotator.services.errors import Invalid

DEFAULT_MIN_LENGTH = 12
MAX_LENGTH = 1000  # argon2 hashes any length; this only bounds the work per login attempt
APP_WORDS = ("annotator",)
MIN_SCORE = 3  # zxcvbn: 3 is "safely unguessable: moderate protection from offline attacks"
ESTIMATED = 100  # zxcvbn reads this many characters (its time grows with length)

# The warnings zxcvbn gives (zxcvbn/feedback.py), marked here so the catalogs translate them.
ZXCVBN_WARNINGS = (
    _l("Straight rows of keys are easy to guess."),
    _l("Short keyboard patterns are easy to guess."),
    _l('Repeats like "aaa" are easy to guess.'),
    _l('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    _l('Sequences like "abc" or "6543" are easy to guess.'),
    _l("Recent years are easy to guess."),
    _l("Dates are often easy to guess."),
    _l("This is a top-10 common password."),
    _l("This is a top-100 common password."),
    _l("This is a very common password."),
    _l("This is similar to a commonly used password."),
    _l("A word by itself is easy to guess."),
    _l("Names and surnames by themselves are easy to guess."),
    _l("Common names and surnames are easy to guess."),
)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of the most common passwords (see the file's header for its source)."""
    text = (
        resources.files("annotator.services.accounts")
        .joinpath("common_passwords.txt")
        .read_text("utf-8")
    )
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def min_length() -> int:
    """The configured minimum length (PASSWORD_MIN_LENGTH), never below 8 (NIST's floor)."""
    return max(int(current_app.config.get("PASSWORD_MIN_LENGTH", DEFAULT_MIN_LENGTH)), 8)


def problem(password: str, username: str = "") -> str | None:
    """Why this password is refused, as the end of a sentence about it, or None if it is fine."""
    shortest = min_length()
    if len(password) < shortest:
        return _("must be at least %(n)s characters long.", n=shortest)
    if len(password) > MAX_LENGTH:
        return _("must be at most %(n)s characters long.", n=number(MAX_LENGTH))
    folded = password.casefold()
    if folded in common_passwords() or folded.strip() in common_passwords():
        return _(
            "is one of the most common passwords; choose another (a few unrelated words work well)."
        )
    if _repetitive(folded) or _sequential(folded):
        return _(
            "is a repeated or sequential pattern; choose another (a few unrelated words work well)."
        )
    rest = folded
    for name in (username.strip().casefold(), *APP_WORDS):
        if len(name) >= 3:
            rest = rest.replace(name, "")
    if rest != folded and len(rest) < shortest // 2:  # "annotator2026", "alice!alice"
        return _("must not be mostly your username or the application's name.")
    name = username.strip().casefold()
    if len(name) >= 3 and name in folded:
        return _("must not contain your username: anyone who knows it would try it first.")
    from zxcvbn import zxcvbn  # 40 ms to import: only when a password is set, not at every start

    estimate = zxcvbn(password[:ESTIMATED], user_inputs=[name, *APP_WORDS])
    if estimate["score"] < MIN_SCORE:
        warning = estimate["feedback"]["warning"]
        # zxcvbn's warnings are English; those it can give are in the catalogs (ZXCVBN_WARNINGS)
        hint = _(warning) if warning else _("It follows a pattern that guessers try early.")
        return _(
            "is too easy to guess (%(hint)s). Choose another: "
            "three or four unrelated words work well.",
            hint=hint.rstrip("."),
        )
    return None


def validate(password: str, username: str = "") -> None:
    """Raise Invalid naming the password field when the password breaks a rule."""
    reason = problem(password, username)
    if reason:
        raise Invalid({"password": reason})


def _repetitive(text: str) -> bool:
    """A short unit said over and over: aaaaaaaaaaaa, abcabcabcabc, 121212121212."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return True
    return len(set(text)) <= 2


def _sequential(text: str) -> bool:
    """A run up or down the alphabet or the digits: abcdefghijkl, 987654321098."""
    steps = {
        (ord(b) - ord(a)) % 10 if a.isdigit() and b.isdigit() else ord(b) - ord(a)
        for a, b in zip(text, text[1:], strict=False)
    }
    return steps in ({1}, {-1}, {9})
