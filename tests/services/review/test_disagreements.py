"""The admins' disagreements queue."""

from __future__ import annotations

import pytest

from annotator.services.errors import Forbidden
from annotator.services.review.disagreements import disagreements_queue


def test_reviewers_never_see_the_disagreements_queue(desk) -> None:
    _admin, (ann, *_), _articles = desk
    with pytest.raises(Forbidden):
        disagreements_queue(viewer=ann)
