"""The source registry: rated outlets and their domains, the default rating of evidence links."""

from __future__ import annotations

import contextlib
import csv
import io
import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import tldextract
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from annotator.exporters.csv_format import neutralise
from annotator.extensions import db
from annotator.models import Credibility, EvidenceLink, RatingOrigin, Source, SourceDomain, User
from annotator.models._types import utcnow
from annotator.services import audit
from annotator.services.errors import Forbidden, Invalid, NotFound
from annotator.services.validation import Problems, ascii_host, ascii_url, url_problem

CSV_COLUMNS = ("name", "domains", "credibility", "rationale")
# Written by the export for people to read; the import accepts and ignores them.
CSV_INFO_COLUMNS = ("rated_by", "rated_at")
WRITABLE = ("name", "domains", "credibility", "rationale")
MAX_DOMAINS = 50
MAX_RATIONALE = 5000
MAX_REASON = 1000
MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_CSV_ROWS = 5000
MAX_REPORTED = 10

# The public suffix list bundled with tldextract: never fetched over the network, never cached on
# disk. Private suffixes (blogspot.com, github.io) count as suffixes, so one person's blog is its
# own site and a rating on it never spreads to everyone hosted there.
_extract = tldextract.TLDExtract(
    cache_dir=None, suffix_list_urls=(), include_psl_private_domains=True
)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_SEPARATORS = re.compile(r"[\s,;|]+")


# ---- domains -------------------------------------------------------------------------------


def normalise_domain(value: str) -> str:
    """The registry form of a domain (or of a URL's host): lower case, punycode, no "www.".

    Raises ValueError with a sentence naming what is wrong."""
    text = value.strip()
    if "://" in text:
        problem = url_problem(text)
        if problem:
            raise ValueError(f"{text[:80]!r} {problem}")
        text = urlsplit(text).hostname or ""
    else:
        text = text.split("/", 1)[0]
    text = text.strip().rstrip(".").lower()
    if not text:
        raise ValueError("is empty.")
    if len(text) > 253:
        raise ValueError(f"{text[:40]}... is longer than a domain name can be (253 characters).")
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        pass
    else:
        raise ValueError(
            f"{text} is an IP address; give the outlet's domain name, such as reuters.com."
        )
    try:
        host = ascii_host(text).lower()
    except ValueError as error:
        raise ValueError(f"{text} is not a valid domain name ({error}).") from None
    if host.startswith("www."):
        host = host[4:]
    if not all(_LABEL.match(label) for label in host.split(".")):
        raise ValueError(
            f"{host} is not a valid domain name (letters, digits and hyphens between dots)."
        )
    parts = _extract(host)
    if not parts.suffix:
        raise ValueError(f"{host} does not end in a known public suffix such as .com or .co.uk.")
    if not parts.domain:
        raise ValueError(
            f"{host} is a public suffix that anyone can register under; give the outlet's own domain, "
            "such as reuters.com or someone.blogspot.com."
        )
    return host


def registered_domain(host: str) -> str | None:
    """The domain a host belongs to under the public suffix list (uk.reuters.com -> reuters.com)."""
    parts = _extract(host)
    if not parts.suffix or not parts.domain:
        return None
    return f"{parts.domain}.{parts.suffix}"


def _candidates(host: str) -> list[str]:
    """The host, then each parent down to its registered domain: the most specific first."""
    host = host.lower().rstrip(".")
    top = registered_domain(host)
    if top is None:
        return [host]
    found = [host]
    while host != top and "." in host:
        host = host.split(".", 1)[1]
        found.append(host)
    return found


def split_domains(value: object) -> list[str]:
    """Domains given as a list or as text separated by commas, spaces, semicolons or newlines."""
    if isinstance(value, str):
        return [part for part in _SEPARATORS.split(value) if part]
    if isinstance(value, list | tuple):
        return [part.strip() for part in value if isinstance(part, str) and part.strip()]
    return []


# ---- reading -------------------------------------------------------------------------------


def source_state(source: Source) -> dict[str, Any]:
    """A registry entry as plain data: what revisions store and the API returns."""
    return {
        "id": source.id,
        "name": source.name,
        "domains": source.domain_names,
        "credibility": str(source.credibility),
        "rationale": source.rationale,
        "rated_by": source.rated_by.username if source.rated_by else None,
        "rated_at": source.rated_at.isoformat(),
        "created_at": source.created_at.isoformat(),
        "updated_at": source.updated_at.isoformat(),
        "retired_at": source.retired_at.isoformat() if source.retired_at else None,
    }


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


