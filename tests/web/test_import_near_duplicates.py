"""Near-duplicates at import (the preview, the import itself, the command line) and the import
page's handling of long batches: collapsed articles, tick all / untick all, failed files counted."""

from __future__ import annotations

import re

from annotator.extensions import db
from annotator.models import Article
from tests.conftest import count, login
from tests.unit.test_near_duplicates import STORY
from tests.web.test_import_page import _confirm_form, _page, _upload

TRIMMED = STORY.rsplit("\n\n", 2)[0]
WITH_ADDRESS = "https://news.example/2026/flood-barrier\n\n" + STORY


def _text(response) -> str:
    """The page's words, without tags and with single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", _page(response)))


def _paste(client, text: str, **form):
    data = {"csrf_token": client.csrf, "source": "paste", "format": "auto", "text": text, **form}
    return client.post("/import/preview", data=data)


def test_a_trimmed_story_is_flagged_in_the_preview_and_needs_import_anyway(
    client, admin, make_article
) -> None:
    original = make_article(text=STORY, title="Flood barrier approved after late-night vote")
    login(client, admin)
    response = _paste(client, TRIMMED)
    page = _text(response)
    assert f"Nearly the same as #{original.id}" in page and "of the shorter one's wording" in page
    form = _confirm_form(response.get_data(as_text=True))
    assert "a-0-include" not in form  # unticked, like an exact duplicate
    form |= {"a-0-include": "1", "action": "import"}
    refused = client.post("/import/confirm", data=form)
    assert refused.status_code == 409 and "nearly the same as" in _page(refused)
    assert count(Article) == 1
    forced = client.post("/import/confirm", data=form | {"force": "1"})
    assert forced.status_code == 302 and count(Article) == 2


def test_pasted_once_and_uploaded_once_with_its_address_added(client, admin) -> None:
    login(client, admin)
    first = _paste(client, STORY)
    client.post(
        "/import/confirm",
        data=_confirm_form(first.get_data(as_text=True)) | {"action": "import"},
    )
    assert count(Article) == 1
    again = _upload(client, ("barrier.txt", WITH_ADDRESS.replace("\n", "\r\n").encode()))
    first_id = db.session.scalar(db.select(Article.id))
    title = "Flood barrier approved after late-night vote"
    assert f"Nearly the same as #{first_id} “{title}”" in _text(again)


def test_the_same_story_twice_in_one_upload_is_flagged(client, admin) -> None:
    login(client, admin)
    response = _upload(client, ("a.txt", STORY.encode()), ("b.txt", TRIMMED.encode()))
    page = _page(response)
    assert "Nearly the same as a.txt, earlier in this batch" in page
    form = _confirm_form(response.get_data(as_text=True))
    assert "a-0-include" in form and "a-1-include" not in form


def test_annotator_import_reports_near_duplicates_and_imports_them_with_force(
    runner, make_article, tmp_path
) -> None:
    make_article(text=STORY, title="Flood barrier approved after late-night vote")
    path = tmp_path / "trimmed.txt"
    path.write_text(TRIMMED, encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert "trimmed.txt: skipped, This article is nearly the same as #" in result.output
    assert "duplicates skipped 1" in result.output and count(Article) == 1
    forced = runner.invoke(args=["import", "--force", str(path)])
    assert forced.exit_code == 0 and count(Article) == 2


def test_a_long_preview_collapses_and_ticks_all_or_none(client, admin) -> None:
    login(client, admin)
    files = [(f"n{i}.txt", f"Note {i}\n\nA short note number {i}.".encode()) for i in range(5)]
    response = _upload(client, *files)
    raw = response.get_data(as_text=True)
    assert (
        raw.count('<details class="draft"') == 5
        and '<details class="draft" id="draft-0" open' not in raw
    )
    assert "5 of 5 ticked." in raw
    form = _confirm_form(raw)
    untick = client.post("/import/confirm", data=form | {"action": "untick-all"})
    assert "0 of 5 ticked." in untick.get_data(as_text=True)
    assert re.findall(r'name="a-\d-include" value="1" checked', untick.get_data(as_text=True)) == []
    tick = client.post(
        "/import/confirm",
        data=_confirm_form(untick.get_data(as_text=True)) | {"action": "tick-all"},
    )
    assert "5 of 5 ticked." in tick.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Article)) == 0


def test_the_result_page_counts_the_files_that_failed(client, admin) -> None:
    login(client, admin)
    response = _upload(
        client,
        ("good.txt", b"Good title\n\nGood text."),
        ("other.txt", b"Other title\n\nOther text here."),
        ("bad.txt", b"\xff\xfe\x00"),
    )
    form = _confirm_form(response.get_data(as_text=True)) | {"action": "import"}
    result = client.post("/import/confirm", data=form)
    page = _page(result)
    assert "Imported 2, duplicates skipped 0, failed 0; 1 file could not be read." in page
    assert "bad.txt" in page


def test_the_upload_form_reports_progress(client, admin) -> None:
    login(client, admin)
    page = client.get("/import").get_data(as_text=True)
    assert 'id="upload-progress"' in page and "<progress" in page
    assert re.search(r'<script src="/static/imports\.js\?v=\w+" defer>', page)
