"""The import page: paste or upload, preview (title, metadata, sentences), edit, then import.

Uploads are read into memory and parsed; they are never written to disk under the name they came
with, and that name is shown only after display_name() has removed folders and control characters.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from annotator.importers import FORMATS, ImportFailure, display_name
from annotator.inputs import lenient_number
from annotator.services.articles.articles import ARTICLE_FIELDS, with_title
from annotator.services.exchange import imports
from annotator.web import admin_required, reads_only

bp = Blueprint("imports", __name__, url_prefix="/import")

PASTE_FORMATS = {
    "auto": "Detect",
    "txt": "Plain text",
    "md": "Markdown",
    "html": "HTML (a saved web page)",
}
UPLOAD_FORMATS = {"auto": "By file extension", **{name: name.upper() for name in FORMATS}}
METADATA = ("url", "outlet", "author", "published_at", "language", "external_id")
COLLAPSE_AFTER = 3  # a longer preview shows each article folded, to open one at a time


@bp.get("")
@admin_required
def start():
    return _start_page()


def _start_page(error: str = "", status: int = 200, paste: dict[str, str] | None = None):
    return render_template(
        "imports/start.html",
        error=error,
        paste=paste or {},
        paste_formats=PASTE_FORMATS,
        upload_formats=UPLOAD_FORMATS,
        max_files=current_app.config["MAX_FILES_PER_BATCH"],
        max_mb=(current_app.config.get("MAX_CONTENT_LENGTH") or 0) / 1024 / 1024,
        extensions=", ".join(f".{ext}" for fmt in FORMATS.values() for ext in fmt.extensions),
    ), status


@bp.post("/preview")
@reads_only
@admin_required
def preview():
    """Parse what was pasted or uploaded and show it as it would be imported."""
    if request.form.get("source") == "upload":
        sources, failures, problem = _uploaded()
        paste = None
    else:
        paste = {
            name: request.form.get(name, "") for name in ("title", "text", "format", *METADATA)
        }
        sources, failures, problem = _pasted(paste)
    if problem:
        return _start_page(problem, 422, paste)
    return _preview_page(
        sources, failures, force=bool(request.form.get("force")), notice=g.get("first_files", "")
    )


def _pasted(paste: dict[str, str]) -> tuple[list[imports.ImportItem], list[imports.Outcome], str]:
    text = paste["text"].replace("\r\n", "\n")  # the browser's line ends, not the author's
    if not text.strip():
        return [], [], "Paste the article's text (or upload files below)."
    fmt = paste["format"] if paste["format"] in PASTE_FORMATS else "auto"
    name = "pasted text" + {"auto": ".txt", "txt": ".txt", "md": ".md", "html": ".html"}[fmt]
    title = paste.get("title", "").strip()
    try:
        (source,) = imports.sources_from_file(text.encode("utf-8"), name, fmt, title=title)
    except ImportFailure as failure:
        reason = failure.reason
        if "looks like HTML" in reason:
            reason = "This looks like HTML, not plain text. Choose “HTML” as the format to extract the article's text."
        elif failure.field == "title":  # the first line is too long to be the title
            reason = f"line {failure.line}: {reason} Or type a title in the Title field."
        elif failure.line:
            reason = f"line {failure.line}: {reason}"
        return [], [], f"The pasted text could not be read: {reason}"
    given = {
        name: paste[name].strip() for name in ("title", *METADATA) if paste.get(name, "").strip()
    }
    return [imports.ImportItem("pasted text", source.fields | given)], [], ""


def _uploaded() -> tuple[list[imports.ImportItem], list[imports.Outcome], str]:
    files = [
        upload
        for upload in request.files.getlist("files")
        if upload.filename or upload.content_length
    ]
    limit = current_app.config["MAX_FILES_PER_BATCH"]
    if not files:
        return [], [], "Choose one or more files to upload."
    if len(files) > limit:  # offer the first ones rather than nothing
        rest = files[limit:]
        g.first_files = (
            f"You chose {len(files)} files; this preview holds the first {limit} of them. Import "
            f"these, then upload the other {len(rest)} (from "
            f"“{display_name(rest[0].filename, 'file')}”), or use `annotator import` on the server."
        )
        for upload in rest:
            upload.close()
        files = files[:limit]
    fmt = request.form.get("format", "auto")
    fmt = fmt if fmt in UPLOAD_FORMATS else "auto"
    sources: list[imports.ImportItem] = []
    failures: list[imports.Outcome] = []
    for number, upload in enumerate(files, 1):
        name = display_name(upload.filename, f"file {number}")
        try:
            sources.extend(imports.sources_from_file(upload.read(), name, fmt))
        except ImportFailure as failure:
            failures.append(imports.failed_file(failure, name))
        finally:
            upload.close()
    return sources, failures, ""


def _preview_page(
    sources: list[imports.ImportItem],
    failures: list[imports.Outcome],
    *,
    force: bool,
    status: int = 200,
    notice: str = "",
    ticked: set[int] | None = None,
):
    """The preview; ``ticked`` (after "Update preview", "Tick all", "Untick all") says which
    articles are ticked, else those that are neither refused nor duplicates are."""
    limit = current_app.config["MAX_ARTICLES_PER_BATCH"]
    too_many = ""
    if len(sources) > limit:
        too_many = (
            f"These files hold {len(sources):,} articles; the page imports at most {limit} at a time. "
            f"Split the file, or use `annotator import` on the command line."
        )
        sources = []
    previews = imports.preview_batch(sources)
    if not previews and not too_many and not failures:
        return _start_page("Nothing to import.", 422)
    if ticked is None:
        ticked = {i for i, p in enumerate(previews) if not p.problems and not p.held_back}
    return render_template(
        "imports/preview.html",
        previews=previews,
        failures=failures,
        too_many=too_many,
        notice=notice,
        force=force,
        ticked=ticked,
        collapse=len(previews) > COLLAPSE_AFTER,
        metadata=METADATA,
    ), (422 if (too_many or (failures and not previews)) else status)


@bp.post("/confirm")
@admin_required
def confirm():
    """Import the previewed (and perhaps edited) articles; or show the preview again after edits."""
    force = bool(request.form.get("force"))
    limit = current_app.config["MAX_ARTICLES_PER_BATCH"]
    count = lenient_number(request.form.get("count")) or 0
    if count > limit:
        return _start_page(
            f"At most {limit} articles can be imported at a time from this page.", 422
        )
    sources, chosen, ticks = [], [], set()
    for i in range(count):
        fields = _edited_fields(i)
        if fields is None:
            continue
        source = imports.ImportItem(
            display_name(request.form.get(f"a-{i}-where"), f"article {i + 1}"), fields
        )
        if request.form.get(f"a-{i}-include"):
            chosen.append(source)
            ticks.add(len(sources))
        sources.append(source)
    if not sources:
        return _start_page("Nothing to import.", 422)
    failed_files = [
        imports.Outcome(display_name(where, "a file"), "failed", message[:500])
        for where, message in zip(
            request.form.getlist("failed-where"),
            request.form.getlist("failed-message"),
            strict=False,
        )
    ][:limit]
    action = request.form.get("action")
    if action in ("refresh", "tick-all", "untick-all"):
        ticked = {"tick-all": set(range(len(sources))), "untick-all": set()}.get(action, ticks)
        return _preview_page(sources, failed_files, force=force, ticked=ticked)
    if not chosen:
        flash("No article was ticked for import.", "error")
        return _preview_page(sources, failed_files, force=force, status=422, ticked=ticks)
    report = imports.import_sources(chosen, actor=current_user, force=force)
    report.failed_files = failed_files
    if report.count("imported") == 1 and len(report.outcomes) == 1 and not failed_files:
        outcome = report.outcomes[0]
        flash(f"Imported “{outcome.title}”: {outcome.sentences} sentences.", "success")
        return redirect(url_for("articles.view", article_id=outcome.article_id))
    status = (
        200
        if report.count("imported")
        else (409 if report.count("duplicate") and not report.failures else 422)
    )
    return render_template("imports/result.html", report=report), status


def _edited_fields(i: int) -> dict[str, Any] | None:
    text = request.form.get(f"a-{i}-text")
    if text is None:
        return None
    fields = {"title": request.form.get(f"a-{i}-title", ""), "text": text.replace("\r\n", "\n")}
    for name in METADATA:
        value = request.form.get(f"a-{i}-{name}", "").strip()
        if value and name in ARTICLE_FIELDS:
            fields[name] = value
    return with_title(fields)
