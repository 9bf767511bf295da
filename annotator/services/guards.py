"""The rules every service repeats, written once: admin only, unknown fields, the optimistic
version check (each entity's policy in VERSIONS) and flush-or-conflict."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from annotator.extensions import db
from annotator.models import User
from annotator.services.errors import Conflict, Forbidden, Invalid, ServiceError


def require_admin(actor: User | None, refusal: str) -> None:
    """Forbidden, saying `refusal`, unless the actor is an admin."""
    if actor is None or not actor.is_admin:
        raise Forbidden(refusal)


def unknown_fields(data: Mapping[str, Any], allowed: Iterable[str], problem: str) -> dict[str, str]:
    """Each field of data that `allowed` does not name, mapped to `problem` (sorted by name)."""
    return {name: problem for name in sorted(set(data) - set(allowed))}


def refuse_unknown(data: Mapping[str, Any], allowed: Iterable[str], problem: str) -> None:
    """Invalid, naming each field of data that `allowed` does not name, if there is one."""
    unknown = unknown_fields(data, allowed, problem)
    if unknown:
        raise Invalid(unknown)


@dataclass(frozen=True)
class VersionRule:
    """How one entity checks the version a caller last read."""

    required: bool  # False: a missing version (None) is not checked and the last save wins
    lowest: int | None  # the lowest version a caller may send (None: any whole number)
    malformed: str  # what the "version" field is told when it is missing or not a version
    stale: str  # the Conflict's sentence; {id}, {expected} and {current} are filled in


_ANNOTATION = VersionRule(
    required=True,
    lowest=None,
    malformed="is required: send the version you last read, to avoid overwriting newer work.",
    stale="Someone saved annotation #{id} after you opened it (you had version {expected}, "
    "it is now at version {current}). Reload to see their change, or save again to overwrite it.",
)

# Every entity's version policy, in one place.
VERSIONS: dict[str, VersionRule] = {
    "annotation": _ANNOTATION,
    # Deleting checks the version only when one is sent.
    "annotation deletion": replace(_ANNOTATION, required=False),
    # Reverting an annotation to one of its revisions (from its history).
    "annotation revert": VersionRule(
        required=True,
        lowest=None,
        malformed="is required: send the version of the annotation you last read.",
        stale="Someone saved annotation #{id} after you opened its history (you had version "
        "{expected}, it is now at version {current}). Reload to see it.",
    ),
    "assignment": VersionRule(
        required=True,
        lowest=None,
        malformed="is required: send the version of the assignment you last read.",
        stale="Someone changed assignment #{id} after you opened it (you had version {expected}, "
        "it is now at version {current}). Reload to see it.",
    ),
    # An article never moved has status version 0.
    "article status": VersionRule(
        required=True,
        lowest=0,
        malformed="is required: send the status version you last read (0 if new).",
        stale="Someone moved article #{id} after you opened it (you had status version "
        "{expected}, it is now at {current}). Reload to see where it stands.",
    ),
    "adjudication": VersionRule(
        required=False,
        lowest=1,
        malformed="must be the version number you last read (a whole number from 1).",
        stale="Someone changed the final verdict of sentence #{id} after you opened it "
        "(you had version {expected}, it is now at version {current}). Reload to see it.",
    ),
    "publication": VersionRule(
        required=False,
        lowest=None,
        malformed="must be a whole number.",
        stale="Someone else changed this publication since you loaded it.",
    ),
}


class Versioned(Protocol):
    version: int


def version_problem(kind: str, expected: object) -> str | None:
    """What is wrong with the version a caller sent for a `kind` (VERSIONS), or None."""
    rule = VERSIONS[kind]
    if expected is None and not rule.required:
        return None
    if (
        not isinstance(expected, int)
        or isinstance(expected, bool)
        or (rule.lowest is not None and expected < rule.lowest)
    ):
        return rule.malformed
    return None


def check_version(
    kind: str,
    expected: object,
    record: Versioned | None,
    *,
    ident: object,
    current: Callable[[Any], dict[str, Any] | None],
) -> None:
    """Invalid if the version is malformed, Conflict (with current(record)) if the record moved on.

    A missing record stands at version 0; current runs before the message is worded, so it may
    refresh the record."""
    problem = version_problem(kind, expected)
    if problem:
        raise Invalid({"version": problem})
    if expected is None or expected == (record.version if record is not None else 0):
        return
    now = current(record)
    at = record.version if record is not None else 0
    raise Conflict(
        VERSIONS[kind].stale.format(id=ident, expected=expected, current=at), current=now
    )


def flush_or_conflict(
    stale: str, *, taken: str | Callable[[IntegrityError], ServiceError] | None = None
) -> None:
    """Flush; a row someone changed at the same moment is a Conflict saying `stale`, and a unique
    key someone took at the same moment is a Conflict saying `taken` (or the error it makes).

    Word the messages before calling: after a failed flush the session must not be touched."""
    try:
        db.session.flush()
    except StaleDataError as error:
        raise Conflict(stale) from error
    except IntegrityError as error:
        if taken is None:
            raise
        raise (Conflict(taken) if isinstance(taken, str) else taken(error)) from error
