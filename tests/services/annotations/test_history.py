"""An annotation's revisions in words, reverting to one, and an article's activity log."""

from __future__ import annotations

import pytest

from annotator.extensions import db
from annotator.services.annotations import annotations as annotation_service
from annotator.services.annotations import history
from annotator.services.errors import Conflict, Forbidden, Invalid


def test_revisions_read_newest_first_with_what_each_changed(make_annotation, reviewer) -> None:
    ann = make_annotation(note="first look")
    annotation_service.update_annotation(
        ann, {"verdict": "disputed", "note": ""}, actor=reviewer, expected_version=ann.version
    )
    db.session.commit()
    _ann, revisions = history.annotation_history(ann.id, viewer=reviewer)
    assert [(r.action, r.actor, r.current) for r in revisions] == [
        ("changed", "alice", True),
        ("created", "alice", False),
    ]
    assert [(c.what, c.kind, c.before, c.after) for c in revisions[0].changes] == [
        ("Verdict", "changed", "verified", "disputed"),
        ("Note", "changed", "first look", ""),
    ]


def test_reverting_brings_back_a_revision_as_a_new_one(make_annotation, reviewer) -> None:
    ann = make_annotation()
    annotation_service.update_annotation(
        ann, {"verdict": "disputed"}, actor=reviewer, expected_version=ann.version
    )
    db.session.commit()
    _ann, revisions = history.annotation_history(ann.id, viewer=reviewer)
    first = revisions[-1]
    history.revert_to_revision(ann, first.id, actor=reviewer, expected_version=ann.version)
    db.session.commit()
    assert ann.verdict == "verified"
    assert len(history.annotation_history(ann.id, viewer=reviewer)[1]) == 3


def test_reverting_a_deleted_annotation_undeletes_it(make_annotation, reviewer) -> None:
    ann = make_annotation()
    annotation_service.delete_annotation(ann, actor=reviewer)
    db.session.commit()
    created = history.annotation_history(ann.id, viewer=reviewer)[1][-1]
    history.revert_to_revision(ann, created.id, actor=reviewer, expected_version=ann.version)
    db.session.commit()
    assert ann.deleted_at is None


def test_reverting_needs_the_owner_and_the_version_last_read(
    make_annotation, reviewer, make_user
) -> None:
    ann = make_annotation()
    created = history.annotation_history(ann.id, viewer=reviewer)[1][-1]
    with pytest.raises(Forbidden):
        history.revert_to_revision(
            ann, created.id, actor=make_user("reviewer", "bob"), expected_version=ann.version
        )
    with pytest.raises(Invalid) as caught:
        history.revert_to_revision(ann, created.id, actor=reviewer, expected_version=None)
    assert list(caught.value.fields) == ["version"]
    with pytest.raises(Conflict):
        history.revert_to_revision(
            ann, created.id, actor=reviewer, expected_version=ann.version + 1
        )


def test_the_activity_log_is_for_admins_and_pages_newest_first(
    make_annotation, reviewer, admin
) -> None:
    ann = make_annotation()
    annotation_service.delete_annotation(ann, actor=reviewer)
    db.session.commit()
    article_id = ann.sentence.article_id
    with pytest.raises(Forbidden):
        history.article_activity(article_id, viewer=reviewer)
    events, total = history.article_activity(article_id, viewer=admin, limit=1)
    assert total >= 3  # the import, the annotation and its deletion
    assert [e.summary for e in events] == [f"deleted annotation #{ann.id} (verified)"]
