"""Markup in a brief is text on the page: a job and its cover titled with HTML and script show
those characters literally, and no element, handler or script of theirs exists or runs."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Dialog, Page, expect

from tests.web.conftest import PAGE_CSRF, check_page, register
from tests.web.server import SleeveServer

TITLE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
ARTIST = '"><b id="injected" onclick="window.__pwned=3">bold</b>'
# Any element the strings could have become, and the flag their handlers would set.
INJECTED = """() => ({
  elements: document.querySelectorAll("#injected, img[src='x'], [onerror], [onclick]").length,
  scripts: [...document.scripts].filter(s => s.textContent.includes("__pwned")).length,
  pwned: window.__pwned ?? null,
})"""


def _assert_inert(page: Page) -> None:
    assert page.evaluate(INJECTED) == {"elements": 0, "scripts": 0, "pwned": None}


def test_markup_in_a_title_is_shown_as_text(make_page: Callable[..., Page],
                                            server: SleeveServer) -> None:
    page = make_page()
    dialogs: list[str] = []

    def refuse(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    register(page, server.url)
    created = page.request.post(f"{server.url}/v1/jobs", data={
        "brief": {"title": TITLE, "artist": ARTIST, "genre": "ballad"}, "count": 1,
        "size": 256, "style": "swiss", "seed": 3},
        headers=PAGE_CSRF)  # the header the page's own calls carry
    assert created.status == 202, created.text()
    job_id = created.json()["id"]

    page.goto(f"{server.url}/#/jobs/{job_id}")
    expect(page.locator(".job .lead")).to_have_text(f"“{TITLE}” — {ARTIST}")
    cover = page.locator(".job-grid a").first
    expect(cover).to_be_visible(timeout=60_000)
    _assert_inert(page)
    check_page(page, "injection-job")

    cover.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text(ARTIST, exact=True).first).to_be_visible()
    _assert_inert(page)
    check_page(page, "injection-cover")
    assert not dialogs
