"""GET /api/v1/search: the search page's results as JSON, paged."""

from __future__ import annotations

from flask import jsonify, request, url_for

from annotator.api.common import actor, api_bp, page_args
from annotator.services import search as search_service


@api_bp.get("/search")
def search():
    """Query ``q`` with the page's filters; ``limit`` (max 100) and the ``next`` link's cursor
    (``after``) page the results; the count stops at 10,000 ("more than 10,000 results")."""
    limit, offset = page_args()
    viewer = actor()
    params = {name: request.args.getlist(name) for name in search_service.FILTERS}
    flt = search_service.parse_filter(params, viewer=viewer)
    page = search_service.search(
        request.args.get("q", ""),
        flt,
        viewer=viewer,
        limit=min(limit, search_service.MAX_LIMIT),
        offset=offset,
        after=request.args.get("after") or None,
    )
    following = None
    if page.next is not None:
        args = {
            **request.args.to_dict(flat=False),
            "offset": page.next,
            "limit": page.limit,
            "after": page.after,
        }
        following = url_for("api.search", **args)
    return jsonify(
        {
            "items": [search_service.hit_data(h) for h in page.items],
            "next": following,
            "total": page.total,
            "more": page.more,
            "count": page.count_label,
        }
    )
