"""Running a desk over the API: assignments, queues, article status, history, disagreements and
agreement over sets of articles. The unit of work commits each successful request."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _

from annotator.api.common import actor, api_bp, json_body, page_args, require_admin
from annotator.services.annotations import history, similar
from annotator.services.articles import articles as article_service
from annotator.services.desk import assignments, dashboard, queue, status
from annotator.services.desk.assignments import assignment_data
from annotator.services.errors import Invalid
from annotator.services.guards import refuse_unknown
from annotator.services.review import agreement, reasons
from annotator.services.review.disagreements import disagreements_queue
from annotator.services.serialize import annotation_data


def _version_arg() -> int | None:
    raw = request.args.get("version")
    if raw is None:
        return None
    if not raw.isdigit():
        raise Invalid({"version": "must be the version number you last read (a whole number)."})
    return int(raw)


@api_bp.get("/queue")
def get_queue():
    """The caller's assignments in queue order, with progress, and the next sentence to judge."""
    rows = queue.queue(actor())
    following = queue.next_in_queue(actor(), rows)
    return jsonify(
        {
            "items": [
                assignment_data(row.assignment)
                | {
                    "article": {"id": row.article.id, "title": row.article.title},
                    "status": str(row.status),
                    "sentences": row.sentences,
                    "judged": row.judged,
                    "done": row.done,
                }
                for row in rows
            ],
            "next": None
            if following is None
            else {"article_id": following[0], "sentence_id": following[1]},
        }
    )


@api_bp.get("/articles/<int:article_id>/assignments")
def list_assignments(article_id: int):
    require_admin()
    article_service.get_article(article_id)
    return jsonify({"items": [assignment_data(a) for a in assignments.assignments_for(article_id)]})


ASSIGN_FIELDS = {"reviewers", "count", "due_date", "priority"}


@api_bp.post("/articles/<int:article_id>/assignments")
def create_assignments(article_id: int):
    """Body: {"reviewers": [names]} or {"count": N}, with optional "due_date" and "priority"."""
    require_admin()
    body = json_body()
    refuse_unknown(body, ASSIGN_FIELDS, "is not a field you can send here.")
    made = assignments.assign(
        [article_service.get_article(article_id)],
        **{k: body.get(k) for k in ASSIGN_FIELDS},
        actor=actor(),
    )
    return jsonify({"items": [assignment_data(a) for a in made]}), 201


@api_bp.post("/assignments")
def bulk_assignments():
    """Body: {"articles": [ids], "reviewers": [names] or "count": N, "due_date", "priority"}."""
    require_admin()
    body = json_body()
    refuse_unknown(body, ASSIGN_FIELDS | {"articles"}, "is not a field you can send here.")
    chosen = assignments.articles_by_id(body.get("articles"))
    made = assignments.assign(chosen, **{k: body.get(k) for k in ASSIGN_FIELDS}, actor=actor())
    return jsonify({"items": [assignment_data(a) for a in made]}), 201


@api_bp.patch("/assignments/<int:assignment_id>")
def patch_assignment(assignment_id: int):
    """Body: "version" and any of "due_date", "priority", "reviewer" (reassign)."""
    require_admin()
    body = json_body()
    version = body.pop("version", None)
    a = assignments.get_assignment(assignment_id)
    assignments.update_assignment(a, body, actor=actor(), expected_version=version)
    return jsonify(assignment_data(a))


@api_bp.delete("/assignments/<int:assignment_id>")
def delete_assignment(assignment_id: int):
    """Unassign; ``?version=N`` is required (a stale one gets 409)."""
    require_admin()
    a = assignments.get_assignment(assignment_id)
    assignments.unassign(a, actor=actor(), expected_version=_version_arg())
    return Response(status=204)


@api_bp.get("/articles/<int:article_id>/status")
def get_status(article_id: int):
    article_service.get_article(article_id)
    assignments.require_access(article_id, actor())
    return jsonify(status.status_data(article_id))


