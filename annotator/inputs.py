"""What the app accepts from a request before any view sees it.

Each rule turns a class of hostile input into the documented 4xx answer instead of a 500:
ids in URLs are ASCII digits within a database integer (``/annotations/99999999999999999999``
is a 404); JSON bodies are nested at most ``MAX_JSON_DEPTH`` deep, hold no lone surrogates, NaN or
numbers beyond a database integer (422 naming the field); whole numbers in query strings and
forms are read by ``whole_number`` (``?version=²`` is a 422 naming ``version``).
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from annotator.importers.limits import json_depth_exceeds
from annotator.locales import number
from annotator.services.errors import Invalid

MAX_ID = 2**31 - 1  # PostgreSQL's integer; SQLite's is wider
MAX_JSON_DEPTH = 64


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes: ASCII digits (not '²') and at most MAX_ID, else no route matches."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _between(minimum: int, maximum: int) -> str:
    return _(
        "must be a whole number from %(minimum)s to %(maximum)s.",
        minimum=number(minimum),
        maximum=number(maximum),
    )


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def json_problem(value: Any) -> tuple[str, str] | None:
    """The first (field path, problem) in parsed JSON the app cannot store, or None."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and _has_surrogate(item):
                return path or "body", "contains an invalid Unicode character (a lone surrogate)."
            if "\x00" in item:
                return path or "body", "contains a NUL character."
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if abs(item) > MAX_ID:
                return path or "body", f"is too large a number (the limit is {MAX_ID:,})."
        elif isinstance(item, float):
            if not math.isfinite(item):
                return path or "body", "is too large a number."
        elif isinstance(item, dict):
            for key, child in item.items():
                if _has_surrogate(key):
                    return path or "body", "has a field name with an invalid Unicode character."
                stack.append((f"{path}.{key}" if path else key, child))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(item))
    return None


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading request bodies only within the limits above."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        text = s.decode("utf-8", "replace") if isinstance(s, bytes) else s
        if json_depth_exceeds(text, MAX_JSON_DEPTH):
            raise BadRequest(f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.")
        kwargs.setdefault("parse_constant", _refuse_constant)
        value = json.loads(text, **kwargs)
        problem = json_problem(value)
        if problem:
            raise Invalid({problem[0]: problem[1]})
        return value


def whole_number(
    name: str, raw: object, *, default: int | None = None, minimum: int = 0, maximum: int = MAX_ID
) -> int | None:
    """A whole number typed in ASCII digits within bounds, or Invalid naming the field."""
    if raw is None or raw == "":
        return default
    text = raw.strip() if isinstance(raw, str) else ""
    digits = text.removeprefix("-") if minimum < 0 else text
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 12):
        raise Invalid({name: _between(minimum, maximum)})
    number = int(text)
    if not minimum <= number <= maximum:
        raise Invalid({name: _between(minimum, maximum)})
    return number


def lenient_number(raw: object) -> int | None:
    """A whole number in ASCII digits within a database integer, or None (for hidden fields)."""
    text = raw.strip() if isinstance(raw, str) else ""
    if text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= MAX_ID:
        return int(text)
    return None


def arg_number(name: str, **bounds: Any) -> int | None:
    """A whole number from the query string (see whole_number)."""
    return whole_number(name, request.args.get(name), **bounds)


def refuse_nul_characters() -> None:
    """No text field holds a NUL character (PostgreSQL cannot store one): 400 naming the field."""
    form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    for where, values in (("query", request.args), ("form", request.form if form else None)):
        if not values:
            continue
        for name, value in values.items(multi=True):
            if "\x00" in name or "\x00" in value:
                field = name.replace("\x00", "")[:40] or where
                raise Invalid(
                    {field: "contains a NUL character."},
                    f"The {where} field “{field}” contains a NUL character.",
                )
    for upload in request.files.values() if form else ():
        if upload.filename and "\x00" in upload.filename:
            raise Invalid({"files": "a file name contains a NUL character."})


def install(app: Flask) -> None:
    """Use the bounded id converter for ``<int:...>``, the safe JSON reader and the NUL check."""
    app.url_map.converters["int"] = IdConverter
    app.json = SafeJSONProvider(app)
    app.before_request(refuse_nul_characters)
