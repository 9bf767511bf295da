"""schema.org ClaimReview (JSON-LD): one ClaimReview per claim, as the desk would publish it.

A claim is a judged sentence. Its rating is the final (adjudicated) verdict when an admin recorded
one, with the adjudication note as ``reviewBody``; without one, the verdict every reviewer gave it
when they all agree; a claim the reviewers disagree on and nobody settled has no review yet (the
desk has not said what it thinks). The review's ``author`` is the desk (``PUBLIC_NAME``, an
Organization), never a reviewer: per-reviewer detail stays in the JSON and CSV exports. The
attribution is the most common one among the judgements that reached the verdict, the citations
their distinct evidence links.

Google's fact-check markup requires ``claimReviewed``, ``reviewRating`` (with ``alternateName``)
and ``url``; it recommends ``author``, ``datePublished`` and ``itemReviewed`` (a Claim with its
``appearance`` and ``author``). The verdict maps to a three-point scale (RATINGS; docs/exports.md).
``url`` and ``@id`` are the claim on the article's public fact-check page when it is published,
and absent otherwise: an export never links to a page behind the login. The claim's
``appearance`` is the article's own URL (else its public page, else none). The claim's ``author``
(the attribution) is an ``Organization`` or a ``Person`` by the rule in ``author_type``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

from annotator import exporters
from annotator.text.cues import BODY_NOUNS

CONTEXT = "https://schema.org"
CONTEXT_FILE = "schemaorg-context.jsonld"
BEST, WORST = 3, 1

# verdict -> (ratingValue, alternateName): 3 is best (the claim holds), 1 worst (it is contested).
RATINGS: dict[str, tuple[int, str]] = {
    "verified": (3, "Verified"),
    "unproven": (2, "Unproven"),
    "disputed": (1, "Disputed"),
}

# Words that make an attribution an organisation ("Ukraine's defence ministry", "The Kremlin",
# "social media", "Western officials"): the cue detector's body nouns and a few more that name
# groups of people; and words naming a person by their role
# ("Kremlin spokesman Dmitry Peskov", "the defence minister").
_ORGANISATION = """
    alliance authorities cabinet command congress corporation headquarters intelligence media news
    officials organisation organization pentagon presidency press senate sources staff
"""
_ROLES = """
    spokesman spokeswoman spokesperson minister president chancellor premier general commander
    colonel officer mayor governor secretary ambassador envoy chief head director adviser advisor
    official analyst reporter correspondent journalist soldier resident witness leader deputy
    senator lawmaker king queen prince mr mrs ms dr
