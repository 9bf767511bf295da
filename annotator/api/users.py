"""The caller's own account over the API."""

from __future__ import annotations

from flask import jsonify

from annotator.api.common import actor, api_bp


@api_bp.get("/me")
def me():
    user = actor()
    return jsonify({"id": user.id, "username": user.username, "role": str(user.role)})
