"""Fixtures of the article service tests."""

from collections.abc import Iterator

import pytest
from flask import Flask

from annotator.extensions import db


@pytest.fixture
def sentence_inserts(app: Flask) -> Iterator[list[int]]:
    """The number of values each INSERT INTO sentences carries, statement by statement, while
    the test runs (one statement for a whole article, or one a sentence)."""
    inserts: list[int] = []

    def listen(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO SENTENCES"):
            inserts.append(len(parameters))

    db.event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield inserts
    finally:
        db.event.remove(db.engine, "before_cursor_execute", listen)