"""
ORGANISATION_WORDS = BODY_NOUNS | frozenset(_ORGANISATION.split())
ROLE_WORDS = frozenset(_ROLES.split())
_NAME_END = re.compile(r"[,(;]")
_HEAD_END = re.compile(r"\s(?:of|for|at|in|from)\s", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’]s)?|\d+")


def author_type(name: str) -> str:
    """Whether an attribution names an "Organization" or a "Person", by a simple rule on its words.

    Only the name counts, not its description after a comma or parenthesis ("Dmitry Peskov, Kremlin
    spokesman"), and within it only the head before "of", "for", "at", "in", "from" ("head of the
    army" is a person); possessives ("the president's office") only qualify the head. Then: the
    last word is an organisation word -> Organization; any role word -> Person; any organisation
    word, a leading "the", or a single all-capital word ("NATO", "TASS") -> Organization; anything
    else -> Person. It can be wrong; the reviewer's text is kept as the name.
    """
    text = _NAME_END.split(name, maxsplit=1)[0].strip()
    head = _HEAD_END.split(text, maxsplit=1)[0]
    words = [w.lower() for w in _WORD.findall(head)]
    if not words:
        return "Person"
    plain = [w for w in words if not w.endswith(("'s", "’s"))] or words
    if plain[-1] in ORGANISATION_WORDS:
        return "Organization"
    if any(w in ROLE_WORDS for w in plain):
        return "Person"
    acronym = " " not in text and len(text) > 1 and text.isupper()
    if any(w in ORGANISATION_WORDS for w in plain) or words[0] == "the" or acronym:
        return "Organization"
    return "Person"


def claim_reviews(
    records: Iterable[exporters.ExportRecord], options: exporters.ExportOptions
) -> Iterator[dict[str, Any]]:
    """One ClaimReview per settled claim, from records in sentence order."""
    judged = (r for r in records if r.annotation is not None and r.sentence is not None)
    for _sentence_id, group in groupby(judged, key=lambda r: r.sentence["id"]):  # type: ignore[index]
        review = claim_review(list(group), options)
        if review is not None:
            yield review


def claim_review(
    group: list[exporters.ExportRecord], options: exporters.ExportOptions
) -> dict[str, Any] | None:
    """The ClaimReview of one sentence's judgements (None when nothing settled it)."""
    article, sentence = group[0].article, group[0].sentence
    assert sentence is not None
    annotations = [r.annotation for r in group if r.annotation is not None]
    final = sentence.get("adjudication")
    if final:
        verdict = final["verdict"]
    else:
        verdicts = {a["verdict"] for a in annotations}
        if len(verdicts) != 1:
            return None
        verdict = verdicts.pop()
    backing = [a for a in annotations if a["verdict"] == verdict] or annotations
    spans = (
        {(a["span"] or {}).get("start") for a in annotations},
        {(a["span"] or {}).get("end") for a in annotations},
    )
    span = annotations[0]["span"] if all(len(values) == 1 for values in spans) else None
    claim = article["text"][span["start"] : span["end"]] if span else sentence["text"]
    page = options.public_pages.get(article["id"])
    url = None
    if page is not None:
        number = page[1].get(sentence["start"])
        url = f"{page[0]}#claim-{number}" if number else page[0]
    names = Counter(a["attributed_to"] for a in backing if a["attributed_to"])
    links: dict[str, dict[str, Any]] = {}
    for a in backing:
        for link in a["links"]:
            links.setdefault(link["url"], link)
    dates = (
        (final.get("created_at"), final.get("updated_at"))
        if final and final.get("created_at")
        else (
            min(a["created_at"] for a in annotations),
            max(a["updated_at"] for a in annotations),
        )
    )
    review = _review(
        claim,
        verdict,
        _claim(article, names.most_common(1)[0][0] if names else "", article["url"] or url),
        author={"@type": "Organization", "name": options.organisation},
        body=(final.get("note") or "") if final else "",
        links=list(links.values()),
        dates=dates,  # type: ignore[arg-type]
    )
    if url is None:
        return {"@type": "ClaimReview", **review}
    return {"@type": "ClaimReview", "@id": url, "url": url, **review}


def _claim(article: dict[str, Any], attributed_to: str, url: str | None) -> dict[str, Any]:
    """The Claim reviewed: where it appeared (the article) and who made it."""
    appearance: dict[str, Any] = {"@type": "NewsArticle", "headline": article["title"]}
    if url:
        appearance["url"] = url
    if article["published_at"]:
        appearance["datePublished"] = article["published_at"]
    if article["outlet"]:
        appearance["publisher"] = {"@type": "Organization", "name": article["outlet"]}
    if article["author"]:
        appearance["author"] = {"@type": "Person", "name": article["author"]}
    item: dict[str, Any] = {"@type": "Claim", "appearance": appearance}
    if attributed_to:
        item["author"] = {"@type": author_type(attributed_to), "name": attributed_to}
    if article["published_at"]:
        item["datePublished"] = article["published_at"]
    return item


def _review(
    claim: str,
    verdict: str,
    item: dict[str, Any],
    *,
    author: dict[str, Any],
    body: str,
    links: list[dict[str, Any]],
    dates: tuple[str, str],
) -> dict[str, Any]:
    """The parts every ClaimReview has: the claim, its rating, who reviewed it, why, evidence."""
    value, name = RATINGS[verdict]
    review: dict[str, Any] = {
        "claimReviewed": " ".join(claim.split()),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": BEST,
            "worstRating": WORST,
            "alternateName": name,
        },
        "itemReviewed": item,
        "author": author,
        "datePublished": dates[0][:10],
        "dateModified": dates[1][:10],
    }
    if body:
        review["reviewBody"] = body
    if links:
        review["citation"] = [
            {
                "@type": "CreativeWork",
                "url": link["url"],
                **({"name": link["title"]} if link["title"] else {}),
            }
            for link in links
        ]
    return review


def write(
    records: Iterable[exporters.ExportRecord],
    options: exporters.ExportOptions = exporters.DEFAULT_OPTIONS,
) -> Iterator[str]:
    """Stream a JSON-LD graph of ClaimReviews, one per line."""
    yield '{"@context": "' + CONTEXT + '", "@graph": ['
    items = claim_reviews(records, options)
    yield from exporters.array_lines(items, lambda item: json.dumps(item, ensure_ascii=False))
    yield "}\n"


EXPORTER = exporters.Exporter(
    "claimreview",
    "application/ld+json",
    "claimreview.jsonld",
    write,
    label="schema.org ClaimReview (JSON-LD)",
    needs=frozenset({"publications"}),
)


def published_claim_review(
    claim: dict[str, Any],
    article: dict[str, Any],
    *,
    page_url: str,
    organisation: str,
    published: str,
    modified: str,
) -> dict[str, Any]:
    """The ClaimReview of one claim on a public fact-check page (no internal ids, no usernames)."""
    review = _review(
        claim["text"],
        claim["verdict"],
        _claim(article, claim["attributed_to"], article["url"] or page_url),
        author={"@type": "Organization", "name": organisation},
        body=claim["rationale"],
        links=claim["links"],
        dates=(published, modified),
    )
    return {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": f"{page_url}#claim-{claim['n']}",
        **review,
    }
