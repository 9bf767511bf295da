"""Parsing an upload never holds up other people's saves (the preview takes no write lock)."""

from __future__ import annotations

import threading
import time

from annotator.web import imports as import_page
from tests.conftest import login


def test_saves_succeed_while_an_import_is_being_parsed(
    app, admin, reviewer, make_article, token_for, monkeypatch
):
    sentence_id = make_article().sentences[0].id
    headers = token_for(reviewer)
    parsing, release = threading.Event(), threading.Event()
    real = import_page.imports.sources_from_file

    def slow_parse(*args, **kwargs):
        parsing.set()
        release.wait(timeout=30)  # a parse that takes as long as the test needs
        return real(*args, **kwargs)

    monkeypatch.setattr(import_page.imports, "sources_from_file", slow_parse)
    admin_client = app.test_client()
    token = login(admin_client, admin)
    answers: list[int] = []

    def preview() -> None:
        response = admin_client.post(
            "/import/preview",
            data={
                "csrf_token": token,
                "title": "T",
                "text": "One sentence. Two sentences.",
                "format": "txt",
            },
        )
        answers.append(response.status_code)

    importer = threading.Thread(target=preview)
    importer.start()
    try:
        assert parsing.wait(timeout=30), "the preview never started parsing"
        started = time.monotonic()
        saved = app.test_client().post(
            "/api/v1/annotations",
            headers=headers,
            json={"sentence_id": sentence_id, "verdict": "verified"},
        )
        waited = time.monotonic() - started
    finally:
        release.set()
        importer.join(timeout=60)
    assert saved.status_code == 201, saved.get_data(as_text=True)[:300]
    assert waited < 5, f"the save waited {waited:.1f} s for the import"
    assert answers == [200]
