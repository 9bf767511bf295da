"""Publishing that is safe to share: no cookie for anonymous visitors, readers' errors lead to the
fact-checks, a plain warning without PUBLIC_URL, an absolute feed self link, and a withdrawal that
every process honours at once."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from annotator.extensions import db
from annotator.services import publishing
from tests.conftest import login, make_test_app
from tests.web import test_public_pages

ATOM = "{http://www.w3.org/2005/Atom}"
published = test_public_pages.published  # the fixture: an article published with two claims


def test_the_favicon_is_a_real_icon_with_no_cookie(client) -> None:
    response = client.get("/favicon.ico")
    icon = response.data
    response.close()  # a file response: let go of the file
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert icon[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "path",
    [
        "/favicon.ico",
        "/no-such-page",
        "/fact-checks/",
        "/fact-checks/feed.atom",
        "/fact-checks/no-such-check",
        "/static/app.css",
        "/articles/12345",
    ],
)
def test_anonymous_visitors_get_no_cookie_from_any_answer(app, path) -> None:
    response = app.test_client().get(path)
    response.close()
    assert "Set-Cookie" not in response.headers, (path, response.headers.get("Set-Cookie"))


def test_the_login_form_still_works_for_a_new_visitor(client, reviewer) -> None:
    client.get("/no-such-page")
    login(client, reviewer)  # asserts the login succeeded
    assert client.get("/account").status_code == 200


def test_readers_404_and_410_pages_lead_to_the_fact_checks_not_a_login(published, client) -> None:
    missing = client.get("/fact-checks/no-such-check")
    publishing.unpublish(published["article"], actor=published["admin"])
    db.session.commit()
    gone = client.get(f"/fact-checks/{published['pub'].slug}")
    stray = client.get("/no-such-page")
    for response, status in ((missing, 404), (gone, 410), (stray, 404)):
        page = response.get_data(as_text=True)
        assert response.status_code == status
        assert 'href="/fact-checks/"' in page
        assert "/login" not in page and 'href="/"' not in page
    assert "withdrawn" in gone.get_data(as_text=True)


def test_without_public_url_the_publication_page_and_the_command_say_so(
    published, client, runner
) -> None:
    login(client, published["admin"])
    page = client.get(f"/articles/{published['article'].id}/publication").get_data(as_text=True)
    assert "PUBLIC_URL is not set" in page and "no reader can open" in page
    result = runner.invoke(args=["publish", str(published["article"].id)])
    assert result.exit_code == 0
    assert "PUBLIC_URL is not set" in result.output


def test_with_public_url_set_nothing_warns(app, published, client, runner) -> None:
    app.config["PUBLIC_URL"] = "https://checks.example.org/"
    result = runner.invoke(args=["publish", str(published["article"].id)])
    assert result.exit_code == 0 and "PUBLIC_URL" not in result.output
    login(client, published["admin"])
    page = client.get(f"/articles/{published['article'].id}/publication").get_data(as_text=True)
    assert "PUBLIC_URL is not set" not in page and "https://checks.example.org/fact-checks/" in page


def test_the_feed_has_an_absolute_self_link(published, client) -> None:
    feed = ET.fromstring(client.get("/fact-checks/feed.atom").data)  # noqa: S314 - our own feed
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == "http://localhost/fact-checks/feed.atom"
    assert links["alternate"] == "http://localhost/fact-checks/"


def test_a_withdrawal_by_another_process_shows_at_once(
    published, database_uri, instance_dir, runner
) -> None:
    """The running server caches pages for a minute; `annotator publish --unpublish` from the
    command line (another app, as another process would be) must still take the page down now."""
    server = make_test_app(database_uri, instance_dir, PUBLIC_CACHE_SECONDS=60)
    address = f"/fact-checks/{published['pub'].slug}"
    reader = server.test_client()
    with server.app_context():
        assert reader.get(address).status_code == 200
        assert reader.get("/fact-checks/").get_data(as_text=True).count(address) >= 1
        db.session.remove()
    result = runner.invoke(args=["publish", "--unpublish", str(published["article"].id)])
    assert result.exit_code == 0, result.output
    with server.app_context():
        assert reader.get(address).status_code == 410
        assert address not in reader.get("/fact-checks/").get_data(as_text=True)
        assert address not in reader.get("/fact-checks/feed.atom").get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()
