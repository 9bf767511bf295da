"""The source registry API: admins write, reviewers read, lookups give the rating a link would get."""

from __future__ import annotations

import io
import re

import pytest

from annotator.extensions import db
from annotator.models import Revision, Source
from annotator.services import sources as svc
from tests.conftest import REUTERS, count, login


def test_admin_creates_edits_retires_and_restores(client, admin, token_for) -> None:
    auth = token_for(admin)
    made = client.post("/api/v1/sources", json=REUTERS, headers=auth)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["name"], body["domains"], body["credibility"], body["rated_by"]) == (
        "Reuters",
        ["reuters.com"],
        "high",
        "boss",
    )
    assert made.headers["Location"].endswith(f"/api/v1/sources/{body['id']}")

    changed = client.patch(
        f"/api/v1/sources/{body['id']}", json={"credibility": "medium"}, headers=auth
    ).get_json()
    assert changed["credibility"] == "medium"
    assert [(h["action"], h["actor"]) for h in changed["history"]] == [
        ("create", "boss"),
        ("update", "boss"),
    ]
    assert (
        changed["history"][1]["before"]["credibility"],
        changed["history"][1]["after"]["credibility"],
    ) == ("high", "medium")

    assert client.delete(f"/api/v1/sources/{body['id']}", headers=auth).status_code == 204
    assert (
        client.get(f"/api/v1/sources/{body['id']}", headers=auth).get_json()["retired_at"]
        is not None
    )
    restored = client.post(f"/api/v1/sources/{body['id']}/restore", headers=auth).get_json()
    assert restored["retired_at"] is None


def test_reviewers_read_but_cannot_write(client, reviewer, reuters, token_for) -> None:
    auth = token_for(reviewer)
    listed = client.get("/api/v1/sources", headers=auth).get_json()
    assert [item["name"] for item in listed["items"]] == ["Reuters"] and listed["next"] is None
    assert client.get(f"/api/v1/sources/{reuters.id}", headers=auth).status_code == 200
    for method, path, body in [
        ("post", "/api/v1/sources", {**REUTERS, "name": "Other", "domains": ["other.com"]}),
        ("patch", f"/api/v1/sources/{reuters.id}", {"credibility": "low"}),
        ("delete", f"/api/v1/sources/{reuters.id}", None),
        ("post", f"/api/v1/sources/{reuters.id}/restore", None),
    ]:
        response = getattr(client, method)(path, json=body, headers=auth)
        assert response.status_code == 403, (method, path)
        assert response.get_json()["error"]["code"] == "forbidden"
    db.session.expire_all()
    assert count(Source) == 1 and db.session.get(Source, reuters.id).credibility == "high"
    assert count(Revision) == 1


def test_anonymous_callers_get_401(client, reuters) -> None:
    assert client.get("/api/v1/sources").status_code == 401
    assert client.get("/api/v1/sources/lookup?url=https://reuters.com/").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**REUTERS, "credibility": "excellent"}, "credibility"),
        ({**REUTERS, "domains": ["com"]}, "domains"),
        ({**REUTERS, "domains": ["javascript://reuters.com"]}, "domains"),
        ({**REUTERS, "domains": "not a domain!"}, "domains"),
        ({**REUTERS, "domains": 42}, "domains"),
        ({**REUTERS, "name": ""}, "name"),
        ({**REUTERS, "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_refused_naming_the_field(client, admin, token_for, body, field) -> None:
    response = client.post("/api/v1/sources", json=body, headers=token_for(admin))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert count(Source) == 0


def test_a_duplicate_domain_names_the_owner(client, admin, reuters, token_for) -> None:
    response = client.post(
        "/api/v1/sources",
        json={**REUTERS, "name": "Copy", "domains": ["www.reuters.com"]},
        headers=token_for(admin),
    )
    assert response.status_code == 422
    assert (
        "reuters.com already belongs to “Reuters”"
        in response.get_json()["error"]["fields"]["domains"]
    )


def test_unknown_source_is_404_and_non_json_is_415(client, admin, token_for) -> None:
    assert client.get("/api/v1/sources/999", headers=token_for(admin)).status_code == 404
    assert (
        client.patch(
            "/api/v1/sources/999", json={"credibility": "low"}, headers=token_for(admin)
        ).status_code
        == 404
    )
    assert (
        client.post("/api/v1/sources", data="name=x", headers=token_for(admin)).status_code == 415
    )


def test_search_and_paging(client, admin, token_for) -> None:
    for i in range(3):
        svc.create_source(
            {"name": f"Outlet {i}", "domains": [f"outlet{i}.com"], "credibility": "medium"},
            actor=admin,
        )
    db.session.commit()
    auth = token_for(admin)
    first = client.get("/api/v1/sources?limit=2", headers=auth).get_json()
    assert [item["name"] for item in first["items"]] == ["Outlet 0", "Outlet 1"]
    rest = client.get(first["next"], headers=auth).get_json()
    assert [item["name"] for item in rest["items"]] == ["Outlet 2"] and rest["next"] is None
    assert [
        i["name"]
        for i in client.get("/api/v1/sources?q=outlet1.com", headers=auth).get_json()["items"]
    ] == ["Outlet 1"]


def test_lookup_gives_the_rating_a_link_would_get(client, reviewer, reuters, token_for) -> None:
    auth = token_for(reviewer)
    found = client.get(
        "/api/v1/sources/lookup", query_string={"url": "https://uk.reuters.com/world"}, headers=auth
    ).get_json()
    assert (
        found["credibility"],
        found["credibility_source"],
        found["source"]["name"],
        found["host"],
    ) == ("high", "registry", "Reuters", "uk.reuters.com")
    none = client.get(
        "/api/v1/sources/lookup", query_string={"url": "https://example.org/"}, headers=auth
    ).get_json()
    assert (none["credibility"], none["credibility_source"], none["source"]) == (
        "unknown",
        "reviewer",
        None,
    )
    look_alike = client.get(
        "/api/v1/sources/lookup", query_string={"url": "https://rеuters.com/"}, headers=auth
    ).get_json()
    assert look_alike["host"] == "xn--ruters-3of.com" and look_alike["source"] is None


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("", "required"),
        ("javascript:alert(1)", "http"),
        ("https://me:pw@reuters.com/", "user name or password"),
        ("https://reuters.com/" + "a" * 2000, "2,000"),
    ],
)
def test_lookup_refuses_bad_urls(client, reviewer, token_for, url, says) -> None:
    response = client.get(
        "/api/v1/sources/lookup", query_string={"url": url}, headers=token_for(reviewer)
    )
    assert response.status_code == 422
    assert says in response.get_json()["error"]["fields"]["url"]


