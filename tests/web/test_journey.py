"""The whole journey in a real browser: register → create → live progress → 4 covers → rate →
download (a 3000×3000 JPEG) → make public → it is in the gallery."""

from __future__ import annotations

import re

from PIL import Image
from playwright.sync_api import Page, Request, expect

from tests.web.conftest import axe_violations, check_page, register, screenshot
from tests.web.server import SleeveServer

TITLE = "Midnight Rain"
ARTIST = "Luna Vale"
RENDER_TIMEOUT_MS = 180_000


def test_register_create_watch_rate_download_publish(page: Page, server: SleeveServer) -> None:
    page.goto(f"{server.url}/#/register")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    check_page(page, "register")
    register(page, server.url)
    check_page(page, "create")

    streams: list[str] = []
    page.on("request", lambda r: streams.append(r.url) if _is_event_stream(r) else None)
    page.get_by_label("Song title").fill(TITLE)
    page.get_by_label("Artist").fill(ARTIST)
    page.get_by_role("button", name=re.compile("^Ballad")).click()
    expect(page.get_by_label("Genre", exact=True)).to_have_value("Ballad")
    page.get_by_label("Lyrics").fill("Rain on the window, the city asleep\n창밖에 비가 내려")
    page.get_by_label("Style").select_option("swiss")
    expect(page.get_by_role("radio", name="4")).to_be_checked()
    page.get_by_role("button", name="Make covers").click()

    # Progress, live: the bar and the cancel button show while the job runs.
    expect(page.get_by_role("heading", name="Making 4 covers")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel")).to_be_visible()
    screenshot(page, "progress", wait=False)
    assert not axe_violations(page)
    # Each cover shows in its tile as soon as it is stored, while the others still shimmer.
    first = page.locator(".job-grid img").first
    expect(first).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    first.evaluate("img => img.decode()")
    if page.locator(".card-pending").count():
        screenshot(page, "progress-partial", wait=False)
    expect(page.get_by_role("heading", name="Your covers are ready")).to_be_visible(
        timeout=RENDER_TIMEOUT_MS)
    assert any("/events" in url for url in streams), "progress did not come over SSE"
    covers = page.get_by_role("link", name=re.compile(f"Cover for “{TITLE}” by {ARTIST}"))
    expect(covers).to_have_count(4)
    expect(page.get_by_role("button", name="Cancel")).to_be_hidden()
    expect(page.get_by_role("button", name="Make another set")).to_be_visible()
    check_page(page, "results")

    covers.first.click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    check_page(page, "cover")

    # Stars are a radio group: keyboard users pick a rating with the arrow keys.
    page.get_by_role("radio", name="1 star", exact=True).focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="4 stars")).to_be_checked()
    page.get_by_label("Comment").fill("Love the <b>colours</b>")
    page.get_by_role("button", name="Save rating").click()
    expect(page.get_by_role("status")).to_contain_text("rating is saved")
    expect(page.locator("#cover-rating")).to_have_text(re.compile(r"^4\.0"))

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^JPEG")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".jpg")
    with Image.open(download.path()) as image:
        assert (image.format, image.size) == ("JPEG", (3000, 3000))

    page.get_by_role("button", name="Make public").click()
    expect(page.get_by_role("button", name="Make private")).to_be_visible()

    page.get_by_role("link", name="Gallery").click()
    expect(page.get_by_role("heading", name="Gallery")).to_be_visible()
    public = page.get_by_role("link", name=re.compile(f"Cover for “{TITLE}”"))
    expect(public).to_have_count(1)
    expect(page.get_by_role("listitem").filter(has=public)).to_contain_text("4.0")
    page.get_by_label("Genre").select_option("ballad")
    expect(page).to_have_url(re.compile("genre=ballad"))
    expect(public).to_have_count(1)
    check_page(page, "gallery")

    page.get_by_role("link", name="My covers").click()
    expect(page.get_by_role("heading", name="My covers")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Cover for"))).to_have_count(4)
    check_page(page, "my-covers")


def _is_event_stream(request: Request) -> bool:
    return request.url.endswith("/events")
