"""Read our own JSON export (schema 1.0) back: parse it and check every field against the field
table, naming the file, line and path of each problem. Pure: no Flask, no models, no database.

The services' loader (services.reload) adds what needs the database (duplicates, taken domains) and
writes the records through the domain services' bulk paths.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from annotator.enums import Credibility, RatingOrigin, Stance, Verdict
from annotator.exporters import SCHEMA_VERSION
from annotator.fields import (
    ANNOTATION,
    ARTICLE,
    DOMAIN,
    USERNAME_RE,
    export_keys,
    limit,
)
from annotator.text.domains import normalise_domain, url_problem

MAX_PROBLEMS = 20

ARTICLE_KEYS, ARTICLE_OPTIONAL = export_keys("article")
SENTENCE_KEYS, SENTENCE_OPTIONAL = export_keys("sentence")
ANNOTATION_KEYS, ANNOTATION_OPTIONAL = export_keys("annotation")
ADJUDICATION_KEYS, _ = export_keys("adjudication")
LINK_KEYS, LINK_OPTIONAL = export_keys("link")
SOURCE_KEYS, SOURCE_OPTIONAL = export_keys("source")
REVISION_KEYS, _ = export_keys("revision")


class ExportDocumentError(Exception):
    """The document is not a valid export: problems as "FILE line N" -> "path: reason"."""

    def __init__(self, problems: dict[str, str], message: str | None = None) -> None:
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems
        self.message = message  # None: the caller words the summary


@dataclass(frozen=True)
class Limits:
    """The limits this instance sets in its config (the field table's defaults otherwise)."""

    text: int = ARTICLE["text"].limit or 0
    note: int = ANNOTATION["note"].limit or 0
    links: int = ANNOTATION["links"].limit or 0

    @classmethod
    def of(cls, config: Any) -> Limits:
        """The limits of an app config (a mapping)."""
        return cls(
            text=ARTICLE["text"].limit_in(config) or 0,
            note=ANNOTATION["note"].limit_in(config) or 0,
            links=ANNOTATION["links"].limit_in(config) or 0,
        )


@dataclass
class ExportDocument:
    """A checked export: its articles as given, its registry entries with clean domains."""

    filename: str
    articles: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    checker: DocumentChecker = field(repr=False)


def read_export_document(data: bytes, filename: str, limits: Limits = Limits()) -> ExportDocument:  # noqa: B008 - frozen
    """Parse and check a whole export document; raise ExportDocumentError naming every problem
    (up to MAX_PROBLEMS) with its line."""
    document, text = _parse(data, filename)
    checker = DocumentChecker(filename, text, limits)
    articles = checker.document(document)
    checker.raise_if_any()
    return ExportDocument(filename, articles, checker.sources, checker)


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


def _parse(data: bytes, filename: str) -> tuple[Any, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ExportDocumentError({f"{filename} line {line}": "is not valid UTF-8."}) from None
    if not text.strip():
        raise ExportDocumentError({filename: "is empty."})
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ExportDocumentError(dict([_malformed(error, text, filename)])) from None
    except ValueError as error:  # NaN, Infinity
        raise ExportDocumentError({filename: f"malformed JSON: {error}."}) from None
    except RecursionError:
        raise ExportDocumentError({filename: "JSON is nested too deeply."}) from None
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


class DocumentChecker:
    """Collects problems as "FILE line N" -> "path: reason"."""

    def __init__(self, filename: str, text: str, limits: Limits) -> None:
        self.filename = filename
        self.text = text
        self.problems: dict[str, str] = {}
        self.max_text = limits.text
        self.max_note = limits.note
        self.max_links = limits.links
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

    def at(self, kind: str, index: int) -> None:
        """Report the next problems at the line of the index-th article or registry entry."""
        lines = self.lines if kind == "articles" else self.source_lines
        self.line = lines[index] if index < len(lines) else 1

    def raise_if_any(self) -> None:
        if self.problems:
            raise ExportDocumentError(
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
        self.string(
            f"{path}.title", article["title"], limit=limit("article", "title"), required=True
        )
        text = article["text"]
        if not self.string(f"{path}.text", text, limit=self.max_text, required=True):
            return
        url = article["url"]
        if url is not None and self.string(f"{path}.url", url, limit=limit("article", "url")):
            problem = url_problem(url)
            if problem:
                self.problem(f"{path}.url", problem)
        for name in ("outlet", "author", "language", "external_id"):
            if article.get(name) is not None:
                self.string(f"{path}.{name}", article[name], limit=limit("article", name))
        if article["published_at"] is not None and self.string(
            f"{path}.published_at", article["published_at"], limit=limit("article", "published_at")
        ):
            try:
                (date if len(article["published_at"]) == 10 else datetime).fromisoformat(
                    article["published_at"]
                )
            except ValueError:
                self.problem(f"{path}.published_at", "must be an ISO 8601 date.")
        self.timestamp(f"{path}.created_at", article["created_at"])
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
        if not self.keys(path, ann, ANNOTATION_KEYS, ANNOTATION_OPTIONAL):
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
        matched = ann.get("matched_from")
        if matched is not None and not (self.is_int(matched) and matched >= 1):
            self.problem(f"{path}.matched_from", "must be null or an annotation id.")
        self.judgement(path, ann, who="reviewer")
        self.string(
            f"{path}.attributed_to",
            ann["attributed_to"],
            limit=limit("annotation", "attributed_to"),
        )
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
        if self.string(f"{path}.url", link["url"], limit=limit("link", "url"), required=True):
            problem = url_problem(link["url"])
            if problem:
                self.problem(f"{path}.url", problem)
        self.string(f"{path}.title", link["title"], limit=limit("link", "title"))
        if link["credibility"] not in set(Credibility):
            self.problem(f"{path}.credibility", "must be high, medium, low or unknown.")
        if link["stance"] is not None and link["stance"] not in set(Stance):
            self.problem(f"{path}.stance", "must be supports, refutes, context or null.")
        if "credibility_source" in link and link["credibility_source"] not in set(RatingOrigin):
            self.problem(f"{path}.credibility_source", "must be registry or reviewer.")
        if "override_reason" in link:
            self.string(
                f"{path}.override_reason",
                link["override_reason"],
                limit=limit("link", "override_reason"),
            )
        source = link.get("source")
        if source is None or not self.string(
            f"{path}.source", source, limit=limit("link", "source")
        ):
            return
        if self.source_names is not None and source not in self.source_names:
            self.problem(
                f"{path}.source", f"names “{source[:60]}”, which is not among the export's sources."
            )

    def source(self, path: str, entry: Any) -> None:
        """A registry entry: checked like the registry's own form, then kept with clean domains."""
        if not self.keys(path, entry, SOURCE_KEYS, SOURCE_OPTIONAL):
            return
        ok = len(self.problems)
        self.new_id(f"{path}.id", entry["id"], self.source_ids)
        if self.string(f"{path}.name", entry["name"], limit=limit("source", "name"), required=True):
            key = entry["name"].strip().lower()
            if key in self.source_paths:
                self.problem(f"{path}.name", f"is also the name of {self.source_paths[key]}.")
            else:
                self.source_paths[key] = path
        domains = entry["domains"]
        cleaned: list[str] = []
        if not (isinstance(domains, list) and 0 < len(domains) <= limit("source", "domains")):
            self.problem(
                f"{path}.domains", f"must be a list of 1 to {limit('source', 'domains')} domains."
            )
        else:
            for n, domain in enumerate(domains):
                where = f"{path}.domains[{n}]"
                if not self.string(where, domain, limit=DOMAIN.limit or 0, required=True):
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
        self.string(f"{path}.rationale", entry["rationale"], limit=limit("source", "rationale"))
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
        if not (
            isinstance(revision["action"], str)
            and 0 < len(revision["action"]) <= limit("revision", "action")
        ):
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
