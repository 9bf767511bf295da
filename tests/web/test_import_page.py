"""The import page: paste or upload, preview with sentences, edit, confirm; bad input refused."""

from __future__ import annotations

import html
import io
import json
import re

import pytest

from annotator.extensions import db
from annotator.models import Article, Sentence
from tests.conftest import SAMPLE_TEXT, corpus_file, login
from tests.unit.test_importers_formats import PAGE


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _upload(client, *files: tuple[str, bytes], **form):
    data = {"csrf_token": client.csrf, "source": "upload", "format": "auto", **form}
    data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post("/import/preview", data=data, content_type="multipart/form-data")


def _confirm_form(page: str) -> dict[str, str]:
    """The preview form's fields as a browser would send them (ticked boxes only)."""
    fields: dict[str, str] = {}
    for tag in re.findall(r"<input [^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and ('type="checkbox"' not in tag or " checked" in tag):
            fields[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(
        r'<textarea [^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, re.S
    ):
        fields[name] = body
    return fields


def test_nav_leads_admins_to_the_import_page(client, admin):
    login(client, admin)
    page = _page(client.get("/"))
    assert 'href="/import"' in page
    start = _page(client.get("/import"))
    assert "Paste an article" in start and "Upload files" in start


def test_reviewers_cannot_import(client, reviewer):
    login(client, reviewer)
    assert client.get("/import").status_code == 403
    response = client.post(
        "/import/confirm",
        data={
            "csrf_token": client.csrf,
            "count": "1",
            "a-0-title": "T",
            "a-0-text": "X.",
            "a-0-include": "1",
        },
    )
    assert response.status_code == 403
    assert _count(Article) == 0


def test_paste_preview_edit_and_import(client, admin):
    login(client, admin)
    text = corpus_file("kherson-withdrawal.txt").read_text(encoding="utf-8")
    response = client.post(
        "/import/preview",
        data={
            "csrf_token": client.csrf,
            "source": "paste",
            "format": "auto",
            "title": "",
            "text": text,
            "outlet": "Example Wire",
            "published_at": "2022-11-11",
        },
    )
    page = _page(response)
    assert response.status_code == 200
    assert "Russia said on Friday it had completed" in page
    assert "sentences</h3>" in page
    assert _count(Article) == 0  # a preview stores nothing

    form = _confirm_form(response.get_data(as_text=True))
    assert form["a-0-outlet"] == "Example Wire"
    assert form["a-0-title"] == text.strip().splitlines()[0].strip()
    # the admin fixes the title and trims the clutter at the end before confirming
    trimmed = text[: text.index("You May Also Like")] if "You May Also Like" in text else text
    form.update(
        {
            "a-0-title": "Russia leaves Kherson",
            "a-0-text": trimmed.replace("\n", "\r\n"),
            "action": "import",
        }
    )
    response = client.post("/import/confirm", data=form)
    assert response.status_code == 302
    article = db.session.scalar(db.select(Article))
    assert article.title == "Russia leaves Kherson"
    assert article.outlet == "Example Wire" and article.published_at == "2022-11-11"
    assert "\r" not in article.text and "You May Also Like" not in article.text
    assert all(article.text[s.start : s.end] == s.text for s in article.sentences)
    assert "Imported “Russia leaves Kherson”" in _page(client.get(response.headers["Location"]))


def test_update_preview_shows_edited_sentences(client, admin):
    login(client, admin)
    form = {
        "csrf_token": client.csrf,
        "count": "1",
        "a-0-where": "pasted text",
        "a-0-title": "T",
        "a-0-text": "Edited first. Edited second.",
        "a-0-include": "1",
        "action": "refresh",
    }
    page = _page(client.post("/import/confirm", data=form))
    assert "<li>Edited first.</li><li>Edited second.</li>" in page
    assert _count(Article) == 0


def test_upload_every_format_and_import_them_all(client, admin):
    login(client, admin)
    files = [
        ("plain.txt", b"Plain headline\n\nPlain body one. Plain body two."),
        ("notes.md", b"# Markdown headline\n\nSome *marked* text.\n\n- item one\n- item two\n"),
        ("page.html", PAGE),
        ("one.json", json.dumps({"title": "JSON one", "text": "From JSON."}).encode()),
        (
            "many.jsonl",
            b'{"title": "L1", "text": "Line one."}\n{"title": "L2", "text": "Line two."}\n',
        ),
        ("sheet.csv", b'\xef\xbb\xbftext,title\n"From CSV, quoted.",CSV row\n'),
    ]
    response = _upload(client, *files)
    page = _page(response)
    assert response.status_code == 200, page
    assert "Preview: 7 articles" in page
    for where in ("plain.txt", "notes.md", "page.html", "many.jsonl, line 2", "sheet.csv"):
        assert where in page
    form = _confirm_form(response.get_data(as_text=True)) | {"action": "import"}
    response = client.post("/import/confirm", data=form)
    assert response.status_code == 200
    assert "Imported 7, duplicates skipped 0, failed 0" in _page(response)
    titles = set(db.session.scalars(db.select(Article.title)))
    assert titles == {
        "Plain headline",
        "Markdown headline",
        "Russia leaves key city for Ukraine",
        "JSON one",
        "L1",
        "L2",
        "CSV row",
    }
    page_article = db.session.scalar(db.select(Article).where(Article.title.startswith("Russia")))
    assert (
        page_article.url == "https://example.org/kherson" and page_article.author == "Jane Reporter"
    )
    assert "You may also like" not in page_article.text


def test_duplicates_are_flagged_in_preview_and_skipped_unless_forced(client, admin, make_article):
    existing = make_article(text=SAMPLE_TEXT)
    login(client, admin)
    response = _upload(client, ("again.txt", SAMPLE_TEXT.encode()))
    page = _page(response)
    assert "Already imported as" in page and f"#{existing.id}" in page
    form = _confirm_form(response.get_data(as_text=True))
    assert "a-0-include" not in form  # unticked by default
    form |= {"a-0-include": "1", "action": "import"}
    response = client.post("/import/confirm", data=form)
    assert response.status_code == 409
    assert "Imported 0, duplicates skipped 1" in _page(response)
    assert _count(Article) == 1
    response = client.post("/import/confirm", data=form | {"force": "1"})
    assert response.status_code == 302
    assert _count(Article) == 2


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "PNG image"),
        ("nul.txt", b"a\nb\x00c", "NUL bytes"),
        ("latin.txt", b"ok\n\xe9t\xe9", "not valid UTF-8"),
        ("wide.txt", "Headline\nbody".encode("utf-16"), "UTF-16"),
        ("page.txt", PAGE, "looks like HTML"),
        ("deep.json", b"[" * 20_000 + b"]" * 20_000, "nested too deeply"),
        (
            "digits.json",
            b'{"title": "a", "text": "b", "n": ' + b"1" * 5000 + b"}",
            "thousands of digits",
        ),
        ("nan.json", b'{"title": "a", "text": NaN}', "NaN"),
        ("big.csv", b'text\n"' + b"x" * 200_000 + b'"\n', "longer than 131,072"),
        ("noheader.csv", b"Just,some,cells\n", "header"),
    ],
)
def test_bad_uploads_are_refused_naming_the_file(client, admin, name, content, reason):
    login(client, admin)
    response = _upload(client, (name, content))
    page = _page(response)
    assert response.status_code == 422
    assert name in page and reason in page
    assert _count(Article) == 0


