"""Page blueprints and what every page needs (login loading, access checks, asset URLs)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, Response, abort, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from annotator import serving, sqlite_lock
from annotator.db import set_write_intent

F = TypeVar("F", bound=Callable[..., Any])


def reads_only(view: F) -> F:
    """Mark a POST view that writes nothing (a preview): its transaction does not take SQLite's
    write lock, so parsing an upload never holds up other people's saves."""
    view.reads_only = True  # type: ignore[attr-defined]
    return view


def admin_required(view: F) -> F:
    """Only logged-in admins pass; reviewers get 403, visitors the login page."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(403, _("This page is for admins only."))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def register_blueprints(app: Flask) -> None:
    """Attach the page blueprints and the per-request hooks."""
    from annotator.web import (
        admin,
        agreement,
        articles,
        auth,
        compress,
        dashboard,
        desk,
        exports,
        history,
        imports,
        public,
        publication,
        search,
        security,
        sentences,
        sources,
    )

    for blueprint in (
        auth.bp,
        articles.bp,
        admin.bp,
        exports.bp,
        sentences.bp,
        sources.bp,
        imports.bp,
        agreement.bp,
        public.bp,
        publication.bp,
        search.bp,
        desk.bp,
        history.bp,
        dashboard.bp,
    ):
        app.register_blueprint(blueprint)

    # On SQLite, requests that write take turns, first come first served, from here to their
    # end: the database's write lock lets one writer in at a time anyway, and eight writers that
    # each ran up to it together made a save cost the process 1.4-1.6 times its CPU alone, in
    # handing the GIL and the lock back and forth (docs/save-profile.md). Reads never wait for a
    # turn; PostgreSQL writes in parallel and takes none.
    turns = (
        sqlite_lock.FairLock()
        if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")
        else None
    )
    app.extensions["write_turns"] = turns

    @app.before_request
    def _declare_write_intent() -> None:
        writes = serving.request_writes(app, request.method, request.endpoint)
        set_write_intent(writes)
        if writes and turns is not None:
            # As long as the write lock waits, counting the wait in `annotator serve`'s queue
            # (annotator.serving), where a write is held until the one before it has finished.
            left = sqlite_lock.TIMEOUT_SECONDS - serving.queued_seconds()
            if left <= 0 or not turns.acquire(left):
                abort(503, _("The server is busy saving other work. Try again in a moment."))
            g.write_turn = True

    security.install(app)  # after the write intent is declared: it may write a session's last use

    @app.teardown_request
    def _clear_write_intent(_error: BaseException | None) -> None:
        set_write_intent(False)  # the thread may next run a read, or a test's own queries
        if g.pop("write_turn", False):
            turns.release()  # type: ignore[union-attr]

    app.session_interface = public.PublicAwareSessionInterface()

    icon = (Path(app.static_folder or "") / "favicon.ico").read_bytes()

    def favicon() -> Response:
        """The icon every browser asks for: a real one, cached a day, and no cookie with it."""
        response = Response(icon, mimetype="image/vnd.microsoft.icon")
        response.cache_control.public = True
        response.cache_control.max_age = 86_400
        return response

    app.add_url_rule("/favicon.ico", "favicon", favicon)
    compress.install(app)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
        return response

    versions: dict[str, str] = {}

    @app.context_processor
    def _asset_url() -> dict[str, Any]:
        def asset(filename: str) -> str:
            if filename not in versions:
                path = Path(app.static_folder or "") / filename
                versions[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            return url_for("static", filename=filename, v=versions[filename])

        return {"asset": asset}
