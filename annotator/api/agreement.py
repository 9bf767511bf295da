"""Reviewer agreement and admins' final verdicts (admins only)."""

from __future__ import annotations

from flask import Response, jsonify

from annotator.api.common import actor, api_bp, json_body, require_admin
from annotator.inputs import arg_number
from annotator.services.annotations.annotations import get_sentence
from annotator.services.guards import refuse_unknown
from annotator.services.review import adjudication
from annotator.services.serialize import adjudication_data


@api_bp.get("/articles/<int:article_id>/agreement")
def get_agreement(article_id: int):
    """Per sentence: each reviewer's verdict, whether they agree, the final verdict; and the figures."""
    return jsonify(adjudication.agreement_data(adjudication.agreement(article_id, viewer=actor())))


@api_bp.put("/sentences/<int:sentence_id>/adjudication")
def put_adjudication(sentence_id: int):
    """Body: {"verdict": ..., "note": ..., "version": the version you read (optional)}."""
    require_admin()
    body = json_body()
    refuse_unknown(body, {"verdict", "note", "version"}, "is not a field of an adjudication.")
    sentence = get_sentence(sentence_id)
    existed = adjudication.get_adjudication(sentence) is not None
    adj = adjudication.adjudicate(
        sentence,
        body.get("verdict"),
        body.get("note", ""),
        actor=actor(),
        expected_version=body.get("version"),
    )
    state = adjudication_data(adj)
    return jsonify(state), 200 if existed else 201


@api_bp.delete("/sentences/<int:sentence_id>/adjudication")
def delete_adjudication(sentence_id: int):
    """Remove the final verdict; `?version=N` refuses if it changed since you read it."""
    require_admin()
    sentence = get_sentence(sentence_id)
    adjudication.clear_adjudication(
        sentence, actor=actor(), expected_version=arg_number("version", minimum=1)
    )
    return Response(status=204)