def test_bad_file_does_not_stop_the_good_ones(client, admin):
    login(client, admin)
    response = _upload(
        client, ("good.txt", b"Good title\n\nGood text."), ("bad.txt", b"\xff\xfe\x00")
    )
    page = _page(response)
    assert response.status_code == 200
    assert "Could not be read (1)" in page and "bad.txt" in page and "Good text." in page


def test_uploaded_names_are_sanitised_and_never_written(client, admin, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    login(client, admin)
    response = _upload(client, ("../../etc/\x1b[2Jevil\x07.txt", b"Headline\n\nBody text."))
    raw = response.get_data(as_text=True)
    assert "\x1b" not in raw and "\x07" not in raw and "../" not in raw
    assert "\ufffd[2Jevil" in html.unescape(raw)
    assert list(tmp_path.iterdir()) == []


def test_title_of_100000_characters_is_refused(client, admin):
    login(client, admin)
    data = json.dumps({"title": "T" * 100_000, "text": "Body."}).encode()
    response = _upload(client, ("long.json", data))
    assert "100,000 characters long; the limit is 500" in _page(response)
    form = _confirm_form(response.get_data(as_text=True)) | {"a-0-include": "1", "action": "import"}
    response = client.post("/import/confirm", data=form)
    assert response.status_code == 422
    assert "failed 1" in _page(response)
    assert _count(Article) == 0 and _count(Sentence) == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("long.txt", b"T" * 100_000 + b"\n\nBody of the text."),
        ("long.md", b"# " + b"T" * 100_000 + b"\n\nBody of the text."),
    ],
)
def test_uploaded_text_whose_first_line_is_too_long_for_a_title_is_refused(
    client, admin, name, content
):
    login(client, admin)
    response = _upload(client, (name, content))
    assert response.status_code == 422
    page = _page(response)
    assert "Could not be read (1)" in page
    assert f"{name}, line 1" in page
    assert "title: Title is 100,000 characters long; the limit is 500." in page
    assert _count(Article) == 0 and _count(Sentence) == 0


