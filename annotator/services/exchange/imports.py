"""Batch import shared by the import page and `annotator import`: parse, preview, import one by one.

Each article is its own transaction (``uow.transaction()``, the unit of work's step for jobs that
keep what they finished): a batch that fails on its 700th article keeps the 699 before it, and a
process killed midway leaves only whole articles. So the import page may answer 422 for the articles
that failed while keeping the ones that were imported.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from annotator import uow
from annotator.importers import Draft, ImportFailure, parse_file
from annotator.models import User
from annotator.services.articles import articles
from annotator.services.articles.articles import with_title
from annotator.services.errors import Duplicate, Invalid, ServiceError
from annotator.text import near_duplicates
from annotator.text.language import segmenting_language
from annotator.text.segment import segment

Status = Literal["imported", "duplicate", "failed"]


@dataclass(frozen=True)
class ImportItem:
    """One article about to be imported and where it came from (file, line or article number)."""

    where: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """What happened to one article (or to a whole file that could not be read)."""

    where: str
    status: Status
    message: str = ""
    article_id: int | None = None
    title: str = ""
    sentences: int = 0


@dataclass
class Report:
    """Every outcome of a batch, in order, and how long it took."""

    outcomes: list[Outcome] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    failed_files: list[Outcome] = field(default_factory=list)  # files that could not be read

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def failures(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def summary(self) -> str:
        return _(
            "Imported %(imported)s, duplicates skipped %(duplicates)s, failed %(failed)s",
            imported=self.count("imported"),
            duplicates=self.count("duplicate"),
            failed=self.count("failed"),
        )


def sources_from_file(
    data: bytes, filename: str, format_name: str = "auto", *, title: str = ""
) -> list[ImportItem]:
    """The articles in one file, each labelled for messages; ImportFailure if the file is unreadable.

    ``title`` is one the admin typed: it replaces the title a text or Markdown file gives itself."""
    drafts = parse_file(data, filename, format_name, title=title)
    if len(drafts) == 1:
        return [ImportItem(filename, with_title(drafts[0]))]
    return [
        ImportItem(_where(filename, draft, number), with_title(draft))
        for number, draft in enumerate(drafts, 1)
    ]


def _where(filename: str, draft: dict[str, Any], number: int) -> str:
    line = draft.line if isinstance(draft, Draft) else None
    return f"{filename}, line {line}" if line else f"{filename} (article {number})"


def failed_file(failure: ImportFailure | OSError, where: str) -> Outcome:
    """The outcome for a file that could not be read at all."""
    if isinstance(failure, ImportFailure):
        label = f"{where}, line {failure.line}" if failure.line else where
        return Outcome(label, "failed", failure.reason)
    return Outcome(where, "failed", f"could not be read ({failure.strerror or failure}).")


def import_one(source: ImportItem, *, actor: User | None, force: bool = False) -> Outcome:
    """Import one article in its own transaction: committed whole, or rolled back and reported."""
    try:
        with uow.transaction():
            article = articles.create_article(source.fields, actor=actor, force=force)
            made = (article.id, article.title, article.sentence_count)  # before the commit
    except Duplicate as error:
        return Outcome(source.where, "duplicate", error.message, error.existing_id)
    except ServiceError as error:
        return Outcome(source.where, "failed", _reason(error))
    except SQLAlchemyError as error:
        return Outcome(source.where, "failed", f"the database refused it ({type(error).__name__}).")
    return Outcome(source.where, "imported", "", *made)


def import_sources(
    sources: Iterable[ImportItem | Outcome],
    *,
    actor: User | None,
    force: bool = False,
    report: Report | None = None,
    on_each: Callable[[Outcome], None] | None = None,
) -> Report:
    """Import each source in turn; outcomes already decided (unreadable files) are passed through."""
    report = report if report is not None else Report()
    for item in sources:
        outcome = item if isinstance(item, Outcome) else import_one(item, actor=actor, force=force)
        report.outcomes.append(outcome)
        if on_each is not None:
            on_each(outcome)
    report.finished = time.monotonic()
    return report


def _reason(error: ServiceError) -> str:
    if error.fields:
        return "; ".join(f"{name}: {problem}" for name, problem in error.fields.items())
    return error.message


@dataclass(frozen=True)
class PreviewSentence:
    index: int
    paragraph: int
    text: str


@dataclass
class Preview:
    """One article as it would be imported: its fields, its sentences, and what stands in the way."""

    where: str
    fields: dict[str, Any]
    sentences: list[PreviewSentence] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    duplicate_id: int | None = None
    duplicate_title: str = ""
    near_duplicate: articles.NearDuplicate | None = None
    same_as_where: str = ""  # an earlier article of this batch with (nearly) the same wording
    shingles: frozenset[str] = field(default_factory=frozenset, repr=False)

    @property
    def held_back(self) -> bool:
        """Skipped unless the admin imports duplicates anyway."""
        return bool(self.duplicate_id or self.near_duplicate or self.same_as_where)

    @property
    def paragraphs(self) -> Iterator[list[PreviewSentence]]:
        group: list[PreviewSentence] = []
        for sentence in self.sentences:
            if group and sentence.paragraph != group[-1].paragraph:
                yield group
                group = []
            group.append(sentence)
        if group:
            yield group


def preview(source: ImportItem) -> Preview:
    """Validate and split an article without storing it; report problems and a duplicate if any."""
    result = Preview(source.where, dict(source.fields))
    try:
        clean = articles.clean_article_fields(source.fields)
    except Invalid as error:
        result.problems = dict(error.fields)
        return result
    text = clean["text"]
    result.sentences = [
        PreviewSentence(i, span.paragraph, text[span.start : span.end])
        for i, span in enumerate(segment(text, language=segmenting_language(clean["language"])))
    ]
    if not result.sentences:
        result.problems["text"] = "Text has no sentences."
    existing = articles.find_duplicate(clean)
    if existing is not None:
        result.duplicate_id, result.duplicate_title = existing.id, existing.title
        return result
    result.shingles = near_duplicates.fingerprint(text)[0]
    result.near_duplicate = articles.find_near_duplicate(text)
    return result


def preview_batch(sources: list[ImportItem]) -> list[Preview]:
    """Every article's preview, each also checked against the ones before it in the batch (the
    same story twice in one upload, or pasted and uploaded together)."""
    previews: list[Preview] = []
    for source in sources:
        result = preview(source)
        if result.shingles and not result.held_back:
            for earlier in previews:
                if earlier.shingles and near_duplicates.is_near_duplicate(
                    result.shingles, earlier.shingles
                ):
                    result.same_as_where = earlier.where
                    break
        previews.append(result)
    return previews
