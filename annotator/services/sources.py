"""The source registry: rated outlets and their domains (the rating policy for links is
services.annotations.ratings; domain rules are text.domains; the CSV format is importers/exporters.registry_csv)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from annotator import uow
from annotator.exporters.registry_csv import write_registry_csv
from annotator.extensions import db
from annotator.fields import ADMIN, limit, writable
from annotator.importers import ImportFailure
from annotator.importers.registry_csv import read_registry_csv
from annotator.models import Credibility, Source, SourceDomain, User
from annotator.models._types import utcnow
from annotator.services import audit, guards
from annotator.services.errors import Invalid, NotFound
from annotator.services.serialize import source_data
from annotator.services.validation import Problems
from annotator.text.domains import (
    ascii_host,
    ascii_url,
    candidates,
    normalise_domain,
    split_domains,
    url_problem,
)

ADMINS_ONLY = "Only admins can change the source registry."
NOT_SETTABLE = "is not a field you can set on a source."
WRITABLE = writable("source", ADMIN)
MAX_DOMAINS = limit("source", "domains")
MAX_RATIONALE = limit("source", "rationale")
MAX_REPORTED = 10

# ---- reading -------------------------------------------------------------------------------


def get_source(source_id: int) -> Source:
    """A registry entry (retired ones too), or NotFound."""
    source = db.session.get(Source, source_id, options=[selectinload(Source.rated_by)])
    if source is None:
        raise NotFound(f"There is no source #{source_id} in the registry.")
    return source


def list_sources(
    search: str = "", *, include_retired: bool = True, limit: int = 1000, offset: int = 0
) -> list[Source]:
    """Entries whose name or a domain contains ``search``; active ones first, then by name."""
    query = db.select(Source)
    search = search.strip()[:200]
    if search:
        terms = {search}
        with contextlib.suppress(ValueError):  # a look-alike typed in Unicode finds its punycode
            terms.add(ascii_host(search.lower()))
        query = query.where(
            db.or_(
                *(Source.name.icontains(term, autoescape=True) for term in terms),
                *(
                    Source.domains.any(SourceDomain.domain.icontains(term, autoescape=True))
                    for term in terms
                ),
            )
        )
    if not include_retired:
        query = query.where(Source.retired_at.is_(None))
    query = query.options(selectinload(Source.rated_by))
    query = query.order_by(Source.retired_at.is_not(None), db.func.lower(Source.name), Source.id)
    return list(db.session.scalars(query.limit(limit).offset(offset)))


# Built once, and plain rows: every evidence link saved looks its domain up, and most find none.
_BY_DOMAINS = (
    db.select(SourceDomain.domain, Source.id)
    .join(Source)
    .where(
        SourceDomain.domain.in_(db.bindparam("domains", expanding=True)),
        Source.retired_at.is_(None),
    )
)


def lookup(url: str) -> Source | None:
    """The active registry entry that rates links to this URL: the most specific domain wins
    (an entry for uk.reuters.com before one for reuters.com); None when nothing matches."""
    if not isinstance(url, str) or url_problem(url.strip()):
        return None
    host = urlsplit(ascii_url(url.strip())).hostname or ""
    wanted = candidates(host)
    if host.startswith("www."):
        wanted.insert(1, host[4:])
    by_domain = dict(uow.run(_BY_DOMAINS, {"domains": wanted}).all())
    found = next((by_domain[c] for c in wanted if c in by_domain), None)
    return None if found is None else db.session.get(Source, found)


def history(source: Source) -> list[Any]:
    """The entry's revisions, oldest first."""
    return audit.history("source", source.id)


# ---- changing ------------------------------------------------------------------------------


def create_source(data: dict[str, Any], *, actor: User | None) -> Source:
    """Add a rated outlet to the registry (admins only)."""
    guards.require_admin(actor, ADMINS_ONLY)
    guards.refuse_unknown(data, WRITABLE, NOT_SETTABLE)
    clean = _clean(data, partial=False, current=None)
    now = utcnow()
    source = Source(
        name=clean["name"],
        credibility=clean["credibility"],
        rationale=clean["rationale"],
        rated_by=actor,
        rated_at=now,
        created_at=now,
        updated_at=now,
        domains=[SourceDomain(domain=d) for d in clean["domains"]],
    )
    db.session.add(source)
    _flush(clean)
    audit.record("source", source.id, "create", actor=actor, before=None, after=source_data(source))
    return source


