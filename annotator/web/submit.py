"""How a page answers a submitted form: done, refused (the form again, 422), or overtaken (a conflict).

Every form page used to repeat the same skeleton around its one service call; it lives here once.
The unit of work (annotator.uow) commits when the page answers below 400; a refusal answered with a
redirect calls ``uow.discard()`` so that nothing the service did before refusing is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from annotator import uow
from annotator.services.errors import Conflict, Invalid
from annotator.web.forms import attach_errors

T = TypeVar("T")


def submit(
    action: Callable[[], T],
    *,
    done: Callable[[T], ResponseReturnValue],
    form: Any = None,
    page: Callable[[Invalid], str] | None = None,
    back: str | None = None,
    fallback: Any = None,
    say_invalid: Callable[[Invalid], str] | None = None,
    say_conflict: Callable[[Conflict], str] | None = None,
) -> ResponseReturnValue:
    """Run ``action`` (the one service call behind a form) and answer as every form page does.

    - Done: ``done(result)``, usually ``flashed(url, message)``; the unit of work commits.
    - Invalid: the field errors go beside the fields of ``form`` (those naming no field to
      ``fallback``), ``say_invalid(error)`` is flashed if given, and ``page(error)`` is shown again
      with status 422; without a page, the browser goes ``back``.
    - Conflict (the record changed since the form was filled): its message (or
      ``say_conflict(error)``) is flashed and the browser goes ``back``; with no ``back`` the
      error page answers (409).
    Whatever the refused action wrote is discarded.
    """
    try:
        result = action()
    except Invalid as error:
        uow.discard()  # before rendering again, so the page shows what is stored
        if form is not None:
            attach_errors(form, error.fields, fallback=fallback)
        if say_invalid is not None:
            flash(say_invalid(error), "error")
        if page is not None:
            return page(error), 422
        if back is None:
            raise
        return redirect(back)
    except Conflict as error:
        if back is None:
            raise
        uow.discard()
        flash(say_conflict(error) if say_conflict else error.message, "error")
        return redirect(back)
    return done(result)


def flashed(url: str, message: str, category: str = "success") -> Response:
    """Say what was done and go to ``url`` (the answer to a form that did its work)."""
    flash(message, category)
    return redirect(url)


def expired(back: str) -> Response:
    """The answer to a form whose CSRF token or hidden fields did not come back intact."""
    return flashed(back, "The form had expired; please try again.", "error")
