"""The desk's rules: named values an admin sets (rows of desk_settings), each change audited.

The rules themselves live with what they govern (who may open unassigned work: desk.assignments;
reviewers per article: desk.status; the "Seen before" tiers: annotations.similar); this module is
the one way they are read and written."""

from __future__ import annotations

from typing import Any

from annotator.extensions import db
from annotator.models import DeskSetting, User
from annotator.services import audit


def read(*names: str) -> dict[str, str]:
    """The stored values of these settings (a setting never set is absent)."""
    return dict(
        db.session.execute(
            db.select(DeskSetting.name, DeskSetting.value).where(DeskSetting.name.in_(names))
        ).all()
    )


def write(
    values: dict[str, str | None], *, actor: User, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """Store the settings (None removes one: back to its default) and record one revision of the
    desk's rules (``before`` and ``after`` as the people reading the history should see them).
    The caller checks the actor and values."""
    for name, value in values.items():
        row = db.session.get(DeskSetting, name)
        if value is None:
            if row is not None:
                db.session.delete(row)
            continue
        row = row or DeskSetting(name=name, value=value)
        row.value = value
        db.session.add(row)
    db.session.flush()
    audit.record("desk_setting", 0, "update", actor=actor, before=before, after=after)
