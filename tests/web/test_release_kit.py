"""The cover page's release kit and motion loop in a real browser: the kit, made by a worker
while the button asks again, downloads as a ZIP of every format, and the owner makes a Canvas
loop that plays on the page."""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import PAGE_CSRF, check_page, register
from tests.web.server import SleeveServer

LOOP_TIMEOUT_MS = 120_000
KIT_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def draft_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SleeveServer]:
    # Loops drawn at a tenth of their size: the page is what is under test here. Requests do
    # not wait for workers, so the kit's first answer is a 202 the button must ride out.
    running = SleeveServer(tmp_path_factory.mktemp("sleeve-kit"),
                           extra_env={"SLEEVE_MOTION_SCALE": "0.1", "SLEEVE_VARIANT_WAIT_S": "0"})
    running.start()
    yield running
    running.stop()


def _cover_id(page: Page, base_url: str) -> str:
    made = page.request.post(f"{base_url}/v1/jobs", data={
        "brief": {"title": "Night Drive", "artist": "Luna Vale", "genre": "synthwave"},
        "count": 1, "size": 256, "seed": 3, "style": "synthwave"},
        headers=PAGE_CSRF)  # the header the page's own calls carry
    assert made.status == 202, made.text()
    job_id = made.json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = page.request.get(f"{base_url}/v1/jobs/{job_id}").json()
        if job["state"] == "succeeded":
            return str(job["covers"][0]["id"])
        assert job["state"] in ("queued", "running"), job
        time.sleep(0.3)
    raise AssertionError("the cover job did not finish")


def test_release_kit_downloads_and_a_canvas_loop_plays(page: Page,
                                                       draft_server: SleeveServer) -> None:
    register(page, draft_server.url)
    cover_id = _cover_id(page, draft_server.url)
    page.goto(f"{draft_server.url}/#/cover/{cover_id}")
    expect(page.get_by_role("heading", name="Night Drive")).to_be_visible()

    kit_button = page.get_by_role("link", name=re.compile("^Release kit"))
    with page.expect_download(timeout=KIT_TIMEOUT_MS) as download_info:
        kit_button.click()
        expect(kit_button).to_contain_text("Preparing")
    download = download_info.value
    assert download.suggested_filename.endswith("-kit.zip")
    with zipfile.ZipFile(download.path()) as archive:
        assert len(archive.namelist()) == 5
    expect(kit_button).not_to_contain_text("Preparing")

    page.get_by_label("Format").select_option("canvas")
    page.get_by_role("button", name="Make loop").click()
    video = page.locator("video.motion-video")
    expect(video).to_be_visible(timeout=LOOP_TIMEOUT_MS)
    assert video.get_attribute("src", timeout=1000).endswith("/video")
    expect(page.get_by_role("link", name="Download loop")).to_be_visible()
    # The loop plays (it moved past its first frame), then holds still for the screenshots;
    # Chromium keeps the media connection open, so the page is never network-idle.
    page.wait_for_function("() => { const v = document.querySelector('video.motion-video');"
                           " return v && v.readyState >= 3 && v.currentTime > 0; }",
                           timeout=LOOP_TIMEOUT_MS)
    video.evaluate("v => { v.pause(); v.removeAttribute('autoplay'); }")
    check_page(page, "cover-motion", network_idle=False)
