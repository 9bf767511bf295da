"""`annotator export`: every annotation matching the filters, to a file or stdout."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from annotator.cli._shared import fail
from annotator.models import Role, User
from annotator.services.errors import ServiceError
from annotator.services.exchange import exports


@click.command("export")
@click.option(
    "--format",
    "format_name",
    default="csv",
    show_default=True,
    type=click.Choice(list(exports.EXPORTERS)),
)
@click.option("--article", multiple=True, help="Only these article ids (repeat or comma-separate).")
@click.option("--verdict", multiple=True, help="Only these verdicts.")
@click.option("--reviewer", multiple=True, help="Only these reviewers' annotations.")
@click.option(
    "--credibility", multiple=True, help="Only annotations with an evidence link rated so."
)
@click.option("--since", help="Only annotations changed on or after this date (ISO 8601).")
@click.option("--until", help="Only annotations changed on or before this date (ISO 8601).")
@click.option(
    "--adjudicated",
    is_flag=True,
    help="Only annotations on sentences an admin gave a final verdict.",
)
@click.option(
    "--rows",
    type=click.Choice(["annotations", "sentences"]),
    default="annotations",
    show_default=True,
    help="CSV: one row per annotation, or per sentence including unannotated ones.",
)
@click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 byte order mark (for Excel).")
@click.option("--include-history", is_flag=True, help="JSON: add each annotation's revisions.")
@click.option(
    "--all-articles", is_flag=True, help="JSON: also list articles without matching annotations."
)
@click.option(
    "--base-url",
    default=None,
    help="Where the app is served, for the links in JSON-LD exports [default: PUBLIC_URL].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write here instead of stdout.",
)
@with_appcontext
def export_command(
    format_name,
    article,
    verdict,
    reviewer,
    credibility,
    since,
    until,
    adjudicated,
    rows,
    bom,
    include_history,
    all_articles,
    base_url,
    output,
) -> None:
    """Export every annotation (all reviewers) matching the filters."""
    try:
        flt = exports.parse_filter(
            {
                "article": list(article),
                "verdict": list(verdict),
                "reviewer": list(reviewer),
                "credibility": list(credibility),
                "since": since,
                "until": until,
                "adjudicated": str(int(adjudicated)),
            }
        )
        options = exports.parse_options(
            {
                "rows": rows,
                "bom": str(int(bom)),
                "include_history": str(int(include_history)),
                "all_articles": str(int(all_articles)),
            },
            base_url=base_url or current_app.config["PUBLIC_URL"],
        )
    except ServiceError as error:
        raise fail(error) from None
    everyone = User(
        username="command line", role=Role.ADMIN
    )  # reads only, never added to the session
    chunks = exports.export_chunks(format_name, flt, viewer=everyone, options=options)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
        click.echo(f"Wrote {output}", err=True)
    else:
        for chunk in chunks:
            sys.stdout.write(chunk)
