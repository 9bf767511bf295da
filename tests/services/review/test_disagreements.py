"""The admins' disagreements queue."""

from __future__ import annotations

import pytest

from annotator.services.errors import Forbidden
from annotator.services.review.disagreements import disagreements_queue


@pytest.fixture
def desk(make_user, make_article, admin):
    """Three reviewers and three articles (four sentences each)."""
    people = [make_user("reviewer", name) for name in ("ann", "bob", "cy")]
    articles = [make_article(title=f"Story {i}") for i in range(3)]
    return admin, people, articles


def test_reviewers_never_see_the_disagreements_queue(desk) -> None:
    _admin, (ann, *_), _articles = desk
    with pytest.raises(Forbidden):
        disagreements_queue(viewer=ann)
