"""The export reader is pure: it checks a JSON export without an app, naming line and path."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from annotator import fields
from annotator.importers.export_document import (
    ExportDocumentError,
    Limits,
    is_export_document,
    read_export_document,
)

TEXT = "The council voted on Tuesday. The barrier costs less."


def _document(**article_changes: object) -> dict:
    article = {
        "id": 1,
        "title": "Flood barrier",
        "text": TEXT,
        "url": None,
        "outlet": None,
        "author": None,
        "published_at": None,
        "language": "en",
        "created_at": "2026-01-02T03:04:05+00:00",
        "sentences": [
            {
                "id": 1,
                "index": 0,
                "paragraph": 0,
                "start": 0,
                "end": 29,
                "text": TEXT[:29],
                "annotations": [],
            },
            {
                "id": 2,
                "index": 1,
                "paragraph": 0,
                "start": 30,
                "end": len(TEXT),
                "text": TEXT[30:],
                "annotations": [],
            },
        ],
    }
    return {"schema_version": "1.0", "articles": [article | article_changes]}


def _read(document: dict, limits: Limits = Limits()) -> object:  # noqa: B008
    return read_export_document(json.dumps(document, indent=2).encode(), "backup.json", limits)


def test_a_valid_document_is_read_with_its_articles() -> None:
    data = json.dumps(_document()).encode()
    assert is_export_document(data)
    assert [a["title"] for a in _read(_document()).articles] == ["Flood barrier"]


@pytest.mark.parametrize("name", ["title", "outlet", "author", "language", "external_id"])
def test_limits_come_from_the_field_table(name: str) -> None:
    most = fields.limit("article", name)
    _read(_document(**{name: "x" * most}))
    with pytest.raises(ExportDocumentError) as caught:
        _read(_document(**{name: "x" * (most + 1)}))
    ((where, problem),) = caught.value.problems.items()
    assert where == "backup.json line 4"  # where the article starts in the indented file
    assert problem.startswith(f"articles[0].{name}: is {most + 1:,} characters long")


def test_the_configured_text_limit_is_the_one_applied() -> None:
    with pytest.raises(ExportDocumentError) as caught:
        _read(_document(), Limits(text=10))
    assert "articles[0].text" in next(iter(caught.value.problems.values()))


def test_malformed_json_names_line_and_column() -> None:
    with pytest.raises(ExportDocumentError) as caught:
        read_export_document(b'{"schema_version": "1.0",\n "articles": [}', "backup.json")
    ((where, problem),) = caught.value.problems.items()
    assert where == "backup.json line 2"
    assert problem.startswith("malformed JSON at column")


def test_the_reader_imports_no_flask_and_no_models() -> None:
    """Beyond what the package itself loads (its factory module imports Flask)."""
    code = (
        "import sys, annotator; before = set(sys.modules); "
        "import annotator.importers.export_document; "
        "print(sorted(m for m in set(sys.modules) - before if m.startswith(('flask', "
        "'annotator.models', 'annotator.services', 'annotator.extensions', 'sqlalchemy'))))"
    )
    found = subprocess.run(  # noqa: S603 - our own interpreter, a fixed script
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == "[]"
