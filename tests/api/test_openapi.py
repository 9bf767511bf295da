"""The served OpenAPI description matches the API: every route, every $ref, the real field names."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from annotator.extensions import db
from annotator.services.annotations.annotations import annotate
from annotator.services.serialize import annotation_data

METHODS = {"get", "put", "post", "patch", "delete"}
IGNORED = {"HEAD", "OPTIONS"}


@pytest.fixture
def spec(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def openapi_path(rule: str) -> str:
    """Flask's /articles/<int:article_id> as OpenAPI's /articles/{article_id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def app_operations(app: Flask) -> set[tuple[str, str]]:
    return {
        (openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - IGNORED
    }


def documented_operations(spec: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (path, method)
        for path, item in spec["paths"].items()
        for method in item
        if method in METHODS
    }


def refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def resolve(spec: dict[str, Any], ref: str) -> object:
    assert ref.startswith("#/"), f"{ref} points outside the document"
    node: object = spec
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def test_served_document_is_openapi_31(spec: dict[str, Any]) -> None:
    assert re.fullmatch(r"3\.1\.\d+", spec["openapi"])
    assert spec["info"]["title"] and spec["info"]["version"]
    assert {"bearerToken", "sessionCookie", "csrfHeader"} <= set(
        spec["components"]["securitySchemes"]
    )
    assert spec["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"


def test_openapi_is_public(app: Flask) -> None:
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200


def test_every_api_route_is_documented(app: Flask, spec: dict[str, Any]) -> None:
    routes = app_operations(app)
    assert routes, "the api blueprint has no routes"
    missing = routes - documented_operations(spec)
    assert not missing, f"routes missing from openapi.json: {sorted(missing)}"


def test_every_documented_operation_exists(app: Flask, spec: dict[str, Any]) -> None:
    stale = documented_operations(spec) - app_operations(app)
    assert not stale, f"openapi.json documents operations the app lacks: {sorted(stale)}"


def test_path_parameters_are_declared(spec: dict[str, Any]) -> None:
    for path, item in spec["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        for method in METHODS & set(item):
            declared = {
                p["name"]
                for p in [*item.get("parameters", []), *item[method].get("parameters", [])]
                if p.get("in") == "path"
            }
            assert declared == names, (
                f"{method.upper()} {path}: path parameters {declared} != {names}"
            )


def test_every_operation_has_responses_with_real_statuses(spec: dict[str, Any]) -> None:
    allowed = {"200", "201", "204", "400", "401", "403", "404", "409", "413", "415", "422"}
    for path, item in spec["paths"].items():
        for method in METHODS & set(item):
            statuses = set(item[method]["responses"])
            assert statuses, f"{method.upper()} {path} has no responses"
            assert statuses <= allowed, (
                f"{method.upper()} {path}: unexpected statuses {statuses - allowed}"
            )
            if path != "/api/v1/openapi.json":
                assert "401" in statuses, f"{method.upper()} {path} does not document 401"


def test_every_ref_resolves(spec: dict[str, Any]) -> None:
    found = list(refs(spec))
    assert found
    for ref in found:
        resolve(spec, ref)


def test_named_schemas_exist(spec: dict[str, Any]) -> None:
    expected = {
        "Article",
        "Sentence",
        "Annotation",
        "AnnotationInput",
        "AnnotationPatch",
        "Link",
        "Error",
        "ArticleInput",
    }
    assert expected <= set(spec["components"]["schemas"])


def test_enums_match_the_models(spec: dict[str, Any]) -> None:
    from annotator.models import Credibility, Stance, Verdict

    schemas = spec["components"]["schemas"]
    assert schemas["Verdict"]["enum"] == [v.value for v in Verdict]
    assert schemas["Credibility"]["enum"] == [c.value for c in Credibility]
    assert schemas["Stance"]["enum"] == [*(s.value for s in Stance), None]


def test_annotation_schema_matches_what_the_api_returns(
    spec: dict[str, Any],
    make_user,
    make_article,
    client: FlaskClient,
    token_for,
) -> None:
    user = make_user("reviewer")
    article = make_article()
    sentence = article.sentences[1]
    ann = annotate(
        sentence,
        {
            "verdict": "disputed",
            "span": {"start": sentence.start, "end": sentence.start + 5},
            "links": [{"url": "https://example.org/a", "credibility": "high", "stance": "refutes"}],
        },
        actor=user,
    )
    db.session.commit()
    schema = spec["components"]["schemas"]["Annotation"]
    state = annotation_data(ann)
    assert set(schema["required"]) == set(state)
    assert set(schema["properties"]) == set(state)

    served = client.get(f"/api/v1/annotations/{ann.id}", headers=token_for(user)).get_json()
    assert set(schema["required"]) == set(served)
    link_schema = spec["components"]["schemas"]["Link"]
    assert set(link_schema["required"]) == set(served["links"][0])
    assert set(spec["components"]["schemas"]["Span"]["required"]) == set(served["span"])


def test_article_schema_matches_what_the_api_returns(
    spec: dict[str, Any],
    make_user,
    make_article,
    client: FlaskClient,
    token_for,
) -> None:
    user = make_user("reviewer")
    article = make_article(url="https://news.example.org/a", outlet="Example News")
    annotate(article.sentences[0], {"verdict": "verified"}, actor=user)
    db.session.commit()
    served = client.get(f"/api/v1/articles/{article.id}", headers=token_for(user)).get_json()
    schemas = spec["components"]["schemas"]
    assert set(schemas["Article"]["required"]) == set(served)
    assert set(schemas["Sentence"]["required"]) == set(served["sentences"][0])
    assert set(schemas["Annotation"]["required"]) == set(served["sentences"][0]["annotations"][0])

    listed = client.get("/api/v1/articles", headers=token_for(user)).get_json()
    assert set(schemas["ArticleList"]["required"]) == set(listed)
    item_keys = set(schemas["ArticleFields"]["required"]) | set(
        schemas["ArticleListItem"]["required"]
    )
    assert item_keys == set(listed["items"][0])


def test_error_schema_matches_an_error(spec: dict[str, Any], client: FlaskClient) -> None:
    body = client.get("/api/v1/me").get_json()
    error_schema = spec["components"]["schemas"]["Error"]["properties"]["error"]
    assert set(error_schema["required"]) == set(body["error"])


def test_source_import_schema_matches_what_the_api_returns(
    spec: dict[str, Any],
    make_user,
    client: FlaskClient,
    token_for,
) -> None:
    body = b"name,domains,credibility,rationale\nReuters,reuters.com,high,Wire\n"
    served = client.post(
        "/api/v1/sources/import",
        data=body,
        content_type="text/csv",
        headers=token_for(make_user("admin")),
    ).get_json()
    schema = spec["components"]["schemas"]["SourceImportResult"]
    assert set(schema["required"]) == set(served) == set(schema["properties"])
    operation = spec["paths"]["/api/v1/sources/import"]["post"]
    assert {"text/csv", "multipart/form-data"} == set(operation["requestBody"]["content"])
    exported = spec["paths"]["/api/v1/sources/export.csv"]["get"]["responses"]["200"]
    assert set(exported["content"]) == {"text/csv"}
