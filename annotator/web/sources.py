"""Source registry pages: everyone logged in reads; admins create, edit, retire and import."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from annotator.importers import display_name
from annotator.models import Credibility, Source
from annotator.responses import registry_csv_response
from annotator.services import sources as source_service
from annotator.web import admin_required
from annotator.web.forms import ButtonForm, SourceForm, SourceImportForm
from annotator.web.submit import flashed, submit

bp = Blueprint("sources", __name__, url_prefix="/sources")

# What each rating means; shown on the pages and repeated in the README.
SCALE = {
    Credibility.HIGH: "Reliable: a record of accuracy and of publishing corrections; primary records.",
    Credibility.MEDIUM: "Usually reliable but with known lapses or a slant: check against a second source.",
    Credibility.LOW: "Unreliable: repeated false claims, no corrections, or propaganda. Evidence of what was said, not of what is true.",
    Credibility.UNKNOWN: "Not assessed yet.",
}


@bp.get("/")
@login_required
def index():
    search = request.args.get("q", "")[:200]
    return render_template(
        "sources/index.html",
        sources=source_service.list_sources(search),
        search=search,
        scale=SCALE,
        import_form=SourceImportForm(),
        button=ButtonForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def create():
    form = SourceForm()
    if form.validate_on_submit():
        return submit(
            lambda: source_service.create_source(_form_data(form), actor=current_user),
            form=form,
            page=lambda _error: _render_form(form, None),
            done=lambda source: flashed(
                url_for("sources.view", source_id=source.id),
                f"Added “{source.name}” ({source.credibility}) to the registry.",
            ),
        )
    return _render_form(form, None), 422 if form.is_submitted() else 200


@bp.get("/<int:source_id>")
@login_required
def view(source_id: int):
    source = source_service.get_source(source_id)
    return render_template(
        "sources/view.html",
        source=source,
        history=_changes(source),
        scale=SCALE,
        button=ButtonForm(),
    )


def _changes(source: Source) -> list[dict[str, object]]:
    """Each revision as who, when, what, and the fields it changed (before -> after), newest first."""
    shown = ("name", "domains", "credibility", "rationale", "retired_at")
    entries = []
    for rev in source_service.history(source):
        before, after = rev.before or {}, rev.after or {}
        changes = [
            (
                name.replace("_at", "").replace("_", " "),
                _text(before.get(name)),
                _text(after.get(name)),
            )
            for name in shown
            if before.get(name) != after.get(name) and (rev.action != "create" or after.get(name))
        ]
        entries.append(
            {
                "action": rev.action,
                "actor": rev.actor.username if rev.actor else "—",
                "at": rev.created_at,
                "changes": changes,
            }
        )
    return entries[::-1]


def _text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


@bp.route("/<int:source_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(source_id: int):
    source = source_service.get_source(source_id)
    form = SourceForm()
    if not form.is_submitted():
        form.name.data = source.name
        form.domains.data = "\n".join(source.domain_names)
        form.credibility.data = str(source.credibility)
        form.rationale.data = source.rationale
    if form.validate_on_submit():
        return submit(
            lambda: source_service.update_source(source, _form_data(form), actor=current_user),
            form=form,
            page=lambda _error: _render_form(form, source),
            done=lambda _: flashed(
                url_for("sources.view", source_id=source.id), f"Saved “{source.name}”."
            ),
        )
    return _render_form(form, source), 422 if form.is_submitted() else 200


@bp.post("/<int:source_id>/retire")
@admin_required
def retire(source_id: int):
    source = source_service.get_source(source_id)
    if ButtonForm().validate_on_submit():
        source_service.retire_source(source, actor=current_user)
        flash(
            f"Retired “{source.name}”: it no longer rates new links; saved links keep their ratings.",
            "info",
        )
    return redirect(url_for("sources.view", source_id=source.id))


@bp.post("/<int:source_id>/restore")
@admin_required
def reinstate(source_id: int):
    source = source_service.get_source(source_id)
    if ButtonForm().validate_on_submit():
        source_service.reinstate_source(source, actor=current_user)
        flash(f"Restored “{source.name}”.", "success")
    return redirect(url_for("sources.view", source_id=source.id))


@bp.post("/import")
@admin_required
def import_csv():
    form = SourceImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        name = display_name(upload.filename, "upload.csv")
        return submit(
            lambda: source_service.import_sources_csv(upload.read(), name, actor=current_user),
            say_invalid=lambda error: error.message,
            page=lambda _error: _render_index_with(form),
            done=lambda result: flashed(
                url_for("sources.index"),
                f"Imported {name}: {result.created} added, {result.updated} updated, "
                f"{result.unchanged} unchanged.",
            ),
        )
    return _render_index_with(form), 422


@bp.get("/export.csv")
@login_required
def export_csv():
    return registry_csv_response()


def _form_data(form: SourceForm) -> dict[str, str]:
    return {
        name: getattr(form, name).data or ""
        for name in ("name", "domains", "credibility", "rationale")
    }


def _render_form(form: SourceForm, source: Source | None) -> str:
    return render_template("sources/form.html", form=form, source=source, scale=SCALE)


def _render_index_with(import_form: SourceImportForm) -> str:
    return render_template(
        "sources/index.html",
        sources=source_service.list_sources(),
        search="",
        scale=SCALE,
        import_form=import_form,
        button=ButtonForm(),
    )