@pytest.mark.parametrize("fmt", ["auto", "txt", "md"])
def test_pasted_text_whose_first_line_is_too_long_needs_a_title(client, admin, fmt):
    login(client, admin)
    form = {
        "csrf_token": client.csrf,
        "source": "paste",
        "format": fmt,
        "text": "W" * 100_000 + " ends.\n\nBody of the text.",
    }
    response = client.post("/import/preview", data=form | {"title": ""})
    assert response.status_code == 422
    page = _page(response)
    assert "line 1: title: Title is 100,006 characters long; the limit is 500." in page
    assert "type a title in the Title field" in page
    response = client.post("/import/preview", data=form | {"title": "A short title"})
    assert response.status_code == 200
    assert 'value="A short title"' in response.get_data(as_text=True)
    assert _count(Article) == 0


def test_too_many_files_and_too_large_uploads(app, client, admin):
    login(client, admin)
    app.config["MAX_FILES_PER_BATCH"] = 2
    response = _upload(
        client, *[(f"f{i}.txt", f"Title {i}\n\nText number {i}.".encode()) for i in range(3)]
    )
    assert response.status_code == 200  # the first two are offered, not nothing
    page = _page(response)
    assert "You chose 3 files; this preview holds the first 2 of them." in page
    assert "upload the other 1 (from “f2.txt”)" in page
    assert "Text number 1." in page and "Text number 2." not in page
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = _upload(client, ("big.txt", b"Title\n\n" + b"word " * 5_000))
    assert response.status_code == 413
    assert "The upload is larger than the limit" in _page(response)
    assert _count(Article) == 0


def test_too_many_articles_for_the_page(app, client, admin):
    login(client, admin)
    app.config["MAX_ARTICLES_PER_BATCH"] = 3
    lines = "\n".join(
        json.dumps({"title": f"T{i}", "text": f"Text {i}."}) for i in range(4)
    ).encode()
    response = _upload(client, ("four.jsonl", lines))
    assert response.status_code == 422
    assert "at most 3 at a time" in _page(response) and "annotator import" in _page(response)


def test_pasted_html_is_refused_unless_html_is_chosen(client, admin):
    login(client, admin)
    form = {"csrf_token": client.csrf, "source": "paste", "text": PAGE.decode(), "title": ""}
    response = client.post("/import/preview", data=form | {"format": "auto"})
    assert response.status_code == 422
    assert "looks like HTML" in _page(response)
    response = client.post("/import/preview", data=form | {"format": "html"})
    page = _page(response)
    assert response.status_code == 200
    assert "Russia leaves key city for Ukraine" in page and "steal()" not in page


def test_empty_paste_is_refused(client, admin):
    login(client, admin)
    response = client.post(
        "/import/preview", data={"csrf_token": client.csrf, "source": "paste", "text": "  "}
    )
    assert response.status_code == 422
    assert "Paste the article" in _page(response)