def update_source(source: Source, changes: dict[str, Any], *, actor: User | None) -> Source:
    """Change an entry; a new rating records who gave it and when. Saved links keep their rating."""
    guards.require_admin(actor, ADMINS_ONLY)
    guards.refuse_unknown(changes, WRITABLE, NOT_SETTABLE)
    clean = _clean(changes, partial=True, current=source)
    before = source_data(source)
    changed = _assign(source, clean, actor=actor)
    if not changed:
        return source
    source.updated_at = utcnow()
    _flush(clean)
    audit.record(
        "source", source.id, "update", actor=actor, before=before, after=source_data(source)
    )
    return source


def retire_source(source: Source, *, actor: User | None) -> Source:
    """Take an entry out of use (soft: links that got their rating from it keep it)."""
    guards.require_admin(actor, ADMINS_ONLY)
    if source.retired_at is not None:
        raise Invalid({"id": _("“%(name)s” is already retired.", name=source.name)})
    before = source_data(source)
    source.retired_at = source.updated_at = utcnow()
    db.session.flush()
    audit.record(
        "source", source.id, "retire", actor=actor, before=before, after=source_data(source)
    )
    return source


def reinstate_source(source: Source, *, actor: User | None) -> Source:
    """Put a retired entry back in use."""
    guards.require_admin(actor, ADMINS_ONLY)
    if source.retired_at is None:
        raise Invalid({"id": _("“%(name)s” is not retired.", name=source.name)})
    before = source_data(source)
    source.retired_at = None
    source.updated_at = utcnow()
    db.session.flush()
    audit.record(
        "source", source.id, "restore", actor=actor, before=before, after=source_data(source)
    )
    return source


def _clean(data: dict[str, Any], *, partial: bool, current: Source | None) -> dict[str, Any]:
    problems = Problems()
    clean: dict[str, Any] = {}
    if not partial or "name" in data:
        clean["name"] = problems.text(
            "name", data.get("name"), required=True, limit=limit("source", "name")
        )
        if "name" not in problems:
            _check_name_free(clean["name"], current, problems)
    if not partial or "credibility" in data:
        clean["credibility"] = problems.choice("credibility", data.get("credibility"), Credibility)
    if not partial or "rationale" in data:
        clean["rationale"] = problems.text("rationale", data.get("rationale"), limit=MAX_RATIONALE)
    if not partial or "domains" in data:
        clean["domains"] = _clean_domains(data.get("domains"), current, problems)
    if problems:
        raise Invalid(problems)
    return clean


def _check_name_free(name: str, current: Source | None, problems: Problems) -> None:
    other = db.session.scalar(
        db.select(Source).where(
            db.func.lower(Source.name) == name.lower(), Source.id != (current.id if current else -1)
        )
    )
    if other is not None:
        state = " (retired)" if other.retired else ""
        problems["name"] = f"There is already a source named “{other.name}”{state}."


def _clean_domains(value: object, current: Source | None, problems: Problems) -> list[str]:
    if value is not None and not isinstance(value, str | list | tuple):
        problems["domains"] = 'must be a list of domains such as ["reuters.com"].'
        return []
    if isinstance(value, list | tuple) and not all(isinstance(v, str) for v in value):
        problems["domains"] = 'must be a list of domains (text), such as ["reuters.com"].'
        return []
    given = split_domains(value)
    if not given:
        problems["domains"] = "Give at least one domain, such as reuters.com."
        return []
    if len(given) > MAX_DOMAINS:
        problems["domains"] = f"at most {MAX_DOMAINS} domains per source (got {len(given)})."
        return []
    domains: list[str] = []
    for item in given:
        try:
            domain = normalise_domain(item)
        except ValueError as error:
            problems["domains"] = str(error)
            return []
        if domain not in domains:
            domains.append(domain)
    taken = db.session.execute(
        db.select(SourceDomain.domain, Source)
        .join(Source)
        .where(SourceDomain.domain.in_(domains), Source.id != (current.id if current else -1))
    ).first()
    if taken is not None:
        domain, other = taken
        state = " (retired: restore or edit it)" if other.retired else ""
        problems["domains"] = f"{domain} already belongs to “{other.name}”{state}."
    return domains