def test_annotation_links_show_their_rating_origin_and_the_override_rule(
    client, reviewer, reuters, make_article, token_for
) -> None:
    auth = token_for(reviewer)
    sentence_id = make_article().sentences[1].id
    refused = client.post(
        "/api/v1/annotations",
        json={
            "sentence_id": sentence_id,
            "verdict": "disputed",
            "links": [{"url": "https://reuters.com/a", "credibility": "low"}],
        },
        headers=auth,
    )
    assert refused.status_code == 422
    assert "links[0].override_reason" in refused.get_json()["error"]["fields"]

    made = client.post(
        "/api/v1/annotations",
        json={
            "sentence_id": sentence_id,
            "verdict": "disputed",
            "links": [{"url": "https://www.reuters.com/a"}],
        },
        headers=auth,
    ).get_json()
    assert made["links"][0] | {} == {
        "url": "https://www.reuters.com/a",
        "title": "",
        "credibility": "high",
        "stance": None,
        "credibility_source": "registry",
        "override_reason": "",
        "source": "Reuters",
    }
    # The link as read can be sent back unchanged.
    again = client.patch(
        f"/api/v1/annotations/{made['id']}",
        json={"version": made["version"], "links": made["links"]},
        headers=auth,
    )
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["links"] == made["links"]


# ---- CSV import and export -----------------------------------------------------------------

DESK_CSV = (
    b"name,domains,credibility,rationale\r\n"
    b"Reuters,reuters.com,medium,Downgraded by the desk\r\n"
    b"RT,rt.com,low,State media\r\n"
)


def _import(client, body: bytes, headers: dict[str, str], *, multipart: bool = False):
    if multipart:
        return client.post(
            "/api/v1/sources/import",
            data={"file": (io.BytesIO(body), "desk.csv")},
            content_type="multipart/form-data",
            headers=headers,
        )
    return client.post(
        "/api/v1/sources/import", data=body, content_type="text/csv", headers=headers
    )


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_everyone_logged_in_exports_the_registry_as_csv(
    client, make_user, reuters, token_for, role
) -> None:
    response = client.get("/api/v1/sources/export.csv", headers=token_for(make_user(role)))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert re.fullmatch(
        r'attachment; filename="sources-\d{8}\.csv"', response.headers["Content-Disposition"]
    )
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "name,domains,credibility,rationale,rated_by,rated_at"
    assert lines[1].startswith("Reuters,reuters.com,high,Wire service.,boss,")
    # the same file as the Sources page offers
    assert lines == svc.export_sources_csv().splitlines()


def test_anonymous_callers_can_neither_export_nor_import(client, reuters) -> None:
    exported = client.get("/api/v1/sources/export.csv")
    assert exported.status_code == 401
    assert exported.get_json()["error"]["code"] == "unauthorized"
    imported = _import(client, DESK_CSV, {})
    assert imported.status_code == 401
    assert count(Source) == 1 and count(Revision) == 1


