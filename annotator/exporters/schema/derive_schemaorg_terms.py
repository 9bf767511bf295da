"""Derive schemaorg-terms.json from a schema.org release's vocabulary (the app never imports this).

    python derive_schemaorg_terms.py schemaorg-current-https.jsonld 12.0 > schemaorg-terms.json

The output keeps, for every type, its direct supertypes and, for every property, the types it is
meant for (domainIncludes) and its value types (rangeIncludes); then the data types (Text, Number,
Date, ... and their subtypes) and which terms are pending or superseded: enough for a test to
refuse a term, or a use of one, that schema.org does not define.
"""

from __future__ import annotations

import json
import sys
from typing import Any

PREFIX = "schema:"
PENDING = "https://pending.schema.org"


def _names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    return sorted(i["@id"].removeprefix(PREFIX) for i in items if i["@id"].startswith(PREFIX))


def derive(path: str, version: str) -> dict[str, Any]:
    """The term list of one release."""
    with open(path, encoding="utf-8") as file:
        graph = json.load(file)["@graph"]
    types: dict[str, list[str]] = {}
    properties: dict[str, dict[str, list[str]]] = {}
    pending, superseded, datatypes = [], [], []
    for node in graph:
        kinds = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        name = node["@id"].removeprefix(PREFIX)
        if "rdfs:Class" in kinds:
            types[name] = _names(node.get("rdfs:subClassOf"))
            if "schema:DataType" in kinds:
                datatypes.append(name)
        elif "rdf:Property" in kinds:
            properties[name] = {
                "domain": _names(node.get("schema:domainIncludes")),
                "range": _names(node.get("schema:rangeIncludes")),
            }
        else:
            continue  # enumeration members
        if (node.get("schema:isPartOf") or {}).get("@id") == PENDING:
            pending.append(name)
        if node.get("schema:supersededBy"):
            superseded.append(name)
    return {
        "source": f"schema.org release {version}, schemaorg-current-https.jsonld",
        "version": version,
        "types": dict(sorted(types.items())),
        "properties": dict(sorted(properties.items())),
        "datatypes": _with_subtypes(datatypes, types),
        "pending": sorted(pending),
        "superseded": sorted(superseded),
    }


def _with_subtypes(names: list[str], types: dict[str, list[str]]) -> list[str]:
    found = set(names)
    while True:
        more = {t for t, supers in types.items() if found.intersection(supers)} - found
        if not more:
            return sorted(found)
        found |= more


def dump(terms: dict[str, Any]) -> str:
    """One term per line, so that a diff between releases reads term by term."""
    out = ["{"]
    out += [f"  {json.dumps(key)}: {json.dumps(terms[key])}," for key in ("source", "version")]
    for key in ("types", "properties"):
        out.append(f"  {json.dumps(key)}: {{")
        rows = (f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in terms[key].items())
        out.append(",\n".join(rows))
        out.append("  },")
    out.append(f'  "datatypes": {json.dumps(terms["datatypes"])},')
    out.append(f'  "pending": {json.dumps(terms["pending"])},')
    out.append(f'  "superseded": {json.dumps(terms["superseded"])}')
    return "\n".join(out) + "\n}\n"


if __name__ == "__main__":
    sys.stdout.write(dump(derive(sys.argv[1], sys.argv[2])))
