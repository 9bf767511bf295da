"""`annotator assign`: the desk's command."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from annotator.cli._shared import writes
from annotator.extensions import db
from annotator.models import Role, User
from annotator.services.desk import assignments
from annotator.services.errors import ServiceError


def _admin(name: str | None) -> User:
    query = db.select(User).where(User.role == Role.ADMIN, User.active.is_(True))
    query = query.where(User.username == name) if name else query.order_by(User.id).limit(1)
    user = db.session.scalar(query)
    if user is None:
        raise click.ClickException(
            f"--by: there is no active admin named {name!r}."
            if name
            else "There is no active admin to record as the assigner; create one first."
        )
    return user


@click.command("assign")
@click.argument("articles", nargs=-1, required=True, type=int)
@click.option("--reviewers", help="Comma-separated user names of active reviewers.")
@click.option("--count", type=int, help="Or: this many of the least-loaded active reviewers.")
@click.option("--due", help="Due date, YYYY-MM-DD.")
@click.option(
    "--priority",
    type=click.Choice(["low", "normal", "high", "urgent"]),
    default="normal",
    show_default=True,
)
@click.option("--by", "by", help="The admin recorded as assigning (default: the first admin).")
@with_appcontext
@writes
def assign_command(
    articles: tuple[int, ...],
    reviewers: str | None,
    count: int | None,
    due: str | None,
    priority: str,
    by: str | None,
) -> None:
    """Assign articles (by id) to the named reviewers or to N of the least-loaded reviewers.

    Nothing is assigned if any article, reviewer or date is refused; each refusal is named.
    """
    actor = _admin(by)
    try:
        made = assignments.assign(
            assignments.articles_by_id(list(articles)),
            reviewers=[n.strip() for n in reviewers.split(",") if n.strip()] if reviewers else None,
            count=count,
            due_date=due,
            priority=priority,
            actor=actor,
        )
    except ServiceError as error:  # every refusal, each named by its field
        fields = "; ".join(f"{name}: {problem}" for name, problem in error.fields.items())
        raise click.ClickException(fields or error.message) from None
    for a in made:
        due_text = f", due {a.due_date.isoformat()}" if a.due_date else ""
        click.echo(f"Article #{a.article_id} -> {a.reviewer.username}{due_text}")
    click.echo(f"Made {len(made)} assignments.")
