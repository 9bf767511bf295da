"""No 500 on any input: hostile values thrown at every route of the URL map, as admin and as reviewer.

The routes, their path arguments, and the names each view reads (query, form, JSON and file
fields, and its WTForms' fields) are found at run time, so a new route is covered without editing
this file. Any answer of 500 or more fails; so does an error under /api/ without the envelope.
Examples are bounded (``HOSTILE_EXAMPLES``, default 6 per route and role, plus the fixed worst
cases) to keep the suite fast on both databases.
"""

from __future__ import annotations

import inspect
import json
import os
import re
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from annotator.extensions import db
from annotator.models import Annotation
from annotator.services import sources as source_service
from annotator.services.annotations import annotations as annotation_service
from annotator.web import forms as form_module
from tests.conftest import REUTERS, login

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "6"))
SKIP = {"static"}  # Flask's own file server


class Huge(str):
    """A long value that Hypothesis shows by its length, not in full."""

    def __repr__(self) -> str:
        return f"<{len(self):,} characters starting {str.__repr__(self[:12])}>"


class HugeBytes(bytes):
    def __repr__(self) -> str:
        return f"<{len(self):,} bytes starting {bytes.__repr__(self[:12])}>"


DEPTH = 100_000
DEEP_JSON = Huge("[" * DEPTH + "]" * DEPTH)
DEEP_OBJECT = Huge('{"a":' * DEPTH + "1" + "}" * DEPTH)

HOSTILE_TEXT = [
    "x\ud800y",  # a lone surrogate
    "\udfff",
    "²",  # passes str.isdigit(), not int()
    "1²",
    "٣",  # Arabic-Indic three: int() takes it
    "１２",  # full-width digits
    "99999999999999999999",  # beyond 64 bits
    "9223372036854775808",
    "2147483648",
    "-1",
    "0",
    "1e400",
    "NaN",
    "\x00",
    "a\x00b",
    "\x1b[31m\r\n\t\x7f",
    "\u202eevil",
    "",
    " ",
    Huge("x" * 100_000),
    Huge("é" * 3000),
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "https://exa mple.org/\x00",
    "javascript:alert(1)",
]
HOSTILE_NUMBERS = [2**64, -(2**63) - 1, 10**30, 2**31, -1, 0, 1.5, -0.0, 1e308, True, False]
HOSTILE_JSON_VALUES = [
    *HOSTILE_TEXT,
    *HOSTILE_NUMBERS,
    None,
    [],
    {},
    [None],
    {"start": 2**70, "end": -1},
    {"start": "²", "end": "1"},
    [{"url": "x\ud800"}],
    [[[[[[[[[[[]]]]]]]]]]],
]

WORST_FILES = [
    ("deep.json", HugeBytes(DEEP_JSON.encode())),
    ("divs.json", HugeBytes(json.dumps({"title": "t", "html": "<div>" * 20_000}).encode())),
    ("surrogate.json", b'{"title": "x\\ud800y", "text": "a\\udfffb"}'),
    ("wide.csv", HugeBytes((",".join(f"c{i}" for i in range(40_000)) + "\n").encode())),
    ("nul.txt", b"Title\n\nA\x00B sentence."),
    ("bad-utf8.txt", b"Title\n\n\xff\xfe\xed\xa0\x80 text."),
    ("divs.html", HugeBytes(b"<div>" * 20_000)),
    ("quotes.md", HugeBytes(b"# T\n\n" + b">" * 50_000 + b" x")),
    ("long-line.txt", HugeBytes(b"T\n\n" + b"word " * 200_000)),
]

NAME_PATTERNS = [
    re.compile(r"request\.(?:args|form|values|files)\.(?:get|getlist)\(\s*f?\"([a-z_]+)"),
    re.compile(r"request\.(?:args|form|values|files)\[\s*\"([a-z_]+)\""),
    re.compile(r"(?:body|data|changes|fields|link|span)\.(?:get|pop)\(\s*\"([a-z_]+)\""),
    re.compile(r"\"([a-z_]+)\"\s*in\s*(?:body|data|changes)"),
]
COMMON_NAMES = ["version", "offset", "limit", "article", "page", "format", "q", "id"]


def view_names(view: Any) -> set[str]:
    """The input names a view (and its WTForms forms) reads, found in its source."""
    source = inspect.getsource(inspect.unwrap(view))
    names = {name for pattern in NAME_PATTERNS for name in pattern.findall(source)}
    for form_name in re.findall(r"\b(\w+Form)\(", source):
        form_class = getattr(form_module, form_name, None)
        if form_class is not None:
            names |= {field for field in dir(form_class) if _is_field(form_class, field)}
    return names | set(COMMON_NAMES)


