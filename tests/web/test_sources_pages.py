"""Source registry pages: who may do what, forms with errors next to fields, CSV in and out, history."""

from __future__ import annotations

import io

import pytest

from annotator.extensions import db
from annotator.models import Revision, Source
from annotator.services import sources as svc
from tests.conftest import count, login

REUTERS = {
    "name": "Reuters",
    "domains": "reuters.com",
    "credibility": "high",
    "rationale": "Wire service.",
}


def test_visitors_are_sent_to_login(client, reuters) -> None:
    for path in [
        "/sources/",
        "/sources/new",
        f"/sources/{reuters.id}",
        f"/sources/{reuters.id}/edit",
        "/sources/export.csv",
    ]:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
    response = client.post(f"/sources/{reuters.id}/retire")
    assert response.status_code in (302, 400)
    assert reuters.retired_at is None


def test_reviewers_read_but_cannot_change(client, reviewer, reuters) -> None:
    login(client, reviewer)
    page = client.get("/sources/").get_data(as_text=True)
    assert "Reuters" in page and "reuters.com" in page
    assert "Retire" not in page and "Import a CSV" not in page and "Add a source" not in page
    assert 'href="/sources/"' in client.get("/").get_data(as_text=True)  # the nav link
    assert client.get(f"/sources/{reuters.id}").status_code == 200
    assert client.get("/sources/export.csv").status_code == 200
    for path in ["/sources/new", f"/sources/{reuters.id}/edit"]:
        assert client.get(path).status_code == 403, path
    posts = [
        ("/sources/new", {"name": "Evil", "domains": "evil.com", "credibility": "high"}),
        (f"/sources/{reuters.id}/edit", {**REUTERS, "credibility": "low"}),
        (f"/sources/{reuters.id}/retire", {}),
        (
            "/sources/import",
            {
                "file": (
                    io.BytesIO(b"name,domains,credibility,rationale\nEvil,evil.com,high,\n"),
                    "x.csv",
                )
            },
        ),
    ]
    for path, data in posts:
        response = client.post(
            path, data={**data, "csrf_token": client.csrf}, content_type="multipart/form-data"
        )
        assert response.status_code == 403, path
    db.session.expire_all()
    assert count(Source) == 1 and db.session.get(Source, reuters.id).credibility == "high"
    assert db.session.get(Source, reuters.id).retired_at is None