def lookup(url: str) -> Source | None:
    """The active registry entry that rates links to this URL: the most specific domain wins
    (an entry for uk.reuters.com before one for reuters.com); None when nothing matches."""
    if not isinstance(url, str) or url_problem(url.strip()):
        return None
    host = urlsplit(ascii_url(url.strip())).hostname or ""
    candidates = _candidates(host)
    if host.startswith("www."):
        candidates.insert(1, host[4:])
    rows = db.session.execute(
        db.select(SourceDomain.domain, Source)
        .join(Source)
        .where(SourceDomain.domain.in_(candidates), Source.retired_at.is_(None))
    ).all()
    by_domain = {domain: source for domain, source in rows}
    return next((by_domain[c] for c in candidates if c in by_domain), None)


def history(source: Source) -> list[Any]:
    """The entry's revisions, oldest first."""
    return audit.history("source", source.id)


# ---- changing ------------------------------------------------------------------------------


def create_source(data: dict[str, Any], *, actor: User | None) -> Source:
    """Add a rated outlet to the registry (admins only)."""
    _require_admin(actor)
    _refuse_unknown(data)
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
    audit.record(
        "source", source.id, "create", actor=actor, before=None, after=source_state(source)
    )
    return source


def update_source(source: Source, changes: dict[str, Any], *, actor: User | None) -> Source:
    """Change an entry; a new rating records who gave it and when. Saved links keep their rating."""
    _require_admin(actor)
    _refuse_unknown(changes)
    clean = _clean(changes, partial=True, current=source)
    before = source_state(source)
    changed = _assign(source, clean, actor=actor)
    if not changed:
        return source
    source.updated_at = utcnow()
    _flush(clean)
    audit.record(
        "source", source.id, "update", actor=actor, before=before, after=source_state(source)
    )
    return source


def retire_source(source: Source, *, actor: User | None) -> Source:
    """Take an entry out of use (soft: links that got their rating from it keep it)."""
    _require_admin(actor)
    if source.retired_at is not None:
        raise Invalid({"id": f"“{source.name}” is already retired."})
    before = source_state(source)
    source.retired_at = source.updated_at = utcnow()
    db.session.flush()
    audit.record(
        "source", source.id, "retire", actor=actor, before=before, after=source_state(source)
    )
    return source


def restore_source(source: Source, *, actor: User | None) -> Source:
    """Put a retired entry back in use."""
    _require_admin(actor)
    if source.retired_at is None:
        raise Invalid({"id": f"“{source.name}” is not retired."})
    before = source_state(source)
    source.retired_at = None
    source.updated_at = utcnow()
    db.session.flush()
    audit.record(
        "source", source.id, "restore", actor=actor, before=before, after=source_state(source)
    )
    return source


def _require_admin(actor: User | None) -> None:
    if actor is None or not actor.is_admin:
        raise Forbidden("Only admins can change the source registry.")


def _refuse_unknown(data: dict[str, Any]) -> None:
    unknown = sorted(set(data) - set(WRITABLE))
    if unknown:
        raise Invalid({name: "is not a field you can set on a source." for name in unknown})


def _clean(data: dict[str, Any], *, partial: bool, current: Source | None) -> dict[str, Any]:
    problems = Problems()
    clean: dict[str, Any] = {}
    if not partial or "name" in data:
        clean["name"] = problems.text("name", data.get("name"), required=True, limit=200)
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
    try:
        db.session.flush()
    except IntegrityError as error:
        field = "domains" if "domain" in str(error.orig) else "name"
        raise Invalid({field: "was just taken by another entry; reload and try again."}) from error


# ---- evidence links ------------------------------------------------------------------------


