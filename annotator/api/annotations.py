"""Annotations over the API: create, read, change, delete and undelete (the URL says restore)."""

from __future__ import annotations

from flask import Response, jsonify, url_for

from annotator.api.common import actor, api_bp, json_body
from annotator.inputs import arg_number
from annotator.services.annotations import annotations as annotation_service
from annotator.services.serialize import annotation_data


@api_bp.post("/annotations")
def create_annotation():
    body = json_body()
    sentence = annotation_service.get_sentence(body.get("sentence_id"))
    state = annotation_service.create_annotation(sentence, body, actor=actor())
    return (
        jsonify(state),
        201,
        {"Location": url_for("api.get_annotation", annotation_id=state["id"])},
    )


@api_bp.get("/annotations/<int:annotation_id>")
def get_annotation(annotation_id: int):
    return jsonify(
        annotation_data(annotation_service.get_annotation(annotation_id, viewer=actor()))
    )


@api_bp.patch("/annotations/<int:annotation_id>")
def patch_annotation(annotation_id: int):
    body = json_body()
    # A deleted one too: deleted by someone else since you read it is a 409, not a 404.
    ann = annotation_service.get_annotation(annotation_id, viewer=actor(), include_deleted=True)
    version = body.pop("version", None)
    annotation_service.update_annotation(ann, body, actor=actor(), expected_version=version)
    state = annotation_data(ann)
    return jsonify(state)


@api_bp.delete("/annotations/<int:annotation_id>")
def delete_annotation(annotation_id: int):
    # A deleted one too: deleted by someone else since you read it is a 409, not a 404.
    ann = annotation_service.get_annotation(annotation_id, viewer=actor(), include_deleted=True)
    expected = arg_number("version", minimum=1)
    annotation_service.delete_annotation(ann, actor=actor(), expected_version=expected)
    return Response(status=204)


@api_bp.post("/annotations/<int:annotation_id>/restore")
def undelete_annotation(annotation_id: int):
    ann = annotation_service.get_annotation(annotation_id, viewer=actor(), include_deleted=True)
    annotation_service.undelete_annotation(ann, actor=actor())
    state = annotation_data(ann)
    return jsonify(state)
