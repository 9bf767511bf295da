""" "Seen before": earlier judged claims close to a sentence or a span of it."""

from __future__ import annotations

from flask import jsonify, request

from annotator.api.common import actor, api_bp
from annotator.services.annotations import similar
from annotator.services.annotations.annotations import get_sentence


@api_bp.get("/sentences/<int:sentence_id>/similar")
def similar_claims(sentence_id: int):
    """Query: start and end (article offsets of a span inside the sentence), limit (1 to 20)."""
    return jsonify(
        similar.similar_to_sentence(
            get_sentence(sentence_id),
            viewer=actor(),
            start=request.args.get("start"),
            end=request.args.get("end"),
            limit=request.args.get("limit", "5"),
        )
    )
