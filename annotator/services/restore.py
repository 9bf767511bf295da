"""Rebuild articles, sentences, annotations, links, registry entries and revisions from our own
JSON export.

The whole document is checked before anything is written, and everything is written in the
caller's one transaction: a tampered or truncated export is refused with the line and the reason,
and changes nothing. Into an instance that holds none of the document's article, sentence and
annotation ids, the ids are kept, so exporting again gives the same document byte for byte;
otherwise new ids are given (and the summary says so). Registry entries (the export's "sources")
follow the same rule on their own ids; an entry whose name this instance already has is matched
to it, not duplicated. A link's source (an entry's name) points at the restored or matched entry;
in an older export without "sources", at an entry of that name already here, if any.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import current_app

from annotator.exporters import SCHEMA_VERSION
from annotator.extensions import db
from annotator.models import (
    Adjudication,
    Annotation,
    Article,
    Credibility,
    EvidenceLink,
    RatingOrigin,
    Revision,
    Role,
    Sentence,
    Source,
    SourceDomain,
    Stance,
    User,
    Verdict,
)
from annotator.models._types import utcnow
from annotator.services import audit, desk_exchange
from annotator.services.articles import content_hash, find_duplicate
from annotator.services.errors import Invalid
from annotator.services.sources import MAX_DOMAINS, MAX_RATIONALE, normalise_domain
from annotator.services.users import USERNAME_RE
from annotator.services.validation import url_problem

MAX_PROBLEMS = 20
UNUSABLE_PASSWORD = "!restored-account-no-password"  # noqa: S105 - not an argon2 hash: no password matches it

ARTICLE_KEYS = {
    "id",
    "title",
    "text",
    "url",
    "outlet",
    "author",
    "published_at",
    "language",
    "created_at",
    "sentences",
}
ARTICLE_OPTIONAL = {"external_id", "status", "assignments"}  # the last two: desk_exchange
SENTENCE_KEYS = {"id", "index", "paragraph", "start", "end", "text", "annotations"}
SENTENCE_OPTIONAL = {"adjudication"}
ADJUDICATION_KEYS = {"verdict", "note", "adjudicator", "version", "created_at", "updated_at"}
ANNOTATION_KEYS = {
    "id",
    "sentence_id",
    "span",
    "verdict",
    "attributed_to",
    "note",
    "links",
    "reviewer",
    "version",
    "created_at",
    "updated_at",
}
LINK_KEYS = {"url", "title", "credibility", "stance"}
LINK_OPTIONAL = {"credibility_source", "override_reason", "source"}
REVISION_KEYS = {"action", "actor", "created_at", "before", "after"}
SOURCE_KEYS = {
    "id",
    "name",
    "domains",
    "credibility",
    "rationale",
    "rated_by",
    "rated_at",
    "created_at",
    "updated_at",
    "retired_at",
}


@dataclass
class RestoreSummary:
    """What a restore wrote."""

    articles: int = 0
    sentences: int = 0
    annotations: int = 0
    adjudications: int = 0
    links: int = 0
    revisions: int = 0
    sources: int = 0  # registry entries created
    ids_kept: bool = True
    source_ids_kept: bool = True
    users_created: list[str] = field(default_factory=list)
    sources_matched: list[str] = field(default_factory=list)  # already here by name: reused
    unknown_sources: list[str] = field(default_factory=list)


def is_export_document(data: bytes) -> bool:
    """True for our JSON export: a top-level object with "schema_version" and "articles".

    Cheap: looks at the start of the file only (our exporter writes schema_version first), then
    falls back to parsing for documents whose keys were reordered.
    """
    head = data[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return False
    if re.match(rb'\{\s*"schema_version"\s*:\s*"[^"]*"\s*,\s*"articles"\s*:', head):
        return True
    try:
        document = json.loads(data)
    except ValueError:
        return False
    return isinstance(document, dict) and "schema_version" in document and "articles" in document


def restore_document(data: bytes, filename: str, *, actor: User | None) -> RestoreSummary:
    """Check an export document completely, then write it (flushes; the caller commits)."""
    document, text = _parse(data, filename)
    checker = _Checker(filename, text, current_app.config)
    articles = checker.document(document)
    checker.raise_if_any()
    checker.refuse_duplicates(articles)
    matched = checker.match_sources()
    checker.raise_if_any()
    return _write(articles, checker.sources, matched, actor=actor)


# ---------------------------------------------------------------- parsing and checking


def _parse(data: bytes, filename: str) -> tuple[Any, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise Invalid({f"{filename} line {line}": "is not valid UTF-8."}) from None
    if not text.strip():
        raise Invalid({filename: "is empty."})
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise Invalid(dict([_malformed(error, text, filename)])) from None
    except ValueError as error:  # NaN, Infinity
        raise Invalid({filename: f"malformed JSON: {error}."}) from None
    except RecursionError:
        raise Invalid({filename: "JSON is nested too deeply."}) from None
    return document, text


def _malformed(error: json.JSONDecodeError, text: str, filename: str) -> tuple[str, str]:
    """Where and why a document is not JSON; for a truncated one, where the file breaks off.

    The decoder ran out of text when it stops at the end, or on a string it never saw closed
    (it reports where that string starts, which is not where the file is cut).
    """
    end = len(text.rstrip())
    unterminated = error.msg.startswith("Unterminated string")
    if not unterminated and error.pos < end:
        where = f"{filename} line {error.lineno}"
        return where, f"malformed JSON at column {error.colno}: {error.msg}."
    line = text.count("\n", 0, end) + 1
    column = end - (text.rfind("\n", 0, end) + 1)
    if unterminated:
        detail = f"a string that starts on line {error.lineno}, column {error.colno} never ends"
    else:
        detail = f"{error.msg.lower()} next"
    return (
        f"{filename} line {line}",
        f"malformed JSON: the file breaks off after column {column}, it looks truncated ({detail}).",
    )


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON value")


def _top_level_lines(text: str) -> dict[str, list[int]]:
    """For each top-level array ("articles", "sources"), the line on which each element starts.

    Best effort, in any key order; the document has already been parsed, so it is valid JSON.
    """
    decoder = json.JSONDecoder()
    found: dict[str, list[int]] = {}
    pos, line, counted = 0, 1, 0

    def skip(pos: int, chars: str = " \t\r\n") -> int:
        while pos < len(text) and text[pos] in chars:
            pos += 1
        return pos

    def line_at(pos: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, pos)
        counted = pos
        return line

    pos = skip(pos)
    if not text.startswith("{", pos):
        return found
    pos += 1
    try:
        while True:
            pos = skip(pos, " \t\r\n,")
            if pos >= len(text) or text[pos] == "}":
                return found
            key, pos = decoder.raw_decode(text, pos)
            pos = skip(skip(pos) + 1)  # past the colon
            if not text.startswith("[", pos):
                _, pos = decoder.raw_decode(text, pos)
                continue
            lines = found[str(key)] = []
            pos += 1
            while True:
                pos = skip(pos, " \t\r\n,")
                if pos >= len(text) or text[pos] == "]":
                    pos += 1
                    break
                lines.append(line_at(pos))
                _, pos = decoder.raw_decode(text, pos)
    except ValueError:
        return found


class _Checker:
    """Collects problems as "FILE line N" -> "path: reason"."""

    def __init__(self, filename: str, text: str, config: Any) -> None:
        self.filename = filename
        self.text = text
        self.problems: dict[str, str] = {}
        self.max_text = config["MAX_ARTICLE_CHARS"]
        self.max_note = config["MAX_NOTE_CHARS"]
        self.max_links = config["MAX_LINKS"]
        self.lines: list[int] = []
        self.line = 1
        self.article_ids: set[int] = set()
        self.sentence_ids: set[int] = set()
        self.annotation_ids: set[int] = set()
        self.source_ids: set[int] = set()
        self.sources: list[dict[str, Any]] = []  # the document's registry entries, domains cleaned
        self.source_lines: list[int] = []
        self.source_names: set[str] | None = None  # None: an older export without "sources"
        self.source_paths: dict[str, str] = {}  # lower-case name -> where it first appears
        self.domain_paths: dict[str, str] = {}  # domain -> the entry that holds it

    def problem(self, path: str, reason: str) -> None:
        key = f"{self.filename} line {self.line}"
        while key in self.problems:  # several problems on one line
            key += " "
        if len(self.problems) < MAX_PROBLEMS:
            self.problems[key] = f"{path}: {reason}"

    def raise_if_any(self) -> None:
        if self.problems:
            raise Invalid(
                self.problems,
                f"{self.filename} is not a valid annotator export; nothing was imported. "
                + "; ".join(f"{k.strip()}: {v}" for k, v in list(self.problems.items())[:3]),
            )

    # --- the document

    def document(self, document: Any) -> list[dict[str, Any]]:
        if (
            not isinstance(document, dict)
            or "articles" not in document
            or "schema_version" not in document
        ):
            self.problem(
                "document",
                'must be an object with "schema_version" and "articles" (an annotator JSON export).',
            )
            return []
        if document["schema_version"] != SCHEMA_VERSION:
            self.problem(
                "schema_version",
                f"must be {SCHEMA_VERSION!r} (got {str(document['schema_version'])[:20]!r}).",
            )
        unknown = sorted(set(document) - {"schema_version", "articles", "sources"})
        if unknown:
            self.problem(unknown[0], "is not a field of an export document.")
        if not isinstance(document["articles"], list):
            self.problem("articles", "must be a list.")
            return []
        sources = document.get("sources")
        if "sources" in document and not isinstance(sources, list):
            self.problem("sources", "must be a list of registry entries.")
            return []
        lines = _top_level_lines(self.text)
        self.lines, self.source_lines = lines.get("articles", []), lines.get("sources", [])
        if sources is not None:  # links may only name entries of the document
            self.source_names = {s["name"] for s in sources if isinstance(s, dict) and "name" in s}
        for i, article in enumerate(document["articles"]):
            self.line = self.lines[i] if i < len(self.lines) else 1
            self.article(f"articles[{i}]", article)
            if len(self.problems) >= MAX_PROBLEMS:
                break
        for i, entry in enumerate(sources or []):
            self.line = self.source_lines[i] if i < len(self.source_lines) else 1
            self.source(f"sources[{i}]", entry)
            if len(self.problems) >= MAX_PROBLEMS:
                break
        return document["articles"]

    def article(self, path: str, article: Any) -> None:
        if not self.keys(path, article, ARTICLE_KEYS, ARTICLE_OPTIONAL):
            return
        self.new_id(f"{path}.id", article["id"], self.article_ids)
        self.string(f"{path}.title", article["title"], limit=500, required=True)
        text = article["text"]
        if not self.string(f"{path}.text", text, limit=self.max_text, required=True):
            return
        url = article["url"]
        if url is not None and self.string(f"{path}.url", url, limit=2000):
            problem = url_problem(url)
            if problem:
                self.problem(f"{path}.url", problem)
        for name, limit in (
            ("outlet", 200),
            ("author", 200),
            ("language", 16),
            ("external_id", 200),
        ):
            if article.get(name) is not None:
                self.string(f"{path}.{name}", article[name], limit=limit)
        if article["published_at"] is not None and self.string(
            f"{path}.published_at", article["published_at"], limit=32
        ):
            try:
                (date if len(article["published_at"]) == 10 else datetime).fromisoformat(
                    article["published_at"]
                )
            except ValueError:
                self.problem(f"{path}.published_at", "must be an ISO 8601 date.")
        self.timestamp(f"{path}.created_at", article["created_at"])
        desk_exchange.check_article(self.problem, path, article)
        sentences = article["sentences"]
        if not isinstance(sentences, list) or not sentences:
            self.problem(f"{path}.sentences", "must be a non-empty list.")
            return
        previous_end, previous_paragraph = 0, 0
        for j, sentence in enumerate(sentences):
            spath = f"{path}.sentences[{j}]"
            if not self.keys(spath, sentence, SENTENCE_KEYS, SENTENCE_OPTIONAL):
                continue
            self.new_id(f"{spath}.id", sentence["id"], self.sentence_ids)
            if sentence["index"] != j or not self.is_int(sentence["index"]):
                self.problem(
                    f"{spath}.index", f"must be {j} (sentences are listed in order from 0)."
                )
            paragraph = sentence["paragraph"]
            if not self.is_int(paragraph) or paragraph < previous_paragraph:
                self.problem(
                    f"{spath}.paragraph",
                    "must be a whole number, never less than the previous sentence's.",
                )
            else:
                previous_paragraph = paragraph
            start, end = sentence["start"], sentence["end"]
            if not (
                self.is_int(start) and self.is_int(end) and previous_end <= start < end <= len(text)
            ):
                self.problem(
                    f"{spath}.start",
                    f"start and end must be offsets with {previous_end} <= start < end <= {len(text)} "
                    "(sentences in order, not overlapping).",
                )
                continue
            previous_end = end
            if sentence["text"] != text[start:end]:
                self.problem(
                    f"{spath}.text",
                    f"differs from the article text at {start}..{end}; the file was altered.",
                )
            annotations = sentence["annotations"]
            if not isinstance(annotations, list):
                self.problem(f"{spath}.annotations", "must be a list.")
                continue
            for k, annotation in enumerate(annotations):
                self.annotation(f"{spath}.annotations[{k}]", annotation, sentence["id"], len(text))
            if sentence.get("adjudication") is not None:
                self.adjudication(f"{spath}.adjudication", sentence["adjudication"])

    def annotation(self, path: str, ann: Any, sentence_id: Any, text_length: int) -> None:
        if not self.keys(path, ann, ANNOTATION_KEYS, {"history"}):
            return
        self.new_id(f"{path}.id", ann["id"], self.annotation_ids)
        if ann["sentence_id"] != sentence_id:
            self.problem(
                f"{path}.sentence_id",
                f"must be {sentence_id}, the id of the sentence it is listed under.",
            )
        span = ann["span"]
        if span is not None and not (
            isinstance(span, dict)
            and set(span) == {"start", "end"}
            and self.is_int(span["start"])
            and self.is_int(span["end"])
            and 0 <= span["start"] < span["end"] <= text_length
        ):
            self.problem(
                f"{path}.span",
                f'must be null or {{"start": n, "end": n}} with 0 <= start < end <= {text_length}.',
            )
        self.judgement(path, ann, who="reviewer")
        self.string(f"{path}.attributed_to", ann["attributed_to"], limit=500)
        links = ann["links"]
        if not isinstance(links, list) or len(links) > self.max_links:
            self.problem(f"{path}.links", f"must be a list of at most {self.max_links} links.")
        else:
            for n, link in enumerate(links):
                self.link(f"{path}.links[{n}]", link)
        history = ann.get("history")
        if history is not None:
            if not isinstance(history, list):
                self.problem(f"{path}.history", "must be a list of revisions.")
            else:
                for n, revision in enumerate(history):
                    self.revision(f"{path}.history[{n}]", revision)

    def link(self, path: str, link: Any) -> None:
        if not self.keys(path, link, LINK_KEYS, LINK_OPTIONAL):
            return
        if self.string(f"{path}.url", link["url"], limit=2000, required=True):
            problem = url_problem(link["url"])
            if problem:
                self.problem(f"{path}.url", problem)
        self.string(f"{path}.title", link["title"], limit=500)
        if link["credibility"] not in set(Credibility):
            self.problem(f"{path}.credibility", "must be high, medium, low or unknown.")
        if link["stance"] is not None and link["stance"] not in set(Stance):
            self.problem(f"{path}.stance", "must be supports, refutes, context or null.")
        if "credibility_source" in link and link["credibility_source"] not in set(RatingOrigin):
            self.problem(f"{path}.credibility_source", "must be registry or reviewer.")
        if "override_reason" in link:
            self.string(f"{path}.override_reason", link["override_reason"], limit=self.max_note)
        source = link.get("source")
        if source is None or not self.string(f"{path}.source", source, limit=200):
            return
        if self.source_names is not None and source not in self.source_names:
            self.problem(
                f"{path}.source", f"names “{source[:60]}”, which is not among the export's sources."
            )

    def source(self, path: str, entry: Any) -> None:
        """A registry entry: checked like the registry's own form, then kept with clean domains."""
        if not self.keys(path, entry, SOURCE_KEYS, {"history"}):
            return
        ok = len(self.problems)
        self.new_id(f"{path}.id", entry["id"], self.source_ids)
        if self.string(f"{path}.name", entry["name"], limit=200, required=True):
            key = entry["name"].strip().lower()
            if key in self.source_paths:
                self.problem(f"{path}.name", f"is also the name of {self.source_paths[key]}.")
            else:
                self.source_paths[key] = path
        domains = entry["domains"]
        cleaned: list[str] = []
        if not (isinstance(domains, list) and 0 < len(domains) <= MAX_DOMAINS):
            self.problem(f"{path}.domains", f"must be a list of 1 to {MAX_DOMAINS} domains.")
        else:
            for n, domain in enumerate(domains):
                where = f"{path}.domains[{n}]"
                if not self.string(where, domain, limit=253, required=True):
                    continue
                try:
                    clean = normalise_domain(domain)
                except ValueError as error:
                    self.problem(where, str(error))
                    continue
                if clean in self.domain_paths:
                    self.problem(where, f"{clean} is also a domain of {self.domain_paths[clean]}.")
                    continue
                self.domain_paths[clean] = path
                cleaned.append(clean)
        if entry["credibility"] not in set(Credibility):
            self.problem(
                f"{path}.credibility",
                f"must be high, medium, low or unknown (got {str(entry['credibility'])[:40]!r}).",
            )
        self.string(f"{path}.rationale", entry["rationale"], limit=MAX_RATIONALE)
        rated_by = entry["rated_by"]
        if rated_by is not None and not (isinstance(rated_by, str) and USERNAME_RE.match(rated_by)):
            self.problem(f"{path}.rated_by", "must be a username or null.")
        for name in ("rated_at", "created_at", "updated_at"):
            self.timestamp(f"{path}.{name}", entry[name])
        if entry["retired_at"] is not None:
            self.timestamp(f"{path}.retired_at", entry["retired_at"])
        history = entry.get("history")
        if history is not None:
            if not isinstance(history, list):
                self.problem(f"{path}.history", "must be a list of revisions.")
            else:
                for n, revision in enumerate(history):
                    self.revision(f"{path}.history[{n}]", revision)
        if len(self.problems) == ok:
            self.sources.append({**entry, "domains": sorted(cleaned)})

    def adjudication(self, path: str, adj: Any) -> None:
        if not self.keys(path, adj, ADJUDICATION_KEYS):
            return
        self.judgement(path, adj, who="adjudicator")

    def judgement(self, path: str, item: dict[str, Any], *, who: str) -> None:
        """What annotations and final verdicts share: verdict, note, author, version, times."""
        if item["verdict"] not in set(Verdict):
            self.problem(
                f"{path}.verdict",
                f"must be verified, unproven or disputed (got {str(item['verdict'])[:40]!r}).",
            )
        self.string(f"{path}.note", item["note"], limit=self.max_note)
        if not (isinstance(item[who], str) and USERNAME_RE.match(item[who])):
            self.problem(
                f"{path}.{who}",
                "must be a username (2 to 64 letters, digits, dots, dashes or underscores).",
            )
        if not self.is_int(item["version"]) or item["version"] < 1:
            self.problem(f"{path}.version", "must be a whole number from 1.")
        self.timestamp(f"{path}.created_at", item["created_at"])
        self.timestamp(f"{path}.updated_at", item["updated_at"])

    def revision(self, path: str, revision: Any) -> None:
        if not self.keys(path, revision, REVISION_KEYS):
            return
        if not (isinstance(revision["action"], str) and 0 < len(revision["action"]) <= 16):
            self.problem(f"{path}.action", "must be a short word such as create or update.")
        actor = revision["actor"]
        if actor is not None and not (isinstance(actor, str) and USERNAME_RE.match(actor)):
            self.problem(f"{path}.actor", "must be a username or null.")
        self.timestamp(f"{path}.created_at", revision["created_at"])
        for name in ("before", "after"):
            if revision[name] is not None and not isinstance(revision[name], dict):
                self.problem(f"{path}.{name}", "must be an object or null.")

    # --- small checks

    def keys(
        self, path: str, value: Any, required: set[str], optional: set[str] = frozenset()
    ) -> bool:  # type: ignore[assignment]
        if not isinstance(value, dict):
            self.problem(path, "must be an object.")
            return False
        missing = sorted(required - set(value))
        if missing:
            self.problem(f"{path}.{missing[0]}", "is missing.")
            return False
        unknown = sorted(set(value) - required - optional)
        if unknown:
            self.problem(f"{path}.{unknown[0]}", "is not a field of an annotator export.")
            return False
        return True

    @staticmethod
    def is_int(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    def new_id(self, path: str, value: Any, seen: set[int]) -> None:
        if not self.is_int(value) or value < 1:
            self.problem(path, "must be a whole number from 1.")
        elif value in seen:
            self.problem(path, f"{value} appears twice.")
        else:
            seen.add(value)

    def string(self, path: str, value: Any, *, limit: int, required: bool = False) -> bool:
        if not isinstance(value, str):
            self.problem(path, "must be text.")
            return False
        if required and not value.strip():
            self.problem(path, "must not be empty.")
            return False
        if len(value) > limit:
            self.problem(path, f"is {len(value):,} characters long; the limit is {limit:,}.")
            return False
        if "\x00" in value:
            self.problem(path, "contains a NUL character.")
            return False
        return True

    def timestamp(self, path: str, value: Any) -> None:
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            self.problem(path, "must be an ISO 8601 date and time with its UTC offset.")

    def match_sources(self) -> dict[str, int]:
        """The document's entry names this instance already has (any case) -> their ids.

        The other entries are new: their domains must be free here, and their ids are kept when
        none of them is taken.
        """
        if not self.sources:
            return {}
        existing = {
            name.lower(): id_ for name, id_ in db.session.execute(db.select(Source.name, Source.id))
        }
        matched = {
            e["name"]: existing[e["name"].strip().lower()]
            for e in self.sources
            if e["name"].strip().lower() in existing
        }
        # Checked only when every entry is valid, so the list's order is the document's.
        wanted = {
            domain: i
            for i, entry in enumerate(self.sources)
            if entry["name"] not in matched
            for domain in entry["domains"]
        }
        domains = sorted(wanted)
        taken = []
        for start in range(0, len(domains), 1000):
            taken += db.session.execute(
                db.select(SourceDomain.domain, Source.name)
                .join(Source)
                .where(SourceDomain.domain.in_(domains[start : start + 1000]))
            ).all()
        for domain, owner in sorted(taken):
            index = wanted[domain]
            self.line = self.source_lines[index] if index < len(self.source_lines) else 1
            self.problem(
                f"sources[{index}].domains",
                f"{domain} already belongs to the source “{owner}” here; "
                "rename one of them or remove the domain.",
            )
        return matched

    def refuse_duplicates(self, articles: list[dict[str, Any]]) -> None:
        for i, article in enumerate(articles):
            self.line = self.lines[i] if i < len(self.lines) else 1
            existing = find_duplicate(article)
            if existing is not None:
                self.problem(
                    f"articles[{i}]",
                    f"is already here as article #{existing.id} “{existing.title[:60]}” (same text, URL or external id).",
                )


# ---------------------------------------------------------------- writing


def _write(
    articles: list[dict[str, Any]],
    entries: list[dict[str, Any]],
    matched: dict[str, int],
    *,
    actor: User | None,
) -> RestoreSummary:
    summary = RestoreSummary()
    summary.ids_kept = not _ids_taken(articles)
    new_entries = [entry for entry in entries if entry["name"] not in matched]
    summary.sources_matched = [entry["name"] for entry in entries if entry["name"] in matched]
    summary.source_ids_kept = not _source_ids_taken(new_entries)
    users = _users_for(articles, new_entries, summary)
    sources = {name: id_ for name, id_ in db.session.execute(db.select(Source.name, Source.id))}
    sources |= matched | _write_sources(new_entries, users, summary, actor=actor)
    session = db.session
    article_table, sentence_table = Article.__table__, Sentence.__table__
    for article in articles:
        created = datetime.fromisoformat(article["created_at"])
        row = {
            "title": article["title"],
            "text": article["text"],
            "url": article["url"],
            "outlet": article["outlet"],
            "author": article["author"],
            "published_at": article["published_at"],
            "language": article["language"],
            "external_id": article.get("external_id"),
            "content_hash": content_hash(article["text"]),
            "imported_by_id": actor.id if actor else None,
            "created_at": created,
            "updated_at": created,
        }
        if summary.ids_kept:
            row["id"] = article["id"]
        article_id = session.execute(
            db.insert(article_table).returning(article_table.c.id), row
        ).scalar_one()
        sentence_rows = [
            {
                **({"id": s["id"]} if summary.ids_kept else {}),
                "article_id": article_id,
                "position": s["index"],
                "paragraph": s["paragraph"],
                "start_offset": s["start"],
                "end_offset": s["end"],
            }
            for s in article["sentences"]
        ]
        sentence_ids = _insert_many(sentence_table, sentence_rows)
        summary.sentences += len(sentence_ids)
        for sentence, sentence_id in zip(article["sentences"], sentence_ids, strict=True):
            for ann in sentence["annotations"]:
                _write_annotation(ann, sentence_id, users, sources, summary, actor=actor)
            if sentence.get("adjudication") is not None:
                _write_adjudication(
                    sentence["adjudication"], sentence_id, users, summary, actor=actor
                )
        desk_exchange.write_article(article_id, article, users, actor=actor)
        audit.record(
            "article",
            article_id,
            "import",
            actor=actor,
            before=None,
            after={
                "title": article["title"],
                "exported_id": article["id"],
                "sentences": len(sentence_ids),
            },
        )
        summary.articles += 1
    session.flush()
    _advance_sequences(
        (["articles", "sentences", "annotations"] if summary.ids_kept else [])
        + (["sources"] if summary.source_ids_kept and new_entries else [])
    )
    return summary


def _write_sources(
    entries: list[dict[str, Any]],
    users: dict[str, int],
    summary: RestoreSummary,
    *,
    actor: User | None,
) -> dict[str, int]:
    """Create the registry entries this instance lacks, with their domains and history; name -> id."""
    table, ids = Source.__table__, {}
    for entry in entries:
        row = {
            "name": entry["name"],
            "credibility": entry["credibility"],
            "rationale": entry["rationale"],
            "rated_by_id": users[entry["rated_by"]] if entry["rated_by"] else None,
            **{
                name: datetime.fromisoformat(entry[name]) if entry[name] else None
                for name in ("rated_at", "created_at", "updated_at", "retired_at")
            },
        }
        if summary.source_ids_kept:
            row["id"] = entry["id"]
        source_id = db.session.execute(db.insert(table).returning(table.c.id), row).scalar_one()
        ids[entry["name"]] = source_id
        db.session.execute(
            db.insert(SourceDomain.__table__),
            [{"source_id": source_id, "domain": domain} for domain in entry["domains"]],
        )
        if "history" in entry:
            summary.revisions += _write_history(
                "source",
                source_id,
                entry["history"],
                users,
                functools.partial(_with_id, old_id=entry["id"], new_id=source_id),
            )
        else:  # no history in the file: record where this entry came from
            state = {key: entry[key] for key in SOURCE_KEYS} | {"id": source_id}
            audit.record("source", source_id, "import", actor=actor, before=None, after=state)
            summary.revisions += 1
        summary.sources += 1
    return ids


def _write_history(
    entity: str,
    entity_id: int,
    history: list[dict[str, Any]],
    users: dict[str, int],
    renumber: Callable[[dict[str, Any] | None], dict[str, Any] | None],
) -> int:
    """Insert an entity's revisions from the file, snapshots under its new ids; how many."""
    rows = [
        {
            "entity": entity,
            "entity_id": entity_id,
            "action": revision["action"],
            "actor_id": users.get(revision["actor"]) if revision["actor"] else None,
            "created_at": datetime.fromisoformat(revision["created_at"]),
            "before": renumber(revision["before"]),
            "after": renumber(revision["after"]),
        }
        for revision in history
    ]
    if rows:
        db.session.execute(db.insert(Revision.__table__), rows)
    return len(rows)


def _with_id(state: dict[str, Any] | None, old_id: int, new_id: int) -> dict[str, Any] | None:
    """A registry entry's snapshot under its new id (unchanged when ids are kept)."""
    if state is None or old_id == new_id or state.get("id") != old_id:
        return state
    return dict(state, id=new_id)


def _write_annotation(
    ann: dict[str, Any],
    sentence_id: int,
    users: dict[str, int],
    sources: dict[str, int],
    summary: RestoreSummary,
    *,
    actor: User | None,
) -> None:
    table = Annotation.__table__
    span = ann["span"] or {"start": None, "end": None}
    row = {
        "sentence_id": sentence_id,
        "reviewer_id": users[ann["reviewer"]],
        "span_start": span["start"],
        "span_end": span["end"],
        "verdict": ann["verdict"],
        "attributed_to": ann["attributed_to"],
        "note": ann["note"],
        "version": ann["version"],
        "created_at": datetime.fromisoformat(ann["created_at"]),
        "updated_at": datetime.fromisoformat(ann["updated_at"]),
    }
    if summary.ids_kept:
        row["id"] = ann["id"]
    annotation_id = db.session.execute(db.insert(table).returning(table.c.id), row).scalar_one()
    links = []
    for position, link in enumerate(ann["links"]):
        source = link.get("source")
        if source is not None and source not in sources and source not in summary.unknown_sources:
            summary.unknown_sources.append(source)
        links.append(
            {
                "annotation_id": annotation_id,
                "position": position,
                "url": link["url"],
                "title": link["title"],
                "credibility": link["credibility"],
                "stance": link["stance"],
                "credibility_source": link.get("credibility_source", RatingOrigin.REVIEWER.value),
                "override_reason": link.get("override_reason", ""),
                "source_id": sources.get(source) if source else None,
            }
        )
    if links:
        db.session.execute(db.insert(EvidenceLink.__table__), links)
    summary.links += len(links)
    summary.annotations += 1
    if "history" in ann:
        summary.revisions += _write_history(
            "annotation",
            annotation_id,
            ann["history"],
            users,
            lambda state: _renumbered(state, ann["id"], annotation_id, sentence_id),
        )
    else:  # no history in the file: record where this annotation came from
        state = {key: ann[key] for key in ann if key != "history"} | {
            "id": annotation_id,
            "sentence_id": sentence_id,
        }
        audit.record("annotation", annotation_id, "import", actor=actor, before=None, after=state)
        summary.revisions += 1


def _write_adjudication(
    adj: dict[str, Any],
    sentence_id: int,
    users: dict[str, int],
    summary: RestoreSummary,
    *,
    actor: User | None,
) -> None:
    """A sentence's final verdict, as exported; its import is recorded as a revision."""
    table = Adjudication.__table__
    row = {
        "sentence_id": sentence_id,
        "verdict": adj["verdict"],
        "note": adj["note"],
        "adjudicator_id": users[adj["adjudicator"]],
        "version": adj["version"],
        "created_at": datetime.fromisoformat(adj["created_at"]),
        "updated_at": datetime.fromisoformat(adj["updated_at"]),
    }
    adjudication_id = db.session.execute(db.insert(table).returning(table.c.id), row).scalar_one()
    audit.record(
        "adjudication",
        adjudication_id,
        "import",
        actor=actor,
        before=None,
        after=dict(adj, id=adjudication_id, sentence_id=sentence_id),
    )
    summary.adjudications += 1
    summary.revisions += 1


def _renumbered(
    state: dict[str, Any] | None, old_id: int, new_id: int, sentence_id: int
) -> dict[str, Any] | None:
    """A revision's snapshot with the annotation's new ids (unchanged when ids are kept)."""
    if state is None or (state.get("id") == new_id and state.get("sentence_id") == sentence_id):
        return state
    state = dict(state)
    if state.get("id") == old_id:
        state["id"] = new_id
    if "sentence_id" in state:
        state["sentence_id"] = sentence_id
    return state


def _insert_many(table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows in one statement; their ids in the rows' order."""
    if not rows:
        return []
    result = db.session.execute(
        db.insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return list(result.scalars())


def _ids_taken(articles: list[dict[str, Any]]) -> bool:
    """Does this instance already hold any of the document's article, sentence or annotation ids?"""
    groups: dict[Any, list[int]] = {Article.id: [], Sentence.id: [], Annotation.id: []}
    for article in articles:
        groups[Article.id].append(article["id"])
        for sentence in article["sentences"]:
            groups[Sentence.id].append(sentence["id"])
            groups[Annotation.id].extend(ann["id"] for ann in sentence["annotations"])
    for column, ids in groups.items():
        for start in range(0, len(ids), 1000):
            if (
                db.session.scalar(
                    db.select(column).where(column.in_(ids[start : start + 1000])).limit(1)
                )
                is not None
            ):
                return True
    return False


def _source_ids_taken(entries: list[dict[str, Any]]) -> bool:
    """Does this instance already hold any of these registry entries' ids?"""
    ids = [entry["id"] for entry in entries]
    return any(
        db.session.scalar(
            db.select(Source.id).where(Source.id.in_(ids[start : start + 1000])).limit(1)
        )
        is not None
        for start in range(0, len(ids), 1000)
    )


def _users_for(
    articles: list[dict[str, Any]], entries: list[dict[str, Any]], summary: RestoreSummary
) -> dict[str, int]:
    """username -> user id; unknown names become deactivated reviewer accounts without a password."""
    names: set[str] = set()
    for entry in entries:
        if entry["rated_by"]:
            names.add(entry["rated_by"])
        names.update(r["actor"] for r in entry.get("history") or [] if r["actor"])
    for article in articles:
        names.update(desk_exchange.user_names(article))
        for sentence in article["sentences"]:
            if sentence.get("adjudication") is not None:
                names.add(sentence["adjudication"]["adjudicator"])
            for ann in sentence["annotations"]:
                names.add(ann["reviewer"])
                names.update(r["actor"] for r in ann.get("history") or [] if r["actor"])
    rows = db.session.execute(
        db.select(User.username, User.id).where(User.username.in_(sorted(names)))
    )
    users = {name: user_id for name, user_id in rows}
    for name in sorted(names - set(users)):
        user = User(
            username=name,
            password_hash=UNUSABLE_PASSWORD,
            role=Role.REVIEWER,
            active=False,
            created_at=utcnow(),
        )
        db.session.add(user)
        db.session.flush()
        users[name] = user.id
        summary.users_created.append(name)
    return users


def _advance_sequences(tables: list[str]) -> None:
    """PostgreSQL: move these tables' id sequences past the ids we wrote (SQLite needs nothing)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(
            db.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed table names
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )
