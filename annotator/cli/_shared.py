"""What every command shares: running as one unit of work, and turning service errors into words."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from annotator.db import write_intent
from annotator.extensions import db
from annotator.services.errors import ServiceError
from annotator.uow import unit_of_work

F = TypeVar("F", bound=Callable[..., Any])


def writes(command: F) -> F:
    """The command is one unit of work (committed when it returns, rolled back if it fails or
    exits), run as a write: SQLite takes its write lock up front."""
    work = unit_of_work(command)

    @functools.wraps(command)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with write_intent():
            return work(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def fail(error: ServiceError) -> click.ClickException:
    """A service's refusal as the command's error (exit 1), naming the fields at fault."""
    fields = "; ".join(f"{name}: {problem}" for name, problem in error.fields.items())
    return click.ClickException(
        fields if fields and error.message in ("", fields) else error.message
    )


def safe_url() -> str:
    """The database URL without its password."""
    return db.engine.url.render_as_string(hide_password=True)
