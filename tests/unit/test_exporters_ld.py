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
OPTIONS = ExportOptions(
    base_url="https://desk.example/",
    organisation="Desk Example",
    public_pages={1: ("https://desk.example/fact-checks/headline-abc123", {10: 1})},
)


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
    # no IRI for the reviewer: the app has no page per user, so none is invented
    assert "@id" not in first["http://purl.org/dc/terms/creator"][0]
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


# schema.org's own context maps any unknown word through @vocab, so expanding alone proves little:
# every expanded type and property is also checked against the vocabulary of the same release.
TERMS = json.loads(schema_text("schemaorg-terms.json"))
GOOGLE_REQUIRED = ("claimReviewed", "reviewRating", "url")  # and reviewRating.alternateName
LITERAL_TYPES = {str: "Text", int: "Integer", float: "Number", bool: "Boolean"}


def lineage(type_name: str) -> set[str]:
    """A schema.org type and all its supertypes."""
    found, todo = set(), [type_name]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo += TERMS["types"].get(name, [])
    return found


def schema_term(iri: str, problems: list[str], where: str) -> str | None:
    if not iri.startswith(SCHEMA):
        problems.append(f"{where}: {iri} is not a schema.org term")
        return None
    name = iri.removeprefix(SCHEMA)
    if name in TERMS["superseded"]:
        problems.append(f"{where}: {name} is superseded")
    return name


def vocabulary_problems(node: dict, where: str = "") -> list[str]:
    """Every way an expanded node breaks schema.org: unknown types or properties, a property on a
    type it is not meant for, a value of a type the property does not take."""
    problems: list[str] = []
    types: set[str] = set()
    for iri in node.get("@type", []):
        name = schema_term(iri, problems, f"{where}@type")
        if name is not None and name not in TERMS["types"]:
            problems.append(f"{where}@type: {name} is no schema.org type")
        elif name is not None:
            types |= lineage(name)
    for key, values in node.items():
        if key.startswith("@"):
            continue
        name = schema_term(key, problems, where + key.removeprefix(SCHEMA))
        prop = TERMS["properties"].get(name) if name else None
        if name and prop is None:
            problems.append(f"{where}{name} is no schema.org property")
            continue
        if prop is None:
            continue
        if prop["domain"] and types and not types.intersection(prop["domain"]):
            problems.append(f"{where}{name} is not a property of {sorted(types)}")
        ranges = set(prop["range"])
        for value in values:
            if "@value" in value:
                kind = value.get("@type", SCHEMA + LITERAL_TYPES[type(value["@value"])])
                kind = kind.removeprefix(SCHEMA)
                if not lineage(kind) & ranges:
                    problems.append(f"{where}{name} takes no {kind} value")
            elif "@type" in value:
                value_types = set().union(
                    *(lineage(t.removeprefix(SCHEMA)) for t in value["@type"])
                )
                if not value_types & ranges:
                    problems.append(f"{where}{name} takes no {sorted(value_types)}")
                problems += vocabulary_problems(value, f"{where}{name}.")
            elif ranges <= set(TERMS["datatypes"]) and "URL" not in ranges:
                problems.append(f"{where}{name} takes no IRI")
    return problems


def claimreview_records() -> list[ExportRecord]:
    """Records that exercise every optional ClaimReview field, and their absence."""
    base = record()
    full = ExportRecord(
        dict(
            base.article,
            url="https://news.example/story",
            outlet="Wire",
            author="Jane Writer",
            published_at="2026-01-01",
        ),
        dict(base.sentence, adjudication={"verdict": "unproven", "adjudicator": "admin"}),
        base.annotation,
        base.sentences,
    )
    bare = record(note="", attributed_to="", span={"start": 10, "end": 16})
    bare.annotation["links"] = []
    institution = record(attributed_to="Ukraine's defence ministry")
    return [full, bare, institution]


def test_claimreview_uses_only_schema_org_terms_where_they_belong():
    records = claimreview_records()
    for n, rec in enumerate(records):  # three claims: three sentences of three articles
        rec.article = dict(rec.article, id=n + 1)
        rec.sentence = dict(rec.sentence, id=100 + n)
    document = export(
        "claimreview",
        records,
        ExportOptions(
            base_url="https://desk.example/",
            public_pages={
                n + 1: (f"https://desk.example/fact-checks/p{n}", {10: 1}) for n in range(3)
            },
        ),
    )
    expanded = expand(document)
    assert len(expanded) == 3
    for review in expanded:
        assert vocabulary_problems(review) == []
        for term in GOOGLE_REQUIRED:
            assert review[SCHEMA + term], term
        assert review[SCHEMA + "reviewRating"][0][SCHEMA + "alternateName"]
        item = review[SCHEMA + "itemReviewed"][0]
        assert item["@type"] == [SCHEMA + "Claim"]
        assert item[SCHEMA + "appearance"][0][SCHEMA + "url"]


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda r: r.update(verdict="false"), "verdict is no schema.org property"),
        (lambda r: r.update({"@type": "FactCheck"}), "FactCheck is no schema.org type"),
        (lambda r: r["reviewRating"].update(headline="x"), "headline is not a property of"),
        (lambda r: r["itemReviewed"].update(claimReviewed="x"), "claimReviewed is not a property"),
        (lambda r: r.update(author={"@type": "Rating", "name": "x"}), "author takes no"),
        (lambda r: r.update(datePublished={"@type": "Person"}), "datePublished takes no"),
        (lambda r: r.update(reviews={"@type": "Review"}), "reviews is superseded"),
        (lambda r: r.update({"http://example.org/x": "y"}), "is not a schema.org term"),
        (lambda r: r["reviewRating"].update(ratingValue=True), "ratingValue takes no Boolean"),
        (
            lambda r: r["itemReviewed"]["appearance"]["publisher"].update(ratingValue=1),
            "itemReviewed.appearance.publisher.ratingValue is not a property of",
        ),
        (lambda r: r.update(claimReviewed={"@id": "https://x.example/"}), "takes no IRI"),
    ],
)
def test_the_vocabulary_check_refuses_what_schema_org_does_not_define(change, problem):
    document = export("claimreview", claimreview_records()[:1])
    change(document["@graph"][0])
    (review,) = expand(document)
    problems = vocabulary_problems(review)
    assert any(problem in p for p in problems), problems


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
    assert review["url"] == "https://desk.example/fact-checks/headline-abc123#claim-1"
    assert review["author"] == {"@type": "Organization", "name": "Desk Example"}
    assert review["datePublished"] == "2026-01-01"
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and item["author"] == {"@type": "Person", "name": "Peskov"}
    assert item["appearance"]["url"] == "https://news.example/story"

    (expanded,) = expand(document)
    assert expanded["@type"] == [SCHEMA + "ClaimReview"]
    assert expanded[SCHEMA + "url"] == [
        {"@id": "https://desk.example/fact-checks/headline-abc123#claim-1"}
    ]
    assert (
        expanded[SCHEMA + "reviewRating"][0][SCHEMA + "alternateName"][0]["@value"]
        == RATINGS[verdict][1]
    )
    appearance = expanded[SCHEMA + "itemReviewed"][0][SCHEMA + "appearance"][0]
    assert appearance[SCHEMA + "url"] == [{"@id": "https://news.example/story"}]


