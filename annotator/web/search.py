"""The search page: everything the desk has, one box, filters, results linked to their sentence."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from annotator.inputs import arg_number
from annotator.models import Credibility, Verdict
from annotator.models.search import KINDS
from annotator.services import search as search_service
from annotator.services.errors import Invalid
from annotator.services.search import FILTERS

bp = Blueprint("search", __name__)
PER_PAGE = 20
# Each kind of result, one (as a result's label) and many (as a filter's choice).
KIND_WORDS = {
    "article": _l("article"),
    "sentence": _l("sentence"),
    "annotation": _l("annotation"),
    "link": _l("link"),
    "source": _l("source"),
}
KIND_NAMES = {
    "article": _l("articles"),
    "sentence": _l("sentences"),
    "annotation": _l("annotations"),
    "link": _l("links"),
    "source": _l("sources"),
}


@bp.get("/search")
@login_required
def index():
    raw = request.args.get("q", "")
    params = {name: request.args.getlist(name) for name in FILTERS}
    if not current_user.is_admin:
        params.pop("reviewer")
    page, errors = None, {}
    try:
        flt = search_service.parse_filter(params, viewer=current_user)
        offset = arg_number("offset", default=0, maximum=search_service.MAX_OFFSET)
        if raw.strip() or request.args.get("searched"):
            page = search_service.search(
                raw,
                flt,
                viewer=current_user,
                limit=PER_PAGE,
                offset=offset,
                after=request.args.get("after") or None,
            )
    except Invalid as error:
        errors = error.fields
    return render_template(
        "search/index.html",
        q=raw,
        params={name: ",".join(v for v in params.get(name, []) if v) for name in FILTERS},
        page=page,
        errors=errors,
        kinds=KINDS,
        kind_words=KIND_WORDS,
        kind_names=KIND_NAMES,
        verdicts=[v.value for v in Verdict],
        credibilities=[c.value for c in Credibility],
        # Next pages by the cursor (keyset); Previous by offset, which numbers the pages too.
        pager_args=lambda offset, after=None: {
            **{k: v for k, v in request.args.items() if k not in ("offset", "after")},
            "offset": offset,
            **({"after": after} if after else {}),
        },
    ), (422 if errors else 200)
