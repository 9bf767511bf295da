"""The field table (annotator/fields.py) is the one source of limits: models, forms, services and
the JSON export schema all agree with it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import String
from wtforms.validators import DataRequired, Length

from annotator import fields
from annotator.exporters import SCHEMA_FILE, schema_text
from annotator.models import (
    Adjudication,
    Annotation,
    ApiToken,
    Article,
    EvidenceLink,
    Revision,
    Source,
    SourceDomain,
    User,
)
from annotator.services import sources as source_service
from annotator.services.articles import articles as article_service
from annotator.services.errors import Invalid
from annotator.web import agreement, forms
from tests.conftest import REUTERS

# model -> the field table's entity its columns are named after
MODELS = {
    Article: "article",
    Annotation: "annotation",
    EvidenceLink: "link",
    Adjudication: "adjudication",
    Source: "source",
    User: "user",
    ApiToken: "token",
    Revision: "revision",
}


def _sized_columns() -> list[tuple[str, str, int | None]]:
    found = []
    for model, entity in MODELS.items():
        for column in model.__table__.columns:
            rule = fields.ENTITIES[entity].get(column.name)
            # enum columns are as long as their longest value (models._types.enum_column)
            if isinstance(column.type, String) and rule is not None and rule.type != "enum":
                found.append((entity, column.name, column.type.length))  # type: ignore[attr-defined]
    return found


@pytest.mark.parametrize(("entity", "name", "length"), _sized_columns())
def test_every_sized_column_is_as_long_as_the_field_table_says(
    entity: str, name: str, length: int | None
) -> None:
    rule = fields.ENTITIES[entity][name]
    # a TEXT column has no length: the table's limit (often the config's) is the services' to keep
    assert length == (None if rule.type == "text" else rule.limit)


def test_the_columns_cover_every_bounded_string_field() -> None:
    covered = {(entity, name) for entity, name, _ in _sized_columns()}
    bounded = {
        (entity, name)
        for entity in MODELS.values()
        for name, field in fields.ENTITIES[entity].items()
        if field.type in ("string", "url", "date") and field.limit and name in _columns(entity)
    }
    assert bounded <= covered
    assert SourceDomain.__table__.c.domain.type.length == fields.DOMAIN.limit


def _columns(entity: str) -> set[str]:
    model = next(model for model, name in MODELS.items() if name == entity)
    return set(model.__table__.columns.keys())


# form field -> (entity, field); every Length(max=...) on these forms is listed here
FORM_FIELDS = {
    forms.LoginForm: {"username": ("user", "username"), "password": ("user", "password")},
    forms.UserForm: {"username": ("user", "username")},
    forms.ArticleForm: {
        name: ("article", name)
        for name in ("title", "url", "outlet", "author", "published_at", "language")
    },
    forms.LinkForm: {name: ("link", name) for name in ("url", "title", "override_reason")},
    forms.AnnotationForm: {
        "attributed_to": ("annotation", "attributed_to"),
        "note": ("annotation", "note"),
    },
    forms.TokenForm: {"name": ("token", "name")},
    forms.SourceForm: {"name": ("source", "name"), "rationale": ("source", "rationale")},
    agreement.AdjudicationForm: {"note": ("adjudication", "note")},
}


def _validators(form: type, name: str) -> list[object]:
    return getattr(form, name).kwargs.get("validators", [])


@pytest.mark.parametrize(
    ("form", "name", "entity", "field"),
    [(form, name, *where) for form, names in FORM_FIELDS.items() for name, where in names.items()],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_form_lengths_and_required_come_from_the_field_table(
    form: type, name: str, entity: str, field: str
) -> None:
    rule = fields.ENTITIES[entity][field]
    lengths = [v.max for v in _validators(form, name) if isinstance(v, Length)]
    assert lengths == [rule.limit]
    required = any(isinstance(v, DataRequired) for v in _validators(form, name))
    # The article form may leave the title out (the text's first line becomes it), and a blank
    # link row is no link at all: the service, not the form, asks for what those need.
    assert required == (rule.required and form not in (forms.ArticleForm, forms.LinkForm))


def test_the_annotation_form_takes_at_most_the_field_tables_links() -> None:
    assert forms.AnnotationForm.links.kwargs["max_entries"] == fields.ANNOTATION["links"].limit


def test_every_length_on_a_form_is_in_the_table_above() -> None:
    for form in FORM_FIELDS:
        for name in dir(form):
            attribute = getattr(form, name, None)
            if any(
                isinstance(v, Length)
                for v in getattr(attribute, "kwargs", {}).get("validators", [])
            ):
                assert name in FORM_FIELDS[form] or name in ("domains", "claim_text"), (
                    f"{form.__name__}.{name} has a Length the field table does not give"
                )


SCHEMA = json.loads(schema_text(SCHEMA_FILE))["$defs"]


@pytest.mark.parametrize(
    "entity", ["article", "sentence", "annotation", "link", "adjudication", "source", "revision"]
)
def test_the_export_schema_has_the_field_tables_keys_limits_and_required(entity: str) -> None:
    table, schema = fields.ENTITIES[entity], SCHEMA[entity]
    assert set(schema["properties"]) == set(table)
    must, may = fields.export_keys(entity)
    assert set(schema["required"]) == must
    assert not must & may
    for name, rule in table.items():
        prop = schema["properties"][name]
        fixed = rule.limit if rule.config is None else None
        if rule.type == "list":
            assert prop.get("maxItems") == fixed, name
            assert prop.get("minItems") == (1 if rule.required else None), name
        elif rule.type in ("string", "text", "url", "date"):
            assert prop.get("maxLength") == fixed, name
            # a URL's pattern (^https?://) refuses the empty string as minLength would
            nonempty = prop.get("minLength") == 1 or ("pattern" in prop and not rule.nullable)
            assert nonempty == rule.required, name
            assert ("null" in prop.get("type", [])) == rule.nullable, name
        elif rule.type == "enum":
            values = [member.value for member in rule.choices] + ([None] if rule.nullable else [])
            assert prop["enum"] == values, name


def test_the_export_schema_bounds_each_domain_as_the_table_does() -> None:
    assert SCHEMA["source"]["properties"]["domains"]["items"]["maxLength"] == fields.DOMAIN.limit


ARTICLE = {"title": "T", "text": "One sentence here."}


@pytest.mark.parametrize("name", ["title", "outlet", "author", "language", "external_id"])
def test_the_article_service_refuses_one_character_more_than_the_table(app, name: str) -> None:
    most = fields.limit("article", name)
    # A language must also look like a language tag ("en", "pt-BR"): pad one with a subtag.
    fill = (lambda n: ("en-" + "abcdefgh-" * 4)[:n]) if name == "language" else (lambda n: "x" * n)
    assert article_service.clean_article_fields(dict(ARTICLE, **{name: fill(most)}))[name]
    with pytest.raises(Invalid) as caught:
        article_service.clean_article_fields(dict(ARTICLE, **{name: fill(most + 1)}))
    assert set(caught.value.fields) == {name}


@pytest.mark.parametrize("name", ["name", "rationale"])
def test_the_registry_refuses_one_character_more_than_the_table(admin, name: str) -> None:
    most = fields.limit("source", name)
    with pytest.raises(Invalid) as caught:
        source_service.create_source(dict(REUTERS, **{name: "x" * (most + 1)}), actor=admin)
    assert set(caught.value.fields) == {name}
    assert source_service.create_source(dict(REUTERS, **{name: "x" * most}), actor=admin).id
