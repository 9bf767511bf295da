"""Pages through the Flask test client: access, forms, escaping, errors."""

import re
import threading

import pytest

from annotator.extensions import db
from annotator.models import Annotation, Article, User
from tests.conftest import SAMPLE_TEXT, csrf_from, login

ADMIN_PAGES = ["/articles/new", "/admin/users"]
MEMBER_PAGES = ["/", "/export", "/account", "/export/download?format=csv"]


def test_visitors_are_sent_to_login(client, make_article):
    article = make_article()
    for path in [*ADMIN_PAGES, *MEMBER_PAGES, f"/articles/{article.id}"]:
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_role_matrix_for_pages(client, reviewer, make_article):
    article = make_article()
    login(client, reviewer)
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "admins only" in response.get_data(as_text=True)
    for path in [*MEMBER_PAGES, f"/articles/{article.id}"]:
        assert client.get(path).status_code == 200, path
    # reviewers cannot post to admin forms either
    response = client.post(
        "/admin/users",
        data={"username": "evil", "password": "x" * 12, "role": "admin", "csrf_token": client.csrf},
    )
    assert response.status_code == 403
    assert db.session.scalar(db.select(User).where(User.username == "evil")) is None


def test_admin_sees_admin_pages(client, admin):
    login(client, admin)
    for path in [*ADMIN_PAGES, *MEMBER_PAGES]:
        assert client.get(path).status_code == 200, path


def test_wrong_password_is_refused_with_a_sentence(client, reviewer):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"username": "alice", "password": "wrong password", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "Wrong username or password" in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, reviewer):
    response = client.post(
        "/login", data={"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)


def test_login_never_redirects_off_site(client, reviewer):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=//evil.example/x",
        data={"username": "alice", "password": "correct horse battery", "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_admin_pastes_an_article_and_sees_sentences(client, admin):
    login(client, admin)
    response = client.post(
        "/articles/new",
        data={
            "title": "",
            "text": SAMPLE_TEXT,
            "outlet": "Daily",
            "url": "https://example.org/story",
            "csrf_token": client.csrf,
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Council approves flood barrier" in page  # title from the first line
    assert page.count('class="s state-open') == 5
    assert "Imported" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "T", "text": ""}, "Text is required"),
        ({"title": "T", "text": "x" * 500_001}, "the limit is 500,000"),
        ({"title": "T", "text": "Body.", "url": "javascript:alert(1)"}, "must start with http"),
        ({"title": "T", "text": "Body.", "published_at": "soon"}, "must be a date"),
        ({"title": "", "text": "H" * 100_000 + "\n\nBody."}, "the limit is 500"),
    ],
)
def test_import_form_errors_name_the_field_and_store_nothing(client, admin, data, message):
    login(client, admin)
    response = client.post("/articles/new", data=data | {"csrf_token": client.csrf})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Article)) == 0


def field_errors(page: str) -> dict[str, str]:
    """The error shown under each form field, by field id."""
    return dict(re.findall(r'<p class="error" id="([^"]+)-error">([^<]*)</p>', page))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "   ", "text": SAMPLE_TEXT}, "title", "Title is required."),
        ({"title": "\t\n", "text": "Body. More body."}, "title", "Title is required."),
        ({"title": "", "text": ""}, "text", "Text is required."),
        ({"title": "T" * 501, "text": SAMPLE_TEXT}, "title", "500"),
    ],
    ids=["blank-title", "whitespace-title", "empty-title-and-text", "title-too-long"],
)
def test_import_form_names_the_title_or_text_under_its_field_and_stores_nothing(
    client, admin, data, field, message
):
    """An empty title is filled from the text's first line (see above); a blank one is refused."""
    login(client, admin)
    response = client.post("/articles/new", data=data | {"csrf_token": client.csrf})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<form" in page and 'name="title"' in page  # the form again, not an error page
    errors = field_errors(page)
    assert list(errors) == [field] and message in errors[field]
    assert db.session.scalar(db.select(db.func.count()).select_from(Article)) == 0


