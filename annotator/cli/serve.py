"""`annotator serve`: the app under waitress."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--threads", default=8, show_default=True, type=int, help="Worker threads in this one process."
)
@with_appcontext
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the app with waitress, a production WSGI server (one process; see the README for PostgreSQL), and encode judged claims for "Seen before" in the background."""
    from waitress import serve

    from annotator.runtime import tune_gc, tune_thread_switching, waitress_limits
    from annotator.services.annotations.claim_vectors import start_worker
    from annotator.serving import pool

    tune_gc()
    tune_thread_switching()
    app = current_app._get_current_object()
    start_worker(app)  # encodes judged claims for "Seen before" in the background
    click.echo(f"Serving on http://{host}:{port} (Ctrl+C to stop)")
    serve(  # on SQLite, writes wait in the server's queue for the one before them to finish
        app,
        host=host,
        port=port,
        ident="annotator",
        **pool(app, threads),
        **waitress_limits(app.config),
    )
