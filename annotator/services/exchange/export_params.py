"""Export parameters from a query string or the CLI: the filter, the options and the format,
each refused with Invalid naming the parameter at fault."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from annotator.enums import Credibility, Verdict
from annotator.exporters import DEFAULT_OPTIONS, EXPORTERS, ExportFilter, ExportOptions
from annotator.services.errors import Invalid


def parse_filter(params: dict[str, Any]) -> ExportFilter:
    """Build an ExportFilter from query or CLI parameters; raise Invalid naming bad ones."""
    problems: dict[str, str] = {}

    def many(name: str) -> tuple[str, ...]:
        value = params.get(name)
        items = value if isinstance(value, list | tuple) else [value]
        return tuple(
            part.strip() for item in items if item for part in str(item).split(",") if part.strip()
        )

    articles: list[int] = []
    for item in many("article"):
        if item.isascii() and item.isdigit() and len(item) <= 10 and int(item) < 2**31:
            articles.append(int(item))
        else:
            problems["article"] = f"must be article id numbers (got {item[:40]!r})."
    verdicts = many("verdict")
    bad = [v for v in verdicts if v not in set(Verdict)]
    if bad:
        problems["verdict"] = f"must be verified, unproven or disputed (got {bad[0][:40]!r})."
    credibility = many("credibility")
    bad = [c for c in credibility if c not in set(Credibility)]
    if bad:
        problems["credibility"] = f"must be high, medium, low or unknown (got {bad[0][:40]!r})."
    dates: dict[str, datetime | None] = {}
    for name in ("since", "until"):
        raw = params.get(name)
        if isinstance(raw, list | tuple):
            raw = next((item for item in raw if item), None)
        dates[name] = None
        if raw:
            try:
                dates[name] = datetime.fromisoformat(str(raw))
                if name == "until" and len(str(raw).strip()) == 10:  # a bare date: the whole day
                    dates[name] = datetime.combine(dates[name].date(), time.max)
            except ValueError:
                problems[name] = "must be a date like 2026-01-31 or an ISO 8601 date and time."
    adjudicated = params.get("adjudicated")
    if isinstance(adjudicated, list | tuple):
        adjudicated = next((item for item in adjudicated if item not in (None, "")), None)
    adjudicated = "" if adjudicated is None else str(adjudicated).strip().lower()
    if adjudicated not in ("", "0", "1", "true", "false", "yes", "no", "on", "off"):
        problems["adjudicated"] = f"must be 1 or 0 (got {adjudicated[:40]!r})."
    if problems:
        raise Invalid(problems)
    return ExportFilter(
        articles=tuple(articles),
        verdicts=verdicts,
        reviewers=many("reviewer"),
        credibility=credibility,
        since=dates["since"],
        until=dates["until"],
        adjudicated=adjudicated in ("1", "true", "yes", "on"),
    )


def parse_options(
    params: dict[str, Any], *, base_url: str = DEFAULT_OPTIONS.base_url
) -> ExportOptions:
    """Build ExportOptions from query or CLI parameters; raise Invalid naming bad ones."""
    problems: dict[str, str] = {}

    def one(name: str) -> str:
        value = params.get(name)
        if isinstance(value, list | tuple):
            value = next((item for item in value if item not in (None, "")), None)
        return "" if value is None else str(value).strip().lower()

    def flag(name: str) -> bool:
        value = one(name)
        if value in ("", "0", "false", "no", "off"):
            return False
        if value in ("1", "true", "yes", "on"):
            return True
        problems[name] = f"must be 1 or 0 (got {value[:40]!r})."
        return False

    rows = one("rows") or "annotations"
    if rows not in ("annotations", "sentences"):
        problems["rows"] = f"must be annotations or sentences (got {rows[:40]!r})."
    options = ExportOptions(
        rows=rows,
        bom=flag("bom"),
        include_history=flag("include_history"),
        all_articles=flag("all_articles"),
        base_url=base_url if base_url.endswith("/") else base_url + "/",
    )
    if problems:
        raise Invalid(problems)
    return options


def check_format(format_name: str | None) -> str:
    """The format's name if we have it, else Invalid."""
    if format_name not in EXPORTERS:
        raise Invalid(
            {"format": f"must be one of {', '.join(EXPORTERS)} (got {str(format_name)[:40]!r})."}
        )
    return format_name