def test_admin_adds_edits_and_sees_the_history(client, admin) -> None:
    login(client, admin)
    response = client.post(
        "/sources/new",
        data={**REUTERS, "domains": "www.reuters.com\nuk.reuters.com", "csrf_token": client.csrf},
    )
    assert response.status_code == 302
    source = db.session.scalars(db.select(Source)).one()
    assert source.domain_names == ["reuters.com", "uk.reuters.com"]
    response = client.post(
        f"/sources/{source.id}/edit",
        data={
            **REUTERS,
            "domains": "reuters.com",
            "credibility": "medium",
            "rationale": "Two retractions.",
            "csrf_token": client.csrf,
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Saved" in page
    history = page.split("<h2>History</h2>", 1)[1]
    assert "update" in history and "boss" in history
    assert "<del>high</del> → <ins>medium</ins>" in history
    assert "<del>reuters.com, uk.reuters.com</del>" in history


def test_the_edit_form_is_filled_in(client, admin, reuters) -> None:
    login(client, admin)
    page = client.get(f"/sources/{reuters.id}/edit").get_data(as_text=True)
    assert 'value="Reuters"' in page and "reuters.com</textarea>" in page
    assert '<option selected value="high">' in page or 'value="high" selected' in page


@pytest.mark.parametrize(
    ("form", "field_message"),
    [
        ({**REUTERS, "credibility": "excellent"}, "Not a valid choice"),
        ({**REUTERS, "domains": "com"}, "public suffix"),
        ({**REUTERS, "domains": "https://me:pw@reuters.com/"}, "user name or password"),
        ({**REUTERS, "domains": ""}, "Give at least one domain"),
        ({**REUTERS, "name": ""}, "Name is required"),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_changes_nothing(
    client, admin, form, field_message
) -> None:
    login(client, admin)
    response = client.post("/sources/new", data={**form, "csrf_token": client.csrf})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error"' in page and field_message in page
    assert count(Source) == 0


def test_a_look_alike_domain_is_shown_in_its_real_form(client, admin) -> None:
    login(client, admin)
    client.post(
        "/sources/new",
        data={
            **REUTERS,
            "name": "Fake Apple",
            "domains": "аpple.com",
            "credibility": "low",
            "csrf_token": client.csrf,
        },
    )
    page = client.get("/sources/").get_data(as_text=True)
    assert "xn--pple-43d.com" in page and "аpple.com" not in page


def test_forms_without_a_csrf_token_are_refused(client, admin, reuters) -> None:
    login(client, admin)
    assert client.post(
        "/sources/new", data={**REUTERS, "name": "Other", "domains": "other.com"}
    ).status_code in (400, 422)
    client.post(f"/sources/{reuters.id}/retire")
    assert count(Source) == 1 and reuters.retired_at is None


def test_retire_and_restore(client, admin, reuters) -> None:
    login(client, admin)
    page = client.post(
        f"/sources/{reuters.id}/retire", data={"csrf_token": client.csrf}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Retired “Reuters”" in page and "Restore" in page
    assert svc.lookup("https://reuters.com/") is None
    client.post(f"/sources/{reuters.id}/restore", data={"csrf_token": client.csrf})
    assert svc.lookup("https://reuters.com/") == reuters
    assert [r.action for r in svc.history(reuters)] == ["create", "retire", "restore"]


def test_search(client, reviewer, admin, reuters) -> None:
    svc.create_source({"name": "RT", "domains": "rt.com", "credibility": "low"}, actor=admin)
    db.session.commit()
    login(client, reviewer)
    page = client.get("/sources/?q=rt.com").get_data(as_text=True)
    assert ">RT<" in page and "Reuters" not in page.split("<table", 1)[1]
    assert "No sources match “nothing”" in client.get("/sources/?q=nothing").get_data(as_text=True)


def upload_registry(client, data: bytes, filename: str = "desk.csv", **options):
    """Send a registry CSV through the Sources page's import form."""
    return client.post(
        "/sources/import",
        data={"file": (io.BytesIO(data), filename), "csrf_token": client.csrf},
        content_type="multipart/form-data",
        **options,
    )


def test_csv_import_and_export(client, admin) -> None:
    login(client, admin)
    data = b"name,domains,credibility,rationale\r\nReuters,reuters.com,high,Wire\r\n=RT,rt.com,low,State media\r\n"
    response = upload_registry(client, data, follow_redirects=True)
    assert "Imported desk.csv: 2 added, 0 updated, 0 unchanged." in response.get_data(as_text=True)
    exported = client.get("/sources/export.csv")
    assert exported.mimetype == "text/csv"
    assert "attachment" in exported.headers["Content-Disposition"]
    lines = exported.get_data(as_text=True).splitlines()
    assert lines[0] == "name,domains,credibility,rationale,rated_by,rated_at"
    assert lines[1].startswith("'=RT,rt.com,low,State media,boss,")  # formula neutralised


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"Reuters,reuters.com,high,Wire\n", "line 1: the header row must name the columns"),
        (
            b"name,domains,credibility,rationale\nA,a.com,high,\nB,b.com,superb,\n",
            "line 3: credibility",
        ),
        (b"", "empty"),
    ],
)
def test_a_bad_csv_changes_nothing_and_names_the_line(client, admin, data, says) -> None:
    login(client, admin)
    response = upload_registry(client, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "desk.csv" in page and says in page
    assert count(Source) == 0 and count(Revision) == 0


def test_the_uploaded_file_name_is_shown_without_folders_or_control_characters(
    client, admin
) -> None:
    login(client, admin)
    data = b"name,domains,credibility,rationale\nRT,rt.com,low,State media\n"
    response = upload_registry(client, data, "../../etc/\x1b[2Jdesk.csv", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Imported \ufffd[2Jdesk.csv: 1 added" in page
    assert "\x1b" not in page and "../" not in page


def test_import_without_a_file_says_so(client, admin) -> None:
    login(client, admin)
    response = client.post(
        "/sources/import", data={"csrf_token": client.csrf}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "Choose a CSV file to import." in response.get_data(as_text=True)


def test_unknown_source_is_a_404_page(client, reviewer) -> None:
    login(client, reviewer)
    response = client.get("/sources/999")
    assert response.status_code == 404
    assert "no source #999" in response.get_data(as_text=True)
