"""The import page in the browser: a large upload shows its progress, and still ends on the preview."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_large_upload_shows_progress_then_the_preview(page: Page, admin, tmp_path) -> None:
    (tmp_path / "story.txt").write_text(
        "Bridge reopens\n\nThe river bridge reopened on Monday after three months of repairs.",
        encoding="utf-8",
    )
    (tmp_path / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(600_000))  # refused, but big
    log_in(page, admin)
    page.goto("/import")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(  # about 3 s to send 600 kB: long enough to watch
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 200_000},
    )
    page.set_input_files("#upload-files", [str(tmp_path / "story.txt"), str(tmp_path / "scan.txt")])
    page.get_by_role("button", name="Preview files").click()
    progress = page.locator("#upload-progress")
    expect(progress).to_be_visible()
    expect(page.locator("#upload-progress-text")).to_contain_text(
        re.compile(r"Uploading: \d+\.\d of 0\.\d MB \(\d+%\)")
    )
    assert page.locator("#upload-progress progress").get_attribute("max") == "100"
    expect(page.get_by_role("heading", name="Preview: 1 article")).to_be_visible(timeout=20_000)
    expect(page.locator("main")).to_contain_text("Could not be read (1)")
    expect(page.locator("#a-0-title")).to_have_value("Bridge reopens")