def _is_field(form_class: type, name: str) -> bool:
    return not name.startswith("_") and type(getattr(form_class, name)).__name__ == "UnboundField"


def json_names() -> list[str]:
    """Every JSON field name the services and the API read."""
    from pathlib import Path

    import annotator

    root = Path(annotator.__file__).parent
    names: set[str] = set()
    for folder in ("api", "services"):
        for path in (root / folder).glob("*.py"):
            text = path.read_text(encoding="utf-8")
            names |= {name for pattern in NAME_PATTERNS for name in pattern.findall(text)}
    return sorted(names)


def routes(app: Flask) -> list[tuple[Any, str]]:
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIP:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule, method))
    return found


@pytest.fixture
def world(app, make_user, make_article, token_for):
    """Two users, an article, an annotation and a registry entry: real ids for valid-looking input."""
    admin = make_user("admin", "boss")
    reviewer = make_user("reviewer", "alice")
    article = make_article()
    sentence = article.sentences[0]
    ann = annotation_service.annotate(sentence, {"verdict": "verified"}, actor=reviewer)
    source = source_service.create_source(REUTERS, actor=admin)
    db.session.commit()
    return {
        "admin": admin,
        "reviewer": reviewer,
        "ids": {
            "article_id": article.id,
            "sentence_id": sentence.id,
            "annotation_id": ann.id,
            "source_id": source.id,
            "user_id": reviewer.id,
            "token_id": 1,
        },
        "tokens": {"admin": token_for(admin), "reviewer": token_for(reviewer)},
    }


def path_values(rule: Any, ids: dict[str, int]) -> st.SearchStrategy[dict[str, str]]:
    strategies = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        real = str(ids.get(name, 1))
        if converter == "IntegerConverter":
            hostile = ["99999999999999999999", "9223372036854775808", "2147483648", "0", "²"]
        else:
            hostile = [quote(t, safe="", errors="surrogatepass") for t in HOSTILE_TEXT][:8]
        strategies[name] = st.sampled_from([real, real, *hostile])
    return st.fixed_dictionaries(strategies)


def text_value() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=20),
        st.from_regex(r"\A[0-9²³¹٠-٩]{1,25}\Z", fullmatch=True),
    )


def json_value(ids: dict[str, int]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(HOSTILE_JSON_VALUES),
        st.sampled_from(sorted(ids.values())),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=8),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=5), inner, max_size=3)
            ),
            max_leaves=6,
        ),
    )


def plausible(name: str, ids: dict[str, int]) -> Any:
    """A valid-looking value, so that one hostile field reaches the code behind the checks."""
    table: dict[str, Any] = {
        "verdict": "verified",
        "title": "A title",
        "text": "One sentence. Another sentence.",
        "url": "https://example.org/a",
        "name": "Example",
        "domains": ["example.org"],
        "credibility": "high",
        "version": 1,
        "first": ids["sentence_id"],
        "second": ids["sentence_id"] + 1,
        "offset": 5,
    }
    return table.get(name, ids.get(name, "x"))


