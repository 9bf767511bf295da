"""Every route, walked from the URL map: visitors are turned away from all but the public ones."""

import pytest

# Public fact-check pages need no login (tests/web/test_public_pages.py walks them for leaks).
PUBLIC = {
    "auth.login",
    "static",
    "favicon",
    "api.openapi",
    "public.index",
    "public.feed",
    "public.page",
}
# Routes that would log the walking user out: walked by visitors, skipped for the logged-in walks.
ENDS_THE_SESSION = {"auth.logout", "auth.end_sessions"}


def routes(app):
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
        elif rule.endpoint in ENDS_THE_SESSION:
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


# Every page route only admins may use. Walking the URL map below keeps this list exact: a route
# that refuses reviewers as "admins only" must be listed, and every listed route must refuse them.
ADMIN_ONLY_PAGES = frozenset(
    {
        "admin.user_list",
        "admin.toggle_active",
        "admin.reset_password",
        "admin.end_sessions",
        "admin.change_role",
        "agreement.view",
        "agreement.adjudicate",
        "agreement.clear",
        "agreement.adopt",
        "articles.create",
        "articles.edit",
        "dashboard.index",
        "dashboard.agreement_csv",
        "dashboard.disagreements",
        "dashboard.adjudicate",
        "desk.article",
        "desk.assign",
        "desk.bulk_assign",
        "desk.change",
        "desk.unassign",
        "desk.move",
        "desk.settings",
        "imports.start",
        "imports.preview",
        "imports.confirm",
        "publication.view",
        "publication.publish",
        "publication.withdraw",
        "sentences.merge_next",
        "sentences.split",
        "sentences.resegment",
        "sources.create",
        "sources.edit",
        "sources.retire",
        "sources.reinstate",
        "sources.import_csv",
    }
)


def test_every_admin_only_page_route_refuses_reviewers_and_changes_nothing(
    app, client, reviewer, make_article
):
    from flask import url_for

    from annotator.extensions import db
    from annotator.models import Sentence
    from tests.conftest import login

    article = make_article()  # real ids below: a refusal cannot be a 404
    real = {"article_id": article.id, "sentence_id": article.sentences[1].id}
    before = [(s.id, s.start, s.end) for s in article.sentences]
    login(client, reviewer)
    app.config["WTF_CSRF_ENABLED"] = False  # reach the access check, not the CSRF one
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints >= ADMIN_ONLY_PAGES, ADMIN_ONLY_PAGES - endpoints
    refused = set()
    for rule, method, values in routes(app):
        if rule.rule.startswith("/api/") or rule.endpoint in ENDS_THE_SESSION:
            continue
        arguments = values | {name: real[name] for name in values if name in real}
        with app.test_request_context():
            url = url_for(rule.endpoint, **arguments)
        response = client.open(url, method=method)
        body = response.get_data(as_text=True)
        if rule.endpoint in ADMIN_ONLY_PAGES:
            assert response.status_code == 403, (method, url, response.status_code)
            assert "admins only" in body and "Traceback" not in body, (method, url)
            refused.add(rule.endpoint)
        else:
            assert "admins only" not in body, f"{method} {url} is admin-only: list it above"
    assert refused == ADMIN_ONLY_PAGES
    db.session.expire_all()
    after = db.session.execute(
        db.select(Sentence.id, Sentence.start, Sentence.end)
        .where(Sentence.article_id == article.id)
        .order_by(Sentence.index)
    ).all()
    assert [tuple(row) for row in after] == before  # no merge, split or re-segmentation happened


@pytest.mark.parametrize(
    "path",
    [
        "/articles/new",
        "/articles/{article}/sentences/{sentence}/merge-next",
        "/articles/{article}/sentences/{sentence}/split",
        "/articles/{article}/sentences/resegment",
    ],
)
def test_reviewers_get_403_on_import_and_sentence_boundary_pages(
    app, client, reviewer, make_article, path
):
    from tests.conftest import login

    article = make_article()
    url = path.format(article=article.id, sentence=article.sentences[1].id)
    login(client, reviewer)
    response = client.post(url, data={"csrf_token": client.csrf, "offset": "5"})
    assert response.status_code == 403
    assert "admins only" in response.get_data(as_text=True)