@api_bp.put("/articles/<int:article_id>/status")
def put_status(article_id: int):
    """Body: {"status": ..., "version": the status version you read (0 if never moved)}."""
    require_admin()
    body = json_body()
    refuse_unknown(body, {"status", "version"}, "is not a field you can send here.")
    article = article_service.get_article(article_id)
    status.move(article, body.get("status"), actor=actor(), expected_version=body.get("version"))
    return jsonify(status.status_data(article_id))


def _revision_data(rev: history.RevisionView) -> dict[str, Any]:
    return {
        "id": rev.id,
        "action": rev.action,
        "actor": rev.actor,
        "at": rev.at.isoformat(),
        "current": rev.current,
        "changes": [asdict(c) for c in rev.changes],
        "state": rev.state,
    }


@api_bp.get("/annotations/<int:annotation_id>/revisions")
def annotation_revisions(annotation_id: int):
    """The annotation's revisions, newest first, each with what it changed."""
    ann, revisions = history.annotation_history(annotation_id, viewer=actor())
    return jsonify(
        {
            "annotation_id": ann.id,
            "version": ann.version,
            "items": [_revision_data(r) for r in revisions],
        }
    )


@api_bp.post("/annotations/<int:annotation_id>/revisions/<int:revision_id>/restore")
def revert_to_revision(annotation_id: int, revision_id: int):
    """Body: {"version": the annotation's version you read}; restoring makes a new revision."""
    body = json_body()
    refuse_unknown(body, {"version"}, "is not a field you can send here.")
    ann, _revisions = history.annotation_history(annotation_id, viewer=actor())
    history.revert_to_revision(
        ann, revision_id, actor=actor(), expected_version=body.get("version")
    )
    return jsonify(annotation_data(ann))


@api_bp.get("/articles/<int:article_id>/activity")
def article_activity(article_id: int):
    article_service.get_article(article_id)
    limit, offset = page_args()
    items, total = history.article_activity(article_id, viewer=actor(), limit=limit, offset=offset)
    return jsonify(
        {
            "items": [
                {
                    "id": i.id,
                    "at": i.at.isoformat(),
                    "actor": i.actor,
                    "entity": i.entity,
                    "entity_id": i.entity_id,
                    "action": i.action,
                    "summary": i.summary,
                    "changes": [asdict(c) for c in i.changes],
                }
                for i in items
            ],
            "total": total,
            "next": url_for(
                "api.article_activity", article_id=article_id, limit=limit, offset=offset + limit
            )
            if offset + limit < total
            else None,
        }
    )