def as_sent(value: str) -> str:
    """A form value as a browser's bytes would arrive: a lone surrogate cannot be sent as text."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def encode(value: Any) -> str:
    """JSON text for a value, lone surrogates kept as escapes (json.dumps does that by default)."""
    return json.dumps(value)


def request_for(rule: Any, method: str, ids: dict[str, int], names: set[str], all_json: list[str]):
    """A strategy of (url, keyword arguments for client.open)."""
    is_api = rule.rule.startswith("/api/")
    query = st.dictionaries(st.sampled_from(sorted(names)), text_value(), max_size=3)

    def build(path: dict[str, str], args: dict[str, str], body: Any) -> tuple[str, dict[str, Any]]:
        url = rule.rule
        for name, value in path.items():
            url = re.sub(rf"<[^>]*\b{name}>", value, url)
        if args:
            url += "?" + "&".join(
                f"{quote(k)}={quote(v, safe='', errors='surrogatepass')}" for k, v in args.items()
            )
        return url, body

    if method in ("GET", "DELETE"):
        body = st.just({})
    elif is_api:
        keys = st.lists(st.sampled_from(all_json), min_size=0, max_size=4, unique=True)
        hostile_key = st.sampled_from(all_json)
        body = st.one_of(
            st.sampled_from([DEEP_JSON, DEEP_OBJECT, "[1]", "1e999", '"\\ud800"', "{", "null"]).map(
                lambda raw: {"data": raw, "content_type": "application/json"}
            ),
            st.tuples(keys, hostile_key, json_value(ids)).map(
                lambda t: {
                    "data": encode({**{k: plausible(k, ids) for k in t[0]}, t[1]: t[2]}),
                    "content_type": "application/json",
                }
            ),
            st.sampled_from(WORST_FILES).map(
                lambda f: {"data": {"file": (f[1], f[0])}, "content_type": "multipart/form-data"}
            ),
        )
    else:
        fields = st.dictionaries(st.sampled_from(sorted(names)), text_value(), max_size=5)
        body = st.one_of(
            fields.map(
                lambda d: {"data": {k: v.encode("utf-8", "surrogatepass") for k, v in d.items()}}
            ),
            st.tuples(fields, st.sampled_from(WORST_FILES)).map(
                lambda t: {
                    "data": {
                        **{k: as_sent(v) for k, v in t[0].items()},
                        "source": "upload",
                        "files": (t[1][1], t[1][0]),
                        "file": (t[1][1], t[1][0]),
                    },
                    "content_type": "multipart/form-data",
                }
            ),
        )
    return st.builds(build, path_values(rule, ids), query, body)


def check(response: Any, method: str, url: str, is_api: bool) -> str | None:
    """What is wrong with an answer, or None."""
    if response.status_code >= 500:
        return f"{method} {url[:120]} -> {response.status_code}"
    if is_api and response.status_code >= 400:
        payload = response.get_json(silent=True) or {}
        if set(payload.get("error", {})) < {"code", "message", "fields"}:
            return f"{method} {url[:120]} -> {response.status_code} without the error envelope"
    return None


def probe_route(client: Any, method: str, headers: dict, is_api: bool, strategy: Any) -> list[str]:
    """Send EXAMPLES requests drawn from the strategy; what went wrong."""
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def probe(request: tuple[str, dict[str, Any]]) -> None:
        url, kwargs = request
        response = client.open(url, method=method, headers=headers, **kwargs)
        problem = check(response, method, url, is_api)
        response.close()
        db.session.rollback()  # the test's own session sees fresh state next time
        if problem:
            failures.append(f"{problem} with {repr(kwargs.get('data'))[:160]}")

    probe()
    return failures


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_no_route_answers_500_to_hostile_input(app, world, role, caplog):
    app.config["WTF_CSRF_ENABLED"] = False  # reach the view's own checks, not the CSRF one
    client = app.test_client()
    login(client, world[role])
    ids = world["ids"]
    all_json = json_names()
    failures: list[str] = []
    covered = 0
    for rule, method in routes(app):
        is_api = rule.rule.startswith("/api/")
        names = view_names(app.view_functions[rule.endpoint])
        headers = world["tokens"][role] if is_api else {}
        strategy = request_for(rule, method, ids, names, all_json)
        failures += probe_route(client, method, headers, is_api, strategy)
        covered += 1
    assert covered > 40
    assert not failures, "\n".join(sorted(set(failures))[:40])


def test_deep_json_gets_a_400_naming_the_problem(app, world):
    response = app.test_client().patch(
        f"/api/v1/annotations/{world['ids']['annotation_id']}",
        data=DEEP_JSON,
        content_type="application/json",
        headers=world["tokens"]["reviewer"],
    )
    assert response.status_code == 400
    assert "nested" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/annotations/99999999999999999999", None),
        ("/api/v1/articles?offset=99999999999999999999", "offset"),
        ("/api/v1/articles?limit=²", "limit"),
        ("/api/v1/annotations/{annotation_id}?version=²", "version"),
        ("/api/v1/export?article=²", "article"),
        ("/api/v1/export?article=99999999999999999999", "article"),
    ],
)
def test_numbers_out_of_reach_are_refused_with_the_envelope(app, world, url, field):
    method = "DELETE" if "version" in url else "GET"
    response = app.test_client().open(
        url.format(**world["ids"]), method=method, headers=world["tokens"]["reviewer"]
    )
    assert 400 <= response.status_code < 500, response.status_code
    error = response.get_json()["error"]
    if field:
        assert field in error["fields"], error


def test_a_lone_surrogate_in_a_note_is_refused_naming_the_field(app, world):
    response = app.test_client().patch(
        f"/api/v1/annotations/{world['ids']['annotation_id']}",
        data='{"version": 1, "note": "x\\ud800y"}',
        content_type="application/json",
        headers=world["tokens"]["reviewer"],
    )
    assert response.status_code == 422
    assert "note" in response.get_json()["error"]["fields"]
    assert db.session.get(Annotation, world["ids"]["annotation_id"]).note in (None, "")
