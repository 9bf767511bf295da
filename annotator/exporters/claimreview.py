"""schema.org ClaimReview (JSON-LD): one ClaimReview per judgement, for publishing fact checks.

Google's fact-check markup requires ``claimReviewed``, ``reviewRating`` (with ``alternateName``)
and ``url``; it recommends ``author``, ``datePublished`` and ``itemReviewed`` (a Claim with its
``appearance`` and ``author``). All are written. The verdict maps to a three-point scale (RATINGS);
docs/exports.md documents it. When an admin recorded a final (adjudicated) verdict for the sentence,
the rating is that verdict, not the reviewer's: a published fact check says what the desk settled on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from annotator import exporters

CONTEXT = "https://schema.org"
CONTEXT_FILE = "schemaorg-context.jsonld"
BEST, WORST = 3, 1

# verdict -> (ratingValue, alternateName): 3 is best (the claim holds), 1 worst (it is contested).
RATINGS: dict[str, tuple[int, str]] = {
    "verified": (3, "Verified"),
    "unproven": (2, "Unproven"),
    "disputed": (1, "Disputed"),
}


def claim_review(record: exporters.ExportRecord, base_url: str) -> dict[str, Any]:
    """One ClaimReview for one record."""
    article, sentence, ann = record.article, record.sentence, record.annotation
    assert sentence is not None and ann is not None
    span = ann["span"]
    claim = article["text"][span["start"] : span["end"]] if span else sentence["text"]
    adjudication = sentence.get("adjudication")
    value, name = RATINGS[adjudication["verdict"] if adjudication else ann["verdict"]]
    appearance: dict[str, Any] = {"@type": "NewsArticle", "headline": article["title"]}
    if article["url"]:
        appearance["url"] = article["url"]
    if article["published_at"]:
        appearance["datePublished"] = article["published_at"]
    if article["outlet"]:
        appearance["publisher"] = {"@type": "Organization", "name": article["outlet"]}
    if article["author"]:
        appearance["author"] = {"@type": "Person", "name": article["author"]}
    item: dict[str, Any] = {"@type": "Claim", "appearance": appearance}
    if ann["attributed_to"]:
        item["author"] = {"@type": "Person", "name": ann["attributed_to"]}
    if article["published_at"]:
        item["datePublished"] = article["published_at"]
    review: dict[str, Any] = {
        "@type": "ClaimReview",
        "@id": f"{base_url}api/v1/annotations/{ann['id']}",
        "url": f"{base_url}articles/{article['id']}#annotation-{ann['id']}",
        "claimReviewed": " ".join(claim.split()),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": BEST,
            "worstRating": WORST,
            "alternateName": name,
        },
        "itemReviewed": item,
        "author": {"@type": "Person", "name": ann["reviewer"]},
        "datePublished": ann["created_at"][:10],
        "dateModified": ann["updated_at"][:10],
    }
    if ann["note"]:
        review["reviewBody"] = ann["note"]
    if ann["links"]:
        review["citation"] = [
            {
                "@type": "CreativeWork",
                "url": link["url"],
                **({"name": link["title"]} if link["title"] else {}),
            }
            for link in ann["links"]
        ]
    return review


def write(
    records: Iterable[exporters.ExportRecord],
    options: exporters.ExportOptions = exporters.DEFAULT_OPTIONS,
) -> Iterator[str]:
    """Stream a JSON-LD graph of ClaimReviews, one per line."""
    yield '{"@context": "' + CONTEXT + '", "@graph": ['
    items = (claim_review(r, options.base_url) for r in records if r.annotation is not None)
    yield from exporters.array_lines(items, lambda item: json.dumps(item, ensure_ascii=False))
    yield "}\n"


EXPORTER = exporters.Exporter(
    "claimreview",
    "application/ld+json",
    "claimreview.jsonld",
    write,
    label="schema.org ClaimReview (JSON-LD)",
)
