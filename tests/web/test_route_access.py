"""Every route, walked from the URL map: visitors are turned away from all but the public ones."""

import pytest

PUBLIC = {"auth.login", "static", "api.openapi"}


def routes(app):  # noqa: ANN001, ANN201
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        values = {name: 1 for name in rule.arguments}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, values


def test_the_route_list_is_not_empty(app):
    assert len(list(routes(app))) > 40


def test_visitors_are_turned_away_from_every_route(app, client, make_article):
    make_article()  # id 1 exists, so a 404 cannot hide a missing check
    app.config["WTF_CSRF_ENABLED"] = False  # reach the access check, not the CSRF one
    checked = 0
    for rule, method, values in routes(app):
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        response = client.open(url, method=method)
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401, (method, url, response.status_code)
            assert response.get_json()["error"]["code"] == "unauthorized"
        elif rule.endpoint == "auth.logout":
            assert response.status_code == 302
        else:
            assert response.status_code == 302 and "/login" in response.headers["Location"], (
                method,
                url,
            )
        checked += 1
    assert checked > 40


@pytest.mark.parametrize(
    "prefix", ["/admin/", "/import", "/sources/new", "/articles/1/edit", "/articles/1/agreement"]
)
def test_reviewers_get_403_on_admin_pages(app, client, reviewer, make_article, prefix):
    from tests.conftest import login

    make_article()
    login(client, reviewer)
    app.config["WTF_CSRF_ENABLED"] = False
    found = False
    for rule, method, values in routes(app):
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        if not url.startswith(prefix):
            continue
        found = True
        response = client.open(url, method=method)
        assert response.status_code == 403, (method, url, response.status_code)
    if not found:
        pytest.skip(f"no route under {prefix} in this build")
