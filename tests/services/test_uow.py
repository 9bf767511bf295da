"""uow.run: the hot paths' statements straight on the driver's cursor, with the same stored values
as SQLAlchemy's own execution, inside the unit of work's transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect

from annotator import uow
from annotator.extensions import db
from annotator.models import DeskSetting, Revision, User

_INSERT = db.insert(Revision.__table__)
_BY_NAME = db.select(DeskSetting.value).where(DeskSetting.name == db.bindparam("name"))
_LITERAL = db.select(DeskSetting.value).where(DeskSetting.name == "colour")
_IN_LIST = db.select(DeskSetting.value).where(DeskSetting.name.in_(db.bindparam("names")))


def revision(entity_id: int) -> Revision:
    db.session.expire_all()
    return db.session.scalars(db.select(Revision).where(Revision.entity_id == entity_id)).one()


def test_a_row_written_by_run_reads_back_as_one_written_by_sqlalchemy(app, admin) -> None:
    when = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
    row = {
        "entity": "article",
        "action": "update",
        "actor_id": admin.id,
        "created_at": when,
        "before": {"title": "Old"},
        "after": {"title": "Café ünïcode", "tags": [1, 2]},
    }
    uow.run(_INSERT, {**row, "entity_id": 901})
    uow.execute(_INSERT, {**row, "entity_id": 902})
    uow.commit()
    ours, theirs = revision(901), revision(902)
    for column in ("entity", "action", "actor_id", "created_at", "before", "after"):
        assert getattr(ours, column) == getattr(theirs, column) == row[column]
    stored = db.session.execute(
        db.text("SELECT created_at, after FROM revisions WHERE entity_id IN (901, 902)")
    ).all()
    assert stored[0] == stored[1]  # the same bytes in the table, not only the same values


def test_a_column_default_the_caller_leaves_out_is_filled_in(app) -> None:
    before = datetime.now(UTC)
    uow.run(_INSERT, {"entity": "article", "entity_id": 903, "action": "create"})
    uow.commit()
    assert before <= revision(903).created_at <= datetime.now(UTC)


def test_rows_come_back_with_literals_and_parameters_bound(app) -> None:
    uow.run(
        db.insert(DeskSetting.__table__),
        [{"name": "colour", "value": "blue"}, {"name": "size", "value": "large"}],
    )
    assert uow.run(_BY_NAME, {"name": "size"}).scalar_one() == "large"
    assert uow.run(_LITERAL, {}).all() == [("blue",)]
    assert uow.run(_BY_NAME, {"name": "none such"}).first() is None
    with pytest.raises(LookupError):
        uow.run(_BY_NAME, {"name": "none such"}).one()


def test_an_in_list_takes_any_length(app) -> None:
    uow.run(
        db.insert(DeskSetting.__table__),
        [{"name": name, "value": name.upper()} for name in ("a", "b", "c")],
    )
    for names, found in ((["a"], ["A"]), (["a", "c", "zz"], ["A", "C"]), (["b", "c"], ["B", "C"])):
        assert sorted(v for (v,) in uow.run(_IN_LIST, {"names": names}).all()) == found


def test_a_parameter_rendered_into_the_sql_is_refused_before_anything_runs(app) -> None:
    literal = db.select(DeskSetting.value).where(
        DeskSetting.name == db.bindparam("name", literal_execute=True)
    )
    with pytest.raises(TypeError, match="uow.run cannot run"):
        uow.run(literal, {"name": "colour"})


def test_a_write_counts_as_the_units_work_and_is_undone_with_it(app) -> None:
    uow.commit()
    assert not uow.wrote()
    uow.run(_INSERT, {"entity": "article", "entity_id": 904, "action": "create"})
    assert uow.wrote()
    connection = db.session.connection().connection.dbapi_connection
    if db.engine.dialect.name == "sqlite":  # taken as the engine's hook would take it
        assert connection.holds_write_lock
    uow.rollback()
    assert db.session.scalar(db.select(Revision.id).where(Revision.entity_id == 904)) is None


_USER = db.select(*User.__table__.columns).where(User.id == db.bindparam("id"))


def test_load_makes_the_object_a_query_would(app, make_user) -> None:
    user_id = make_user(username="loaded-reviewer").id
    uow.commit()
    db.session.expunge_all()
    queried = db.session.get(User, user_id)
    wanted = {c.key: getattr(queried, c.key) for c in inspect(User).column_attrs}
    db.session.expunge_all()
    loaded = uow.load(User, _USER, {"id": user_id})
    assert {c.key: getattr(loaded, c.key) for c in inspect(User).column_attrs} == wanted
    assert loaded.created_at.tzinfo is not None and loaded.active is True
    assert loaded in db.session and not db.session.dirty  # as loaded: nothing to write
    assert db.session.get(User, user_id) is loaded  # the session's one copy
    assert uow.load(User, _USER, {"id": user_id}) is loaded
    assert loaded.tokens == []  # a relationship loads when read
    loaded.locale = "es"
    uow.commit()
    db.session.expunge_all()
    assert db.session.get(User, user_id).locale == "es"


def test_load_gives_none_for_no_row(app) -> None:
    assert uow.load(User, _USER, {"id": 987654}) is None