def rate_links(
    links: Sequence[dict[str, Any]], *, previous: Iterable[EvidenceLink]
) -> list[dict[str, Any]]:
    """Give each cleaned link its stored rating.

    - A link already saved on the annotation (same URL) and sent back with its rating keeps the
      rating, where it came from and the reason: registry changes never rewrite saved links.
    - A new link without a rating (or with the editor's blank "unknown") gets the registry's rating.
    - A rating that differs from the registry's needs an ``override_reason``.
    - Without a registry match the rating is the reviewer's, "unknown" when none is given.
    """
    saved: dict[str, EvidenceLink] = {}
    for link in previous:
        saved.setdefault(link.url, link)
    problems = Problems()
    rated = []
    for i, link in enumerate(links):
        given: Credibility | None = link.get("credibility")
        reason: str = link.get("override_reason") or ""
        old = saved.get(link["url"])
        base = {key: link.get(key) for key in ("url", "title", "stance")}
        if old is not None and given in (None, old.credibility):
            keep_reason = (
                reason
                if reason and old.credibility_source == RatingOrigin.REVIEWER
                else old.override_reason
            )
            rated.append(
                base
                | {
                    "credibility": old.credibility,
                    "credibility_source": old.credibility_source,
                    "override_reason": keep_reason,
                    "source": old.source,
                }
            )
            continue
        source = lookup(link["url"])
        if source is not None and (given is None or (given == Credibility.UNKNOWN and old is None)):
            given = source.credibility
        if source is not None and given == source.credibility:
            rated.append(
                base
                | {
                    "credibility": given,
                    "credibility_source": RatingOrigin.REGISTRY,
                    "override_reason": "",
                    "source": source,
                }
            )
            continue
        if source is not None and not reason:
            problems[f"links[{i}].override_reason"] = (
                f"The registry rates {source.name} {source.credibility}; give a reason for rating "
                f"this link {given} instead (or choose {source.credibility})."
            )
            continue
        rated.append(
            base
            | {
                "credibility": given or Credibility.UNKNOWN,
                "credibility_source": RatingOrigin.REVIEWER,
                "override_reason": reason,
                "source": source,
            }
        )
    if problems:
        raise Invalid(problems)
    return rated


# ---- CSV -----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def import_sources_csv(data: bytes, filename: str, *, actor: User | None) -> ImportResult:
    """Create or update entries from a CSV (name,domains,credibility,rationale), matched by name.

    All or nothing: any bad line refuses the whole file, naming the file and line."""
    _require_admin(actor)
    rows = _read_csv(data, filename)
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
                    restore_source(existing, actor=actor)
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


def _read_csv(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    def refuse(problem: str) -> Invalid:
        return Invalid({"file": f"{filename}: {problem}"}, f"{filename}: {problem}")

    if not data.strip():
        raise refuse("the file is empty.")
    if len(data) > MAX_CSV_BYTES:
        raise refuse(f"the file is {len(data):,} bytes; the limit is {MAX_CSV_BYTES:,}.")
    if b"\x00" in data:
        raise refuse("this is not a CSV text file (it contains NUL bytes).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise refuse(f"line {line}: not UTF-8 text; save the file as CSV UTF-8.") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        raise refuse(f"line {reader.line_num}: {error}.") from None
    names = [cell.strip().lower() for cell in header]
    missing = [c for c in CSV_COLUMNS if c not in names]
    if missing:
        raise refuse(
            f"line 1: the header row must name the columns {','.join(CSV_COLUMNS)} "
            f"(missing: {', '.join(missing)})."
        )
    unknown = [c for c in names if c not in CSV_COLUMNS + CSV_INFO_COLUMNS]
    if unknown:
        raise refuse(
            f"line 1: unknown column {unknown[0]!r}; the columns are {','.join(CSV_COLUMNS)}."
        )
    rows: list[tuple[int, dict[str, str]]] = []
    while True:
        line = reader.line_num + 1  # where the row starts (a quoted cell may span lines)
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise refuse(f"line {line}: {error} (is a quote left open?).") from None
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            raise refuse(f"line {line}: {len(cells)} cells, but the header has {len(names)}.")
        if len(rows) >= MAX_CSV_ROWS:
            raise refuse(f"more than {MAX_CSV_ROWS:,} rows; split the file.")
        record = dict(zip(names, cells, strict=True))
        rows.append((line, {c: _unquote(record[c]) for c in CSV_COLUMNS}))
    if not rows:
        raise refuse("there are no rows below the header.")
    return rows


def _unquote(cell: str) -> str:
    """Undo the export's formula guard: a leading apostrophe before = + - @ is ours."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r\n":
        return cell[1:]
    return cell


def export_sources_csv() -> str:
    """The active registry as CSV (the import's columns first), spreadsheet-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS + CSV_INFO_COLUMNS)
    for source in list_sources(include_retired=False, limit=1_000_000):
        writer.writerow(
            [
                neutralise(cell)
                for cell in (
                    source.name,
                    ", ".join(source.domain_names),
                    str(source.credibility),
                    source.rationale,
                    source.rated_by.username if source.rated_by else "",
                    source.rated_at.isoformat(),
                )
            ]
        )
    return buffer.getvalue()