def test_claimreview_appearance_without_an_article_url_is_its_public_page_or_none():
    page = "https://desk.example/fact-checks/headline-abc123"
    (review,) = export("claimreview", [record()])["@graph"]
    assert review["itemReviewed"]["appearance"]["url"] == page + "#claim-1"
    (expanded,) = expand(export("claimreview", [record()]))
    appearance = expanded[SCHEMA + "itemReviewed"][0][SCHEMA + "appearance"][0]
    assert appearance[SCHEMA + "url"] == [{"@id": page + "#claim-1"}]
    unpublished = ExportOptions(base_url="https://desk.example/")
    (review,) = export("claimreview", [record()], unpublished)["@graph"]
    assert "url" not in review["itemReviewed"]["appearance"] and "url" not in review
    assert "desk.example" not in json.dumps(review)  # no page behind the login


def _on(sentence_id: int, reviewer: str, verdict: str, note: str = "") -> ExportRecord:
    rec = record(note=note)
    return ExportRecord(
        rec.article,
        dict(rec.sentence, id=sentence_id),
        dict(rec.annotation, reviewer=reviewer, verdict=verdict),
        rec.sentences,
    )


def test_one_review_per_claim_with_the_final_verdict_or_the_agreed_one():
    final = {
        "verdict": "verified",
        "note": "Minutes confirm it.",
        "adjudicator": "boss",
        "created_at": "2026-02-01T00:00:00+00:00",
        "updated_at": "2026-02-02T00:00:00+00:00",
    }
    settled = [_on(11, "alice", "disputed", "alice's note"), _on(11, "bob", "verified")]
    settled = [
        ExportRecord(r.article, dict(r.sentence, adjudication=final), r.annotation) for r in settled
    ]
    agreed = [_on(12, "alice", "unproven"), _on(12, "bob", "unproven")]
    open_ = [_on(13, "alice", "verified"), _on(13, "bob", "disputed")]
    graph = export("claimreview", settled + agreed + open_)["@graph"]
    assert [r["reviewRating"]["alternateName"] for r in graph] == ["Verified", "Unproven"]
    assert (
        graph[0]["reviewBody"] == "Minutes confirm it."
        and graph[0]["datePublished"] == "2026-02-01"
    )
    assert "reviewBody" not in graph[1]  # reviewers' notes are theirs, not the desk's
    assert "alice" not in json.dumps(graph) and "bob" not in json.dumps(graph)


@pytest.mark.parametrize(
    "attributed_to, kind",
    [
        ("The Kremlin", "Organization"),
        ("Ukraine's defence ministry", "Organization"),
        ("social media", "Organization"),
        ("Western officials", "Organization"),
        ("Russian state TV", "Organization"),
        ("the president's office", "Organization"),
        ("Russia's General Staff", "Organization"),
        ("Ministry of Defence", "Organization"),
        ("NATO", "Organization"),
        ("Peskov", "Person"),
        ("Dmitry Peskov, Kremlin spokesman", "Person"),
        ("Kremlin spokesman Dmitry Peskov", "Person"),
        ("the defence minister", "Person"),
        ("head of the army", "Person"),
        ("the mayor of Kherson", "Person"),
    ],
)
def test_claim_author_is_an_organisation_or_a_person_by_the_documented_rule(attributed_to, kind):
    (review,) = export("claimreview", [record(attributed_to=attributed_to)])["@graph"]
    assert review["itemReviewed"]["author"] == {"@type": kind, "name": attributed_to}


def test_claim_without_attribution_has_no_author():
    (review,) = export("claimreview", [record(attributed_to="")])["@graph"]
    assert "author" not in review["itemReviewed"]


def test_empty_jsonld_exports_are_valid_documents():
    assert expand(export("claimreview", [])) == []
    (collection,) = expand(export("jsonld", []))
    assert (
        collection["http://www.w3.org/ns/activitystreams#first"][0][
            "http://www.w3.org/ns/activitystreams#items"
        ][0]["@list"]
        == []
    )
