"""`annotator search` and `annotator reindex`: the desk's memory from the command line."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from annotator.db import write_intent
from annotator.models import Role, User
from annotator.models.search import KINDS
from annotator.services import search as search_service
from annotator.services.annotations import claim_vectors, similar
from annotator.services.errors import ServiceError
from annotator.uow import transaction


@click.command("search")
@click.argument("query")
@click.option("--kind", type=click.Choice(KINDS), multiple=True, help="Only these kinds of result.")
@click.option(
    "--verdict", multiple=True, help="Only claims with this verdict (repeat or use commas)."
)
@click.option(
    "--limit", type=click.IntRange(1, 100), default=20, show_default=True, help="Results to show."
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON lines.")
@with_appcontext
def search_command(
    query: str, kind: tuple[str, ...], verdict: tuple[str, ...], limit: int, as_json: bool
) -> None:
    """Search articles, sentences, annotations, evidence links and sources (as an admin sees them)."""
    desk = User(username="command line", role=Role.ADMIN)  # reads only, never stored
    try:
        flt = search_service.parse_filter(
            {"kind": list(kind), "verdict": list(verdict)}, viewer=desk
        )
        page = search_service.search(query, flt, viewer=desk, limit=limit)
    except ServiceError as error:
        raise click.ClickException("; ".join(error.fields.values()) or error.message) from None
    for hit in page.items:
        state = search_service.hit_data(hit)
        if as_json:
            click.echo(json.dumps(state, ensure_ascii=False))
            continue
        where = f"article {hit.article_id}" + (
            f", sentence {hit.sentence_id}" if hit.sentence_id else ""
        )
        shown = state["context"] or state["detail"]
        click.echo(
            f"[{hit.kind} {hit.ref_id}] {where if hit.article_id else ''}: {' '.join(shown.split())[:200]}"
        )
    click.echo(f"{page.total} result(s).", err=True)


@click.command("reindex")
@click.option(
    "--full", is_flag=True, help="Encode every judged claim again, not only the missing or stale."
)
@with_appcontext
def reindex_command(full: bool) -> None:
    """Rebuild the search and claim-matching indexes, then encode every judged claim whose vector is missing or stale (--full: all of them); returns when done."""
    click.echo("Rebuilding the search index and the claims index…", err=True)

    def progress(done: int, total: int) -> None:
        click.echo(f"\rSearch index: step {done} of {total}", nl=done == total, err=True)

    with write_intent(), transaction():
        counts = search_service.reindex(progress)
        click.echo("Claims index…", err=True)
        claims = similar.rebuild_index()
    summary = ", ".join(f"{counts.get(kind, 0)} {kind}s" for kind in KINDS)
    click.echo(f"Indexed {summary}; {claims} judged claims for Seen before.")

    def encoded(done: int, total: int) -> None:
        click.echo(f"\rClaim vectors: {done} of {total} encoded", nl=done == total, err=True)

    written = claim_vectors.catch_up(encoded, full=full)
    with transaction():
        fresh, total = claim_vectors.counts()
    click.echo(f"Encoded {written} claims; {fresh} of {total} judged claims have a vector.")