@api_bp.get("/disagreements")
def list_disagreements():
    """Open disagreements across all articles, oldest first (admins only)."""
    limit, offset = page_args()
    items, total = disagreements_queue(viewer=actor(), limit=limit, offset=offset)
    ids = [d.sentence_id for d in items]
    given = reasons.judgements_of(ids, viewer=actor())
    around = reasons.context_of(ids)
    return jsonify(
        {
            "items": [
                {
                    "sentence_id": d.sentence_id,
                    "index": d.sentence_index,
                    "article_id": d.article_id,
                    "article_title": d.article_title,
                    "text": d.text,
                    "verdicts": d.verdicts,
                    "judgements": [reasons.judgement_data(j) for j in given.get(d.sentence_id, [])],
                    "context": {
                        "before": around[d.sentence_id].before,
                        "after": around[d.sentence_id].after,
                    },
                    "since": d.since.isoformat(),
                }
                for d in items
            ],
            "total": total,
            "next": url_for("api.list_disagreements", limit=limit, offset=offset + limit)
            if offset + limit < total
            else None,
        }
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@api_bp.get("/agreement")
def agreement_over_articles():
    """Alpha, Fleiss' kappa, percent agreement and pairwise Cohen's kappa over a set of articles:
    ``since``, ``until`` (import dates), ``outlet``, ``status``, ``article`` (ids)."""
    tables = agreement.agreement_tables(agreement.parse_scope(request.args), viewer=actor())
    return jsonify(
        {
            "scope": tables.scope.describe(),
            "labels": tables.labels,
            "sentences_compared": tables.units,
            "sentences_agreed": tables.agreed,
            "percent_agreement": tables.percent,
            "krippendorff_alpha": _round(tables.alpha),
            "fleiss_kappa": _round(tables.fleiss),
            "articles": [
                {
                    "article_id": r.article_id,
                    "title": r.title,
                    "reviewers": r.reviewers,
                    "sentences_compared": r.compared,
                    "sentences_agreed": r.agreed,
                    "percent_agreement": r.percent,
                    "krippendorff_alpha": _round(r.alpha),
                    "fleiss_kappa": _round(r.fleiss),
                }
                for r in tables.articles
            ],
            "pairs": [
                {
                    "first": p.first,
                    "second": p.second,
                    "sentences_both_judged": p.items,
                    "sentences_agreed": p.agreed,
                    "percent_agreement": p.percent_agreement,
                    "cohen_kappa": _round(p.kappa),
                    "confusion_matrix": p.matrix,
                }
                for p in tables.pairs
            ],
        }
    )


@api_bp.get("/dashboard")
def get_dashboard():
    """Per reviewer: judged per day, open assignments, agreement with final verdicts; per article: status and progress."""
    board = dashboard.dashboard(viewer=actor())
    return jsonify(
        {
            "days": [d.isoformat() for d in board.days],
            "reviewers": [
                {
                    "reviewer": r.name,
                    "judged_per_day": [n for _d, n in r.per_day],
                    "judged": r.judged,
                    "open_assignments": r.open_assignments,
                    "sentences_with_final_verdict": r.with_final,
                    "agree_with_final_verdict": r.agree_final,
                    "kappa_with_final_verdict": _round(r.kappa_final),
                }
                for r in board.reviewers
            ],
            "articles": [
                {
                    "article_id": a.article_id,
                    "title": a.title,
                    "status": str(a.status),
                    "reviewers": a.reviewers,
                    "due_date": a.due.isoformat() if a.due else None,
                    "percent": a.percent,
                }
                for a in board.articles
            ],
            "status_counts": {str(s): n for s, n in board.status_counts},
        }
    )


@api_bp.get("/desk/settings")
def get_settings():
    return jsonify(_settings())


def _settings() -> dict[str, Any]:
    same, related = similar.match_thresholds()
    return {
        "reviewers_open_unassigned": assignments.reviewers_may_open_unassigned(),
        "match_same_claim": same,
        "match_related": related,
    }


@api_bp.put("/desk/settings")
def put_settings():
    """Body: any of {"reviewers_open_unassigned": true|false, "match_same_claim": 0.8,
    "match_related": 0.3} (the two tiers together)."""
    require_admin()
    body = json_body()
    tiers = {"match_same_claim", "match_related"}
    refuse_unknown(body, {"reviewers_open_unassigned", *tiers}, "is not a field you can send here.")
    if not body:
        raise Invalid({"reviewers_open_unassigned": _("name at least one rule to change.")})
    if "reviewers_open_unassigned" in body:
        allowed = body["reviewers_open_unassigned"]
        if not isinstance(allowed, bool):
            raise Invalid({"reviewers_open_unassigned": _("must be true or false.")})
        assignments.set_reviewers_may_open_unassigned(allowed, actor=actor())
    if tiers & body.keys():
        missing = sorted(tiers - body.keys())
        if missing:
            raise Invalid({missing[0]: _("must be given with the other tier.")})
        try:
            similar.set_match_thresholds(
                body["match_same_claim"], body["match_related"], actor=actor()
            )
        except Invalid as error:
            raise Invalid(
                {f"match_{name}": problem for name, problem in error.fields.items()}
            ) from None
    return jsonify(_settings())
