"""The JSON, W3C Web Annotation and ClaimReview exports open in their real consumers:
a JSON Schema validator and a JSON-LD processor (pyld) against the contexts shipped in the package."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from pyld import jsonld

from annotator.exporters import EXPORTERS, SCHEMA_FILE, ExportOptions, ExportRecord, schema_text
from annotator.exporters.claimreview import RATINGS

from .test_exporters import TEXT, record

OA = "http://www.w3.org/ns/oa#"
SCHEMA = "http://schema.org/"
LOCAL_CONTEXTS = {
    "http://www.w3.org/ns/anno.jsonld": "anno.jsonld",
    "https://schema.org": "schemaorg-context.jsonld",
}
OPTIONS = ExportOptions(base_url="https://desk.example/")


def offline_loader(url: str, options: dict | None = None) -> dict:
    """Serve the contexts from the package; anything else would need the network, which tests refuse."""
    if url not in LOCAL_CONTEXTS:
        raise AssertionError(f"the export asked for a context we do not ship: {url}")
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(schema_text(LOCAL_CONTEXTS[url])),
    }


def expand(document: dict) -> list[dict]:
    return jsonld.expand(document, {"documentLoader": offline_loader})


def export(name: str, records: list[ExportRecord], options: ExportOptions = OPTIONS) -> dict:
    return json.loads("".join(EXPORTERS[name].write(records, options)))


def test_json_export_validates_against_the_shipped_schema():
    validator = Draft202012Validator(json.loads(schema_text(SCHEMA_FILE)))
    validator.check_schema(validator.schema)
    with_history = ExportRecord(
        *list(vars_of(record()))[:4],
        history=[
            {
                "action": "create",
                "actor": "alice",
                "created_at": "2026-01-01T00:00:00+00:00",
                "before": None,
                "after": {},
            }
        ],
    )
    for options in (ExportOptions(), ExportOptions(include_history=True)):
        document = export("json", [with_history], options)
        assert not list(validator.iter_errors(document))
    broken = export("json", [record()])
    broken["articles"][0]["sentences"][1]["annotations"][0]["verdict"] = "maybe"
    assert [e.validator for e in validator.iter_errors(broken)] == ["enum"]


def vars_of(rec: ExportRecord) -> tuple:
    return (rec.article, rec.sentence, rec.annotation, rec.sentences)


def test_web_annotation_expands_with_the_w3c_context():
    span = {"start": 10, "end": 16}
    document = export("jsonld", [record(span=span), record(note="")])
    (collection,) = expand(document)
    assert collection["@type"] == ["http://www.w3.org/ns/activitystreams#OrderedCollection"]
    page = collection["http://www.w3.org/ns/activitystreams#first"][0]
    items = page["http://www.w3.org/ns/activitystreams#items"][0]["@list"]
    assert len(items) == 2
    first = items[0]
    assert first["@type"] == [OA + "Annotation"]
    assert first["@id"] == "https://desk.example/api/v1/annotations/5"
    assert first[OA + "motivatedBy"] == [{"@id": OA + "assessing"}]
    bodies = {b[OA + "hasPurpose"][0]["@id"]: b for b in first[OA + "hasBody"]}
    links = [
        b[OA + "hasSource"][0]["@id"]
        for b in first[OA + "hasBody"]
        if b[OA + "hasPurpose"][0]["@id"] == OA + "linking"
    ]
    assert links == ["https://a.example/x", "https://b.example/y"]
    assert (
        bodies[OA + "assessing"]["http://www.w3.org/1999/02/22-rdf-syntax-ns#value"][0]["@value"]
        == "disputed"
    )
    assert (
        bodies[OA + "commenting"]["http://www.w3.org/1999/02/22-rdf-syntax-ns#value"][0]["@value"]
        == "a note"
    )
    target = first[OA + "hasTarget"][0]
    selectors = {s["@type"][0]: s for s in target[OA + "hasSelector"]}
    quote = selectors[OA + "TextQuoteSelector"]
    assert quote[OA + "exact"][0]["@value"] == TEXT[10:16] == "Peskov"
    assert quote[OA + "prefix"][0]["@value"] == TEXT[:10]
    assert quote[OA + "suffix"][0]["@value"] == TEXT[16:48]
    position = selectors[OA + "TextPositionSelector"]
    assert position[OA + "start"][0]["@value"] in (10, "10") and position[OA + "end"][0][
        "@value"
    ] in (16, "16")
    assert (
        first["http://purl.org/dc/terms/creator"][0]["http://xmlns.com/foaf/0.1/nick"][0]["@value"]
        == "alice"
    )
    assert first["http://purl.org/dc/terms/created"][0] == {
        "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
        "@value": "2026-01-01T00:00:00Z",
    }
    assert first["http://purl.org/dc/terms/modified"][0]["@value"] == "2026-01-02T00:00:00Z"
    # Without a span the whole sentence is the quote; without a note there is no commenting body.
    second = items[1]
    assert (
        second[OA + "hasTarget"][0][OA + "hasSelector"][0][OA + "exact"][0]["@value"] == TEXT[10:39]
    )
    assert OA + "commenting" not in {b[OA + "hasPurpose"][0]["@id"] for b in second[OA + "hasBody"]}


@pytest.mark.parametrize("verdict", ["verified", "unproven", "disputed"])
def test_claimreview_has_googles_required_fields_and_the_documented_rating(verdict):
    rec = record()
    rec = ExportRecord(
        dict(rec.article, url="https://news.example/story", outlet="Wire"),
        rec.sentence,
        dict(rec.annotation, verdict=verdict),
        rec.sentences,
    )
    document = export("claimreview", [rec])
    (review,) = document["@graph"]
    # Google: required claimReviewed, reviewRating (with alternateName), url; recommended author, datePublished,
    # itemReviewed (a Claim with appearance and author).
    assert review["claimReviewed"] == " ".join(TEXT[10:39].split())
    rating = review["reviewRating"]
    assert (rating["ratingValue"], rating["alternateName"]) == RATINGS[verdict]
    assert (rating["bestRating"], rating["worstRating"]) == (3, 1)
    assert review["url"] == "https://desk.example/articles/1#annotation-5"
    assert review["author"] == {"@type": "Person", "name": "alice"}
    assert review["datePublished"] == "2026-01-01"
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"] == {"@type": "Person", "name": "Peskov"}
    assert item["appearance"]["url"] == "https://news.example/story"

    (expanded,) = expand(document)
    assert expanded["@type"] == [SCHEMA + "ClaimReview"]
    assert expanded[SCHEMA + "url"] == [{"@id": "https://desk.example/articles/1#annotation-5"}]
    assert (
        expanded[SCHEMA + "reviewRating"][0][SCHEMA + "alternateName"][0]["@value"]
        == RATINGS[verdict][1]
    )
    appearance = expanded[SCHEMA + "itemReviewed"][0][SCHEMA + "appearance"][0]
    assert appearance[SCHEMA + "url"] == [{"@id": "https://news.example/story"}]


def test_empty_jsonld_exports_are_valid_documents():
    assert expand(export("claimreview", [])) == []
    (collection,) = expand(export("jsonld", []))
    assert (
        collection["http://www.w3.org/ns/activitystreams#first"][0][
            "http://www.w3.org/ns/activitystreams#items"
        ][0]["@list"]
        == []
    )