def test_a_missing_article_is_a_friendly_404_page(app, client, reviewer):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(client, reviewer)
    for path in ("/articles/999999", "/articles/999999/edit", "/articles/999999?sentence=1"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        if path.endswith("/edit"):  # admins only: a reviewer is refused before the lookup
            assert response.status_code == 403
            continue
        assert response.status_code == 404, path
        assert response.mimetype == "text/html"
        assert "<h1>Not found</h1>" in page and "There is no article #999999." in page
        assert 'href="/"' in page  # a way back
        assert "Traceback" not in page and "NotFound" not in page and "werkzeug" not in page


def test_titles_and_text_are_escaped(client, admin, make_article):
    make_article(
        text="<script>alert('x')</script> said nobody. <img src=x onerror=alert(1)>",
        title="<b onmouseover=alert(1)>Title</b>",
    )
    login(client, admin)
    index = client.get("/").get_data(as_text=True)
    assert "<b onmouseover" not in index and "&lt;b onmouseover=alert(1)&gt;" in index
    article_id = db.session.scalar(db.select(Article.id))
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def annotate_form(sentence_id, page_html, **fields):
    data = {
        "csrf_token": csrf_from(page_html),
        "verdict": "disputed",
        "attributed_to": "the mayor",
        "note": "checked",
        "links-0-url": "https://example.org/proof",
        "links-0-credibility": "high",
        "links-0-title": "",
        "links-0-stance": "refutes",
    }
    data.update(fields)
    return data


def post_annotation(client, article, sentence, **fields):
    """Open the sentence's editor and send its plain form, as a browser without JavaScript does."""
    page = client.get(f"/articles/{article.id}?sentence={sentence.id}").get_data(as_text=True)
    return client.post(
        f"/articles/{article.id}/sentences/{sentence.id}/annotation",
        data=annotate_form(sentence.id, page, **fields),
    )


def test_plain_form_saves_and_reload_shows_it(client, reviewer, make_article):
    article = make_article()
    sentence = article.sentences[1]
    login(client, reviewer)
    response = post_annotation(client, article, sentence)
    assert response.status_code == 302
    page = client.get(f"/articles/{article.id}?sentence={sentence.id}").get_data(as_text=True)
    assert (
        "[disputed]" in page and 'value="the mayor"' in page and "https://example.org/proof" in page
    )
    ann = db.session.scalar(db.select(Annotation))
    assert (ann.verdict, ann.links[0].credibility, ann.links[0].stance) == (
        "disputed",
        "high",
        "refutes",
    )


def test_plain_form_with_stale_version_says_so_and_keeps_newer_work(client, reviewer, make_article):
    article = make_article()
    sentence = article.sentences[0]
    login(client, reviewer)
    page = client.get(f"/articles/{article.id}?sentence={sentence.id}").get_data(as_text=True)
    url = f"/articles/{article.id}/sentences/{sentence.id}/annotation"
    client.post(url, data=annotate_form(sentence.id, page))
    ann_id = db.session.scalar(db.select(Annotation.id))
    client.post(
        url,
        data=annotate_form(sentence.id, page, annotation_id=str(ann_id), version="1", note="newer"),
    )
    response = client.post(
        url,
        data=annotate_form(sentence.id, page, annotation_id=str(ann_id), version="1", note="old"),
        follow_redirects=True,
    )
    assert "Someone saved annotation" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Annotation, ann_id).note == "newer"


def test_plain_form_with_bad_link_shows_error(client, reviewer, make_article):
    article = make_article()
    sentence = article.sentences[0]
    login(client, reviewer)
    response = post_annotation(client, article, sentence, **{"links-0-url": "javascript:alert(1)"})
    assert response.status_code == 422
    assert "must start with http" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Annotation)) == 0


def test_plain_form_with_unknown_verdict_rerenders_naming_the_verdict(
    client, reviewer, make_article
):
    article = make_article()
    sentence = article.sentences[1]
    login(client, reviewer)
    response = post_annotation(client, article, sentence, verdict="false")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # the template's place for it: the verdict buttons marked, the reason under them
    assert 'class="verdicts has-error"' in page
    assert re.search(r'class="verdicts has-error".*?<p class="error">[^<]+</p>', page, re.S)
    assert 'value="the mayor"' in page  # what was typed is kept
    assert db.session.scalar(db.select(db.func.count()).select_from(Annotation)) == 0


def test_admin_creates_a_reviewer_on_the_users_page(client, admin):
    login(client, admin)
    short = client.post(
        "/admin/users",
        data={
            "username": "bob",
            "password": "short",
            "role": "reviewer",
            "csrf_token": client.csrf,
        },
    )
    assert short.status_code == 422 and "at least 12 characters" in short.get_data(as_text=True)
    client.post(
        "/admin/users",
        data={
            "username": "bob",
            "password": "long enough pw",
            "role": "reviewer",
            "csrf_token": client.csrf,
        },
    )
    bob = db.session.scalar(db.select(User).where(User.username == "bob"))
    assert bob.role == "reviewer" and bob.password_hash.startswith("$argon2id$")
    other = client.application.test_client()
    login(other, "bob", "long enough pw")