def _assign(source: Source, clean: dict[str, Any], *, actor: User | None) -> bool:
    changed = False
    for name in ("name", "rationale"):
        if name in clean and getattr(source, name) != clean[name]:
            setattr(source, name, clean[name])
            changed = True
    if "credibility" in clean and source.credibility != clean["credibility"]:
        source.credibility = clean["credibility"]
        source.rated_by = actor
        source.rated_at = utcnow()
        changed = True
    if "domains" in clean and source.domain_names != sorted(clean["domains"]):
        keep = {d.domain: d for d in source.domains}
        source.domains = [keep.get(d) or SourceDomain(domain=d) for d in sorted(clean["domains"])]
        changed = True
    return changed


def _flush(clean: dict[str, Any]) -> None:
    """Flush; a name or domain that another admin took a moment ago becomes a clear error."""
    guards.flush_or_conflict(
        "Someone else changed this source at the same moment; reload and try again.",
        taken=_taken,
    )


def _taken(error: IntegrityError) -> Invalid:
    field = "domains" if "domain" in str(error.orig) else "name"
    return Invalid({field: "was just taken by another entry; reload and try again."})


# ---- CSV -----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def import_sources_csv(data: bytes, filename: str, *, actor: User | None) -> ImportResult:
    """Create or update entries from a CSV (name,domains,credibility,rationale), matched by name.

    All or nothing: any bad line refuses the whole file, naming the file and line."""
    guards.require_admin(actor, ADMINS_ONLY)
    try:
        rows = read_registry_csv(data, filename)
    except ImportFailure as error:
        raise Invalid({"file": str(error)}, str(error)) from None
    result = ImportResult()
    errors: list[str] = []
    seen_names: dict[str, int] = {}
    seen_domains: dict[str, int] = {}
    for line, record in rows:
        key = record["name"].strip().lower()
        if key and key in seen_names:
            errors.append(
                f"line {line}: name: “{record['name'].strip()}” is also on line {seen_names[key]}."
            )
            continue
        seen_names[key] = line
        clash = _domain_clash(record["domains"], line, seen_domains)
        if clash:
            errors.append(clash)
            continue
        existing = (
            db.session.scalar(db.select(Source).where(db.func.lower(Source.name) == key))
            if key
            else None
        )
        try:
            if existing is None:
                create_source(record, actor=actor)
                result.created += 1
            else:
                version = existing.updated_at
                if existing.retired:
                    reinstate_source(existing, actor=actor)
                update_source(existing, record, actor=actor)
                if existing.updated_at == version:
                    result.unchanged += 1
                else:
                    result.updated += 1
        except Invalid as error:
            errors.extend(
                f"line {line}: {field}: {problem}" for field, problem in error.fields.items()
            )
            if not db.session.is_active:  # a failed flush: nothing more can be checked
                break
        if len(errors) >= MAX_REPORTED:
            break
    if errors:
        shown = errors[:MAX_REPORTED]
        more = " (and possibly more)" if len(errors) >= MAX_REPORTED else ""
        raise Invalid(
            {"file": f"{filename}: " + " ".join(shown) + more},
            f"{filename} was not imported (nothing was changed): " + " ".join(shown) + more,
        )
    return result


def _domain_clash(value: str, line: int, seen: dict[str, int]) -> str | None:
    for item in split_domains(value):
        try:
            domain = normalise_domain(item)
        except ValueError:
            return None  # the service names the problem
        if domain in seen and seen[domain] != line:
            return f"line {line}: domains: {domain} is also on line {seen[domain]}."
        seen[domain] = line
    return None


def export_sources_csv() -> str:
    """The active registry as CSV (the import's columns first), spreadsheet-safe."""
    return write_registry_csv(
        source_data(source) for source in list_sources(include_retired=False, limit=1_000_000)
    )


def insert_source(row: dict[str, Any], domains: list[str]) -> int:
    """Bulk path for loading an export: one already-checked registry entry row (its rating and
    times as exported) with its domains; its id. The caller records the revision."""
    table = Source.__table__
    source_id = db.session.execute(db.insert(table).returning(table.c.id), row).scalar_one()
    db.session.execute(
        db.insert(SourceDomain.__table__),
        [{"source_id": source_id, "domain": domain} for domain in domains],
    )
    return source_id
