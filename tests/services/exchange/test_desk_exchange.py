"""Assignments and article status travel in admins' JSON export and come back on restore."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from annotator.exporters import SCHEMA_FILE, schema_text
from annotator.extensions import db
from annotator.models import Assignment, Role, User
from annotator.services.desk import assignments, status
from annotator.services.errors import Invalid
from annotator.services.exchange.reload import reload_export
from tests.conftest import count
from tests.services.exchange.test_reload import export_json, wipe


@pytest.fixture
def organised(make_user, make_article, admin):
    for name in ("ann", "bob"):
        make_user("reviewer", name)
    first, second, third = (make_article(title=t) for t in ("One", "Two", "Three"))
    assignments.assign(
        [first], reviewers=["ann", "bob"], due_date="2026-12-24", priority="urgent", actor=admin
    )
    assignments.assign([second], reviewers=["bob"], actor=admin)
    status.move(third, "archived", actor=admin, expected_version=0)
    db.session.commit()
    return first, second, third


def test_assignments_and_status_round_trip(app, organised, admin) -> None:
    before = export_json(admin)
    document = json.loads(before)
    Draft202012Validator(json.loads(schema_text(SCHEMA_FILE))).validate(document)
    first = document["articles"][0]
    assert first["status"] == "in_review"
    assert [(a["reviewer"], a["due_date"], a["priority"]) for a in first["assignments"]] == [
        ("ann", "2026-12-24", "urgent"),
        ("bob", "2026-12-24", "urgent"),
    ]
    assert document["articles"][2]["status"] == "archived"
    wipe()
    restorer = User(username="restorer", password_hash="!", role=Role.ADMIN)  # noqa: S106
    db.session.add(restorer)
    db.session.flush()
    reload_export(before.encode(), "desk.json", actor=restorer)
    db.session.commit()
    assert count(Assignment) == 3
    assert export_json(restorer) == before


def test_reviewers_exports_carry_no_desk(app, organised, make_user) -> None:
    reader = db.session.scalar(db.select(User).where(User.username == "ann"))
    article = json.loads(export_json(reader))["articles"][0]
    assert "assignments" not in article and "status" not in article


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"status": "done"}, "articles[0].status"),
        ({"assignments": [{"reviewer": "ann"}]}, "articles[0].assignments[0]"),
        (
            {
                "assignments": [
                    {
                        "reviewer": "ann",
                        "assigned_by": None,
                        "due_date": "someday",
                        "priority": "normal",
                        "created_at": "2026-12-01T00:00:00+00:00",
                    }
                ]
            },
            "articles[0].assignments[0].due_date",
        ),
    ],
)
def test_a_bad_desk_in_a_document_is_refused_and_nothing_changes(
    app, organised, admin, change, path
) -> None:
    document = json.loads(export_json(admin))
    document["articles"][0].update(change)
    wipe()
    restorer = User(username="restorer", password_hash="!", role=Role.ADMIN)  # noqa: S106
    db.session.add(restorer)
    db.session.commit()
    with pytest.raises(Invalid) as caught:
        reload_export(json.dumps(document).encode(), "desk.json", actor=restorer)
    assert path in str(caught.value.fields) + caught.value.message
    db.session.rollback()
    assert count(Assignment) == 0
