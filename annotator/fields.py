"""One table of each entity's fields: type, limit, required, who may write it. Pure data.

The models take their column sizes from it, the forms their Length/DataRequired validators, the
services their ``limit=`` checks, the export reader its limits, and the JSON export schema agrees
with it (tests/unit/test_fields.py walks all of them). A limit that the instance may change names
its config key; the number here is the default (config.py reads it from here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from annotator.enums import Credibility, RatingOrigin, Role, Stance, Status, Verdict

# Who may write a field: the system (ids, times, hashes), any reviewer on their own records, an admin.
SYSTEM, REVIEWER, ADMIN = "system", "reviewer", "admin"

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")


@dataclass(frozen=True)
class Field:
    """One field of an entity as users and files give it."""

    type: (
        str  # text (stored as TEXT), string (VARCHAR(limit)), url, date, enum, int, timestamp, list
    )
    limit: int | None = None  # characters (items, for a list); None: unbounded
    required: bool = False  # must be given, not blank
    nullable: bool = False  # may be null (stored as NULL, exported as null)
    writers: tuple[str, ...] = (SYSTEM,)
    choices: type[StrEnum] | None = None
    config: str | None = None  # the app config key that overrides the limit
    optional: bool = False  # may be absent from an export document (added after 1.0 first shipped)

    def limit_in(self, config: object = None) -> int | None:
        """The limit, as this instance's config sets it (a mapping), else the default."""
        if self.config and config is not None:
            return config.get(self.config, self.limit)  # type: ignore[attr-defined]
        return self.limit


ARTICLE = {
    "id": Field("int"),
    "title": Field("string", 500, required=True, writers=(ADMIN,)),
    "text": Field("text", 500_000, required=True, writers=(ADMIN,), config="MAX_ARTICLE_CHARS"),
    "url": Field("url", 2000, nullable=True, writers=(ADMIN,)),
    "outlet": Field("string", 200, nullable=True, writers=(ADMIN,)),
    "author": Field("string", 200, nullable=True, writers=(ADMIN,)),
    "published_at": Field("date", 32, nullable=True, writers=(ADMIN,)),
    "language": Field("string", 16, nullable=True, writers=(ADMIN,)),
    "external_id": Field("string", 200, nullable=True, writers=(ADMIN,), optional=True),
    "created_at": Field("timestamp"),
    "sentences": Field("list", required=True),
    # The desk's (admins' exports only; checked and written by services.desk_exchange):
    "status": Field("enum", writers=(ADMIN,), choices=Status, optional=True),
    "assignments": Field("list", writers=(ADMIN,), optional=True),
}

SENTENCE = {
    "id": Field("int"),
    "index": Field("int"),
    "paragraph": Field("int"),
    "start": Field("int", writers=(SYSTEM, ADMIN)),
    "end": Field("int", writers=(SYSTEM, ADMIN)),
    "text": Field("text", required=True),  # sliced from the article's text
    "annotations": Field("list"),
    "adjudication": Field("object", nullable=True, optional=True),
}

ANNOTATION = {
    "id": Field("int"),
    "sentence_id": Field("int", required=True, writers=(REVIEWER,)),
    "span": Field("span", nullable=True, writers=(REVIEWER,)),
    "verdict": Field("enum", required=True, writers=(REVIEWER,), choices=Verdict),
    "attributed_to": Field("string", 500, writers=(REVIEWER,)),
    "note": Field("text", 10_000, writers=(REVIEWER,), config="MAX_NOTE_CHARS"),
    "links": Field("list", 20, writers=(REVIEWER,), config="MAX_LINKS"),
    # The earlier annotation this one was copied from in "Seen before" (docs/matching.md).
    "matched_from": Field("int", nullable=True, writers=(REVIEWER,), optional=True),
    "reviewer": Field("string", 64, required=True),
    "version": Field("int"),
    "created_at": Field("timestamp"),
    "updated_at": Field("timestamp"),
    "history": Field("list", optional=True),
}

LINK = {
    "url": Field("url", 2000, required=True, writers=(REVIEWER,)),
    "title": Field("string", 500, writers=(REVIEWER,)),
    "credibility": Field("enum", writers=(REVIEWER,), choices=Credibility),
    "stance": Field("enum", nullable=True, writers=(REVIEWER,), choices=Stance),
    "credibility_source": Field("enum", choices=RatingOrigin, optional=True),
    "override_reason": Field("text", 1000, writers=(REVIEWER,), optional=True),
    "source": Field("string", 200, nullable=True, optional=True),  # the registry entry's name
}

ADJUDICATION = {
    "verdict": Field("enum", required=True, writers=(ADMIN,), choices=Verdict),
    "note": Field("text", 10_000, writers=(ADMIN,), config="MAX_NOTE_CHARS"),
    "adjudicator": Field("string", 64, required=True),
    "version": Field("int"),
    "created_at": Field("timestamp"),
    "updated_at": Field("timestamp"),
}

SOURCE = {
    "id": Field("int"),
    "name": Field("string", 200, required=True, writers=(ADMIN,)),
    "domains": Field("list", 50, required=True, writers=(ADMIN,)),
    "credibility": Field("enum", required=True, writers=(ADMIN,), choices=Credibility),
    "rationale": Field("text", 5000, writers=(ADMIN,)),
    "rated_by": Field("string", 64, nullable=True),
    "rated_at": Field("timestamp"),
    "created_at": Field("timestamp"),
    "updated_at": Field("timestamp"),
    "retired_at": Field("timestamp", nullable=True),
    "history": Field("list", optional=True),
}
DOMAIN = Field("string", 253, required=True, writers=(ADMIN,))  # one of a source's domains

USER = {
    "username": Field("string", 64, required=True, writers=(ADMIN,)),
    "password": Field("text", 1000, required=True, writers=(ADMIN, REVIEWER)),
    "role": Field("enum", required=True, writers=(ADMIN,), choices=Role),
}
TOKEN = {"name": Field("string", 100, writers=(REVIEWER,))}

REVISION = {
    "action": Field("string", 16, required=True),
    "actor": Field("string", 64, nullable=True),
    "created_at": Field("timestamp"),
    "before": Field("object", nullable=True),
    "after": Field("object", nullable=True),
}

ENTITIES = {
    "article": ARTICLE,
    "sentence": SENTENCE,
    "annotation": ANNOTATION,
    "link": LINK,
    "adjudication": ADJUDICATION,
    "source": SOURCE,
    "user": USER,
    "token": TOKEN,
    "revision": REVISION,
}


def limit(entity: str, name: str) -> int:
    """The default limit of a bounded field (a KeyError or TypeError for any other is a bug)."""
    value = ENTITIES[entity][name].limit
    if value is None:
        raise TypeError(f"{entity}.{name} has no limit")
    return value


def export_keys(entity: str) -> tuple[frozenset[str], frozenset[str]]:
    """The keys an export document's record of this entity must have, and those it may have."""
    table = ENTITIES[entity]
    return (
        frozenset(name for name, field in table.items() if not field.optional),
        frozenset(name for name, field in table.items() if field.optional),
    )


def writable(entity: str, by: str) -> tuple[str, ...]:
    """The fields of an entity this kind of writer may set."""
    return tuple(name for name, field in ENTITIES[entity].items() if by in field.writers)
