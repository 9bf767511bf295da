"""Admins' desk pages: the dashboard (charts with their tables), agreement CSV, disagreements queue."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from annotator import uow
from annotator.exporters.csv_format import neutralise
from annotator.inputs import lenient_number
from annotator.services.annotations.annotations import get_sentence
from annotator.services.desk import dashboard as dashboard_service
from annotator.services.desk import status
from annotator.services.errors import Invalid
from annotator.services.review import adjudication as adjudication_service
from annotator.services.review import agreement as tables_service
from annotator.services.review import reasons
from annotator.services.review.disagreements import disagreements_queue
from annotator.stats import charts
from annotator.web import admin_required
from annotator.web.agreement import AdjudicationForm, kappa_label
from annotator.web.desk import page_count
from annotator.web.submit import flashed, submit

bp = Blueprint("dashboard", __name__)
PAGE = 25


@bp.get("/dashboard")
@admin_required
def index():
    try:
        scope = tables_service.parse_scope(request.args)
    except Invalid as error:
        flash(f"The filter was not applied. {error.message}", "error")
        scope = tables_service.Scope()
        code = 422
    else:
        code = 200
    board = dashboard_service.dashboard(viewer=current_user)
    tables = tables_service.agreement_tables(scope, viewer=current_user)
    peak = max((n for r in board.reviewers for _d, n in r.per_day), default=0)
    return render_template(
        "desk/dashboard.html",
        board=board,
        tables=tables,
        day_charts={
            r.name: charts.columns([(d.isoformat(), n) for d, n in r.per_day], height=40)
            for r in board.reviewers
        },
        peak=peak,
        status_chart=charts.rows([(status.LABELS[s], n) for s, n in board.status_counts]),
        kappa_chart=charts.rows(
            [(f"{p.first} & {p.second}", p.kappa or 0.0) for p in tables.pairs],
            low=-1.0,
            high=1.0,
            label_width=160,
        ),
        status_labels=status.LABELS,
        kappa_label=kappa_label,
        args=request.args,
    ), code


@bp.get("/dashboard/agreement.csv")
@admin_required
def agreement_csv():
    scope = tables_service.parse_scope(request.args)
    table = request.args.get("table", "articles")
    if table not in ("articles", "pairs"):
        raise Invalid({"table": "must be articles or pairs."})
    tables = tables_service.agreement_tables(scope, viewer=current_user)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in tables_service.agreement_csv_rows(tables, table):
        writer.writerow([neutralise(cell) for cell in row])
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="agreement-{table}.csv"'},
    )


@bp.get("/disagreements")
@admin_required
def disagreements():
    page = lenient_number(request.args.get("page")) or 1
    items, total = disagreements_queue(viewer=current_user, limit=PAGE, offset=(page - 1) * PAGE)
    forms = {
        item.sentence_id: AdjudicationForm(prefix=f"s{item.sentence_id}", formdata=None)
        for item in items
    }
    ids = [item.sentence_id for item in items]
    return render_template(
        "desk/disagreements.html",
        items=items,
        total=total,
        forms=forms,
        reasons=reasons.judgements_of(ids, viewer=current_user),
        context=reasons.context_of(ids),
        page=page,
        pages=page_count(total, PAGE),
    )


@bp.post("/disagreements/<int:sentence_id>")
@admin_required
def adjudicate(sentence_id: int):
    """The same adjudication as the agreement page, answered back on the queue."""
    sentence = get_sentence(sentence_id)
    form = AdjudicationForm(prefix=f"s{sentence_id}")
    back = url_for("dashboard.disagreements")
    not_saved = "The final verdict was not saved: {}".format
    if not form.validate_on_submit():
        flash(not_saved(" ".join(e for errors in form.errors.values() for e in errors)), "error")
        uow.discard()
        return redirect(back)
    return submit(
        lambda: adjudication_service.adjudicate(
            sentence,
            form.verdict.data,
            form.note.data or "",
            actor=current_user,
            expected_version=None,
        ),
        back=back,
        say_invalid=lambda error: not_saved(error.message),
        say_conflict=lambda error: not_saved(error.message),
        done=lambda _: flashed(
            back, f"Final verdict of sentence {sentence.index + 1}: {form.verdict.data}."
        ),
    )