def test_export_page_downloads_csv_with_the_annotation(client, reviewer, make_article):
    article = make_article()
    login(client, reviewer)
    page = client.get(f"/articles/{article.id}").get_data(as_text=True)
    client.post(
        f"/articles/{article.id}/sentences/{article.sentences[0].id}/annotation",
        data=annotate_form(article.sentences[0].id, page, note="=1+1"),
    )
    response = client.get(f"/export/download?format=csv&article={article.id}")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.count("\r\n") == 2 and ",'=1+1," in body


def test_account_page_shows_a_new_token_once(client, reviewer):
    login(client, reviewer)
    page = client.post("/account", data={"name": "my script", "csrf_token": client.csrf}).get_data(
        as_text=True
    )
    token = re.search(r'<code id="new-token">(ann_[^<]+)</code>', page).group(1)
    assert token not in client.get("/account").get_data(as_text=True)
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()[
            "username"
        ]
        == "alice"
    )


def test_unexpected_errors_show_a_sentence_not_a_trace(app, client, reviewer, monkeypatch):
    from annotator.services.articles import listing

    def boom(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(listing, "list_page", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(client, reviewer)
    response = client.get("/")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert (
        "Something went wrong" in body
        and "secret internals" not in body
        and "Traceback" not in body
    )


def test_security_headers(client):
    headers = client.get("/login").headers
    assert headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_a_revoked_token_stops_working_and_only_its_owner_can_revoke_it(
    client, reviewer, make_user, token_for
):
    from annotator.models import ApiToken

    headers = token_for(reviewer)
    token_id = db.session.scalar(db.select(ApiToken.id))
    other = client.application.test_client()
    login(other, make_user())
    assert (
        other.post(
            f"/account/tokens/{token_id}/revoke", data={"csrf_token": other.csrf}
        ).status_code
        == 404
    )
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    login(client, reviewer)
    page = client.post(
        f"/account/tokens/{token_id}/revoke",
        data={"csrf_token": client.csrf},
        follow_redirects=True,
    )
    assert "no longer works" in page.get_data(as_text=True) and "revoked" in page.get_data(
        as_text=True
    )
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_download_streamed_after_its_request_ended_is_whole(client, reviewer, make_article):
    """As under a real server: the request runs in its own thread and context (no test context
    to lean on), and the export is streamed after the view returned."""
    article = make_article()
    login(client, reviewer)
    page = client.get(f"/articles/{article.id}").get_data(as_text=True)
    client.post(
        f"/articles/{article.id}/sentences/{article.sentences[0].id}/annotation",
        data=annotate_form(article.sentences[0].id, page, note="streamed"),
    )
    url, got = f"/export/download?format=csv&article={article.id}", {}

    def download() -> None:
        try:
            response = client.get(url)
            got["status"], got["body"] = response.status_code, response.get_data(as_text=True)
        except Exception as error:
            got["error"] = error

    thread = threading.Thread(target=download)
    thread.start()
    thread.join(60)
    assert "error" not in got, f"the download broke off: {got.get('error')!r}"
    assert got["status"] == 200
    assert str(got["body"]).count("\r\n") == 2 and ",streamed," in str(got["body"])


def test_a_request_whose_only_write_is_a_plain_statement_is_committed(
    app, client, admin, make_article
):
    """The unit of work commits a request that wrote with SQL of its own (no ORM flush)."""
    from flask import Blueprint

    from annotator.models import Revision

    probe = Blueprint("uow_probe", __name__)

    @probe.post("/uow-probe")
    def write_plainly():
        db.session.execute(
            db.insert(Revision.__table__),
            {"entity": "probe", "entity_id": 1, "action": "create", "actor_id": None},
        )
        return "", 204

    app.register_blueprint(probe)
    app.config["WTF_CSRF_ENABLED"] = False
    assert client.post("/uow-probe").status_code == 204
    db.session.rollback()
    assert (
        db.session.scalar(
            db.select(db.func.count()).select_from(Revision).where(Revision.entity == "probe")
        )
        == 1
    )
