"""W3C Web Annotation (JSON-LD): one Annotation per judgement, in an AnnotationCollection.

Each annotation is motivated by ``assessing``; its bodies are the verdict (purpose assessing),
the note (commenting), the attribution (describing) and each evidence link (linking); its target
is the article with a TextQuoteSelector (exact, prefix, suffix) and a TextPositionSelector
(start, end in characters of the article text). Terms come from the W3C context, shipped in
schema/anno.jsonld so that tests expand it without the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from annotator import exporters

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_FILE = "anno.jsonld"
QUOTE_CONTEXT = 32  # characters of prefix and suffix around the quote


def zulu(iso: str) -> str:
    """2026-01-02T03:04:05.123456+00:00 -> 2026-01-02T03:04:05Z (xsd:dateTime, as the model's examples)."""
    base = iso.split("+", 1)[0].split(".", 1)[0]
    return base.rstrip("Z") + "Z"


def article_iri(article: dict[str, Any], base_url: str) -> str:
    return f"{base_url}articles/{article['id']}"


def annotation_ld(record: exporters.ExportRecord, base_url: str) -> dict[str, Any]:
    """One Web Annotation for one record."""
    article, sentence, ann = record.article, record.sentence, record.annotation
    assert sentence is not None and ann is not None
    text = article["text"]
    start, end = (
        (ann["span"]["start"], ann["span"]["end"])
        if ann["span"]
        else (sentence["start"], sentence["end"])
    )
    bodies: list[dict[str, Any]] = [
        {
            "type": "TextualBody",
            "purpose": "assessing",
            "value": ann["verdict"],
            "format": "text/plain",
        }
    ]
    if ann["note"]:
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": ann["note"],
                "format": "text/plain",
            }
        )
    if ann["attributed_to"]:
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "describing",
                "value": ann["attributed_to"],
                "format": "text/plain",
            }
        )
    for link in ann["links"]:
        body: dict[str, Any] = {
            "type": "SpecificResource",
            "purpose": "linking",
            "source": link["url"],
        }
        if link["title"]:
            body["label"] = link["title"]
        bodies.append(body)
    target: dict[str, Any] = {
        "type": "SpecificResource",
        "source": article["url"] or article_iri(article, base_url),
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": text[start:end],
                "prefix": text[max(0, start - QUOTE_CONTEXT) : start],
                "suffix": text[end : end + QUOTE_CONTEXT],
            },
            {"type": "TextPositionSelector", "start": start, "end": end},
        ],
    }
    return {
        "id": f"{base_url}api/v1/annotations/{ann['id']}",
        "type": "Annotation",
        "motivation": "assessing",
        "body": bodies,
        "target": target,
        # No "id": this app has no public page per user, and an IRI must not name one that does not
        # exist. The reviewer is a blank node known by their username.
        "creator": {
            "type": "Person",
            "nickname": ann["reviewer"],
        },
        "created": zulu(ann["created_at"]),
        "modified": zulu(ann["updated_at"]),
    }


def write(
    records: Iterable[exporters.ExportRecord],
    options: exporters.ExportOptions = exporters.DEFAULT_OPTIONS,
) -> Iterator[str]:
    """Stream an AnnotationCollection whose first page holds every annotation, one per line."""
    head = {"@context": CONTEXT, "type": "AnnotationCollection", "label": "Claim assessments"}
    yield (
        json.dumps(head, ensure_ascii=False)[:-1]
        + ', "first": {"type": "AnnotationPage", "startIndex": 0, "items": ['
    )
    items = (annotation_ld(r, options.base_url) for r in records if r.annotation is not None)
    yield from exporters.array_lines(items, lambda item: json.dumps(item, ensure_ascii=False))
    yield "}}\n"


EXPORTER = exporters.Exporter(
    "jsonld", "application/ld+json", "jsonld", write, label="W3C Web Annotation (JSON-LD)"
)
