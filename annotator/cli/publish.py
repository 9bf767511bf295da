"""`annotator publish`: publish, update or withdraw fact-checks, or write them as a static site."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from annotator.db import write_intent
from annotator.models import Role, User
from annotator.responses import public_url_missing
from annotator.services import public_site, publishing
from annotator.services.articles import articles
from annotator.services.errors import ServiceError
from annotator.uow import transaction


@click.command("publish")
@click.argument("article_ids", metavar="ARTICLE...", nargs=-1, type=int)
@click.option(
    "--unpublish", is_flag=True, help="Withdraw the pages instead (their URLs answer 410)."
)
@click.option("--unlisted", is_flag=True, help="Publish at an unguessable URL, not in the index.")
@click.option(
    "--static",
    "static_dir",
    type=click.Path(file_okay=False),
    help="Write every published page, the index, the feed and the stylesheet into this folder.",
)
@click.option(
    "--base-url", default="", help="Where the static site will be served (for canonical links)."
)
@with_appcontext
def publish_command(
    article_ids: tuple[int, ...],
    unpublish: bool,
    unlisted: bool,
    static_dir: str | None,
    base_url: str,
) -> None:
    """Publish articles' adjudicated verdicts as public fact-check pages, or write the static site."""
    if not article_ids and not static_dir:
        raise click.UsageError("Name at least one ARTICLE id, or give --static DIR.")
    missing = public_url_missing()
    if missing and not (static_dir and base_url and not article_ids):
        click.echo(f"Warning: {missing}", err=True)
    desk = User(username="command line", role=Role.ADMIN)  # acts as an admin, never stored
    failed = 0
    for article_id in article_ids:
        try:
            with write_intent(), transaction():
                article = articles.get_article(article_id)
                if unpublish:
                    publishing.unpublish(article, actor=desk)
                    click.echo(f"Article {article_id}: withdrawn.")
                else:
                    pub = publishing.publish(
                        article,
                        actor=desk,
                        listed=not unlisted,
                        byline=current_app.config["PUBLIC_BYLINE"],
                    )
                    claims = len(pub.snapshot["claims"])
                    click.echo(
                        f"Article {article_id}: published, {claims} claims, at /fact-checks/{pub.slug}"
                    )
        except ServiceError as error:
            failed += 1
            problem = "; ".join(error.fields.values()) or error.message
            click.echo(f"Article {article_id}: {problem}", err=True)
    if static_dir:

        def progress(done: int, total: int) -> None:
            click.echo(f"\rWriting pages: {done}/{total}", nl=done == total, err=True)

        count = public_site.write_site(Path(static_dir), base_url=base_url, progress=progress)
        click.echo(f"Wrote {count} fact-check page(s), the index and the feed to {static_dir}")
    if failed:
        raise click.exceptions.Exit(1)