@pytest.mark.parametrize("multipart", [False, True], ids=["text/csv body", "multipart file"])
def test_reviewers_cannot_import(client, reviewer, reuters, token_for, multipart) -> None:
    response = _import(client, DESK_CSV, token_for(reviewer), multipart=multipart)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    db.session.expire_all()
    assert count(Source) == 1 and count(Revision) == 1
    assert db.session.get(Source, reuters.id).credibility == "high"


@pytest.mark.parametrize("multipart", [False, True], ids=["text/csv body", "multipart file"])
def test_admin_imports_creating_and_updating_by_name(
    client, admin, reuters, token_for, multipart
) -> None:
    response = _import(client, DESK_CSV, token_for(admin), multipart=multipart)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"created": 1, "updated": 1, "unchanged": 0}
    db.session.expire_all()
    assert svc.lookup("https://www.reuters.com/").credibility == "medium"
    assert svc.lookup("https://rt.com/news").name == "RT"
    again = _import(client, DESK_CSV, token_for(admin), multipart=multipart)
    assert again.get_json() == {"created": 0, "updated": 0, "unchanged": 2}


def test_exported_registry_imports_back_unchanged(client, admin, reuters, token_for) -> None:
    auth = token_for(admin)
    exported = client.get("/api/v1/sources/export.csv", headers=auth).get_data()
    response = _import(client, exported, auth)
    assert response.get_json() == {"created": 0, "updated": 0, "unchanged": 1}
    assert count(Revision) == 1


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"", "request body: the file is empty."),
        (b"Reuters,reuters.com,high,Wire\n", "line 1: the header row must name the columns"),
        (
            b"name,domains,credibility,rationale,colour\nRT,rt.com,low,,red\n",
            "line 1: unknown column 'colour'",
        ),
        (
            b"name,domains,credibility,rationale\nRT,rt.com,low,\nAP,apnews.com,superb,\n",
            "line 3: credibility",
        ),
        (b"name,domains,credibility,rationale\nRT,rt.com,low,\nAP,com,high,\n", "line 3: domains"),
        (
            b"name,domains,credibility,rationale\nRT,rt.com,low,\nCopy,www.reuters.com,low,\n",
            "line 3: domains: reuters.com already belongs to “Reuters”",
        ),
        (b"name,domains,credibility,rationale\nRT,rt.com,low,\nrt,rt.ru,low,\n", "line 3: name"),
        (b"name,domains,credibility,rationale\nRT,rt.com,low\n", "line 2: 3 cells"),
        (b"name,domains,credibility,rationale\nCaf\xe9,cafe.fr,high,\n", "line 2: not UTF-8"),
    ],
)
def test_one_bad_line_refuses_the_whole_file(client, admin, reuters, token_for, body, says) -> None:
    response = _import(client, body, token_for(admin))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert says in error["fields"]["file"], error
    assert "request body" in error["message"]
    db.session.expire_all()
    assert count(Source) == 1 and count(Revision) == 1  # RT on line 2 was not kept either
    assert svc.lookup("https://rt.com/") is None


def test_a_bad_uploaded_file_is_named_in_the_refusal(client, admin, token_for) -> None:
    response = client.post(
        "/api/v1/sources/import",
        data={
            "file": (
                io.BytesIO(b"name,domains,credibility,rationale\nRT,rt.com,bad,\n"),
                "../x/desk.csv",
            )
        },
        content_type="multipart/form-data",
        headers=token_for(admin),
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["file"].startswith(
        "desk.csv: line 2: credibility"
    )
    assert count(Source) == 0


@pytest.mark.parametrize(
    ("kwargs", "status", "says"),
    [
        ({"json": {"name": "RT"}}, 415, "text/csv"),
        ({"data": DESK_CSV, "content_type": "application/x-www-form-urlencoded"}, 415, "text/csv"),
        ({"data": {}, "content_type": "multipart/form-data"}, 422, "file"),
    ],
    ids=["json", "form", "multipart without a file"],
)
def test_import_says_how_to_send_the_csv(client, admin, token_for, kwargs, status, says) -> None:
    response = client.post("/api/v1/sources/import", headers=token_for(admin), **kwargs)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert says in error["message"] + " ".join(error["fields"].values())
    assert count(Source) == 0


def test_browser_session_imports_with_its_csrf_header_only(client, admin) -> None:
    token = login(client, admin)
    refused = _import(client, DESK_CSV, {})
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "csrf_failed"
    assert count(Source) == 0
    accepted = _import(client, DESK_CSV, {"X-CSRFToken": token})
    assert accepted.get_json() == {"created": 2, "updated": 0, "unchanged": 0}
