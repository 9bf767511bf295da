"""The README's command reference is each command's own help: it cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from annotator.cli import COMMANDS

README = Path(__file__).resolve().parents[2] / "README.md"


def _commands() -> list[tuple[str, click.Command]]:
    found = []
    for command in COMMANDS:
        if isinstance(command, click.Group):
            found += [(f"annotator {command.name} {n}", c) for n, c in command.commands.items()]
        else:
            found.append((f"annotator {command.name}", command))
    return found


def _entry(name: str) -> str:
    """The README's block for one command: from its usage line to the next command's."""
    reference = README.read_text(encoding="utf-8").split("## Command line", 1)[1]
    reference = reference.split("```text", 1)[1].split("```", 1)[0]
    match = re.search(rf"^{re.escape(name)}\b.*?(?=^annotator |\Z)", reference, re.M | re.S)
    assert match, f"the README's command reference has no entry for `{name}`"
    return match.group(0)


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda v: getattr(v, "name", v))
def test_readme_entry_is_the_commands_help(name: str, command: click.Command) -> None:
    entry = _words(_entry(name))
    summary = _words((command.help or "").split("\n\n", 1)[0])
    assert summary and summary in entry, f"`{name}`: the README should say {summary!r}"
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            longest = max(param.opts, key=len)
            assert longest in entry, f"`{name}`: the README does not mention {longest}"
