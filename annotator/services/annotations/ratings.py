"""The rating policy for evidence links: what credibility a saved link stores, and why."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from annotator.enums import Credibility, RatingOrigin
from annotator.models import EvidenceLink
from annotator.services import sources
from annotator.services.errors import Invalid
from annotator.services.validation import Problems


def rate_links(
    links: Sequence[dict[str, Any]], *, previous: Iterable[EvidenceLink]
) -> list[dict[str, Any]]:
    """Give each cleaned link its stored rating.

    - A link already saved on the annotation (same URL) and sent back with its rating keeps the
      rating, where it came from and the reason: registry changes never rewrite saved links.
    - A new link without a rating (or with the editor's blank "unknown") gets the registry's rating.
    - A rating that differs from the registry's needs an ``override_reason``.
    - Without a registry match the rating is the reviewer's, "unknown" when none is given.
    """
    saved: dict[str, EvidenceLink] = {}
    for link in previous:
        saved.setdefault(link.url, link)
    problems = Problems()
    rated = []
    for i, link in enumerate(links):
        given: Credibility | None = link.get("credibility")
        reason: str = link.get("override_reason") or ""
        old = saved.get(link["url"])
        base = {key: link.get(key) for key in ("url", "title", "stance")}
        if old is not None and given in (None, old.credibility):
            keep_reason = (
                reason
                if reason and old.credibility_source == RatingOrigin.REVIEWER
                else old.override_reason
            )
            rated.append(
                base
                | {
                    "credibility": old.credibility,
                    "credibility_source": old.credibility_source,
                    "override_reason": keep_reason,
                    "source": old.source,
                }
            )
            continue
        source = sources.lookup(link["url"])
        if source is not None and (given is None or (given == Credibility.UNKNOWN and old is None)):
            given = source.credibility
        if source is not None and given == source.credibility:
            rated.append(
                base
                | {
                    "credibility": given,
                    "credibility_source": RatingOrigin.REGISTRY,
                    "override_reason": "",
                    "source": source,
                }
            )
            continue
        if source is not None and not reason:
            problems[f"links[{i}].override_reason"] = (
                f"give a reason for overriding the registry's rating: it rates {source.name} "
                f"{source.credibility}, this link is rated {given} (or choose {source.credibility})."
            )
            continue
        rated.append(
            base
            | {
                "credibility": given or Credibility.UNKNOWN,
                "credibility_source": RatingOrigin.REVIEWER,
                "override_reason": reason,
                "source": source,
            }
        )
    if problems:
        raise Invalid(problems)
    return rated
