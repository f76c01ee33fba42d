"""Error states in the browser: API validation mirrored in the form, a server that is gone,
markup in user text, a wrong password."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Dialog, Page, expect

from tests.web.conftest import PASSWORD, check_page, register, screenshot
from tests.web.server import SleeveServer


def test_empty_title_shows_the_api_message_at_the_field(page: Page, server: SleeveServer) -> None:
    register(page, server.url)
    page.get_by_label("Artist").fill("Luna Vale")
    with page.expect_response(re.compile("/v1/jobs$")) as answer:
        page.get_by_role("button", name="Make covers").click()
    assert answer.value.status == 422
    title = page.get_by_label("Song title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_be_focused()
    expect(page.locator("#f-title-error")).to_have_text("Please fill this in.")
    expect(page.get_by_role("alert")).to_contain_text("Please check the highlighted fields (1)")
    expect(page.get_by_label("Artist")).not_to_have_attribute("aria-invalid", "true")
    check_page(page, "create-errors")


def test_server_unavailable_gives_a_friendly_message(make_page: Callable[..., Page],
                                                     tmp_path: Path) -> None:
    # This server also has an OAuth provider configured (never contacted): the page offers it.
    own = SleeveServer(tmp_path, {"SLEEVE_OAUTH_PROVIDERS": json.dumps({"kakao": {
        "client_id": "sleeve-test", "authorize_url": "http://127.0.0.1:9/authorize",
        "token_url": "http://127.0.0.1:9/token", "userinfo_url": "http://127.0.0.1:9/me"}})})
    own.start()
    page = make_page()
    try:
        page.goto(f"{own.url}/#/login")
        expect(page.get_by_role("link", name="Continue with Kakao")).to_have_attribute(
            "href", re.compile("^/v1/auth/oauth/kakao/login"))
        register(page, own.url)
        page.get_by_label("Song title").fill("Midnight Rain")
        page.get_by_label("Artist").fill("Luna Vale")
    finally:
        own.stop()
    page.get_by_role("button", name="Make covers").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("^Can't reach Sleeve right now"))
    expect(page.get_by_role("button", name="Make covers")).to_be_enabled()
    page.get_by_role("link", name="My covers").click()
    expect(page.get_by_role("alert")).to_contain_text("Can't reach Sleeve right now")
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    screenshot(page, "server-unavailable")


def test_markup_in_titles_shows_as_text(page: Page, server: SleeveServer) -> None:
    title, artist = "<script>alert(1)</script>", "<img src=x onerror=alert(2)>"
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    register(page, server.url)
    page.get_by_label("Song title").fill(title)
    page.get_by_label("Artist").fill(artist)
    page.get_by_label("Style").select_option("swiss")
    page.get_by_role("radio", name="8").check(force=True)
    page.get_by_role("button", name="Make covers").click()
    expect(page.locator(".job .lead")).to_have_text(f"“{title}” — {artist}")
    assert page.locator("#view script, #view img[src='x']").count() == 0
    # The cancel button stops the job; the page says so.
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("#job-status")).to_have_text("Cancelled.")
    expect(page.get_by_role("button", name="Cancel")).to_be_hidden()
    page.get_by_role("link", name="My covers").click()
    expect(page.get_by_role("heading", name="My covers")).to_be_visible()
    assert page.locator("#view script, #view img[src='x']").count() == 0
    assert dialogs == []


def test_log_out_then_wrong_password_then_log_in(page: Page, server: SleeveServer) -> None:
    email = register(page, server.url)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Gallery")).to_be_visible()
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    check_page(page, "login")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="New covers")).to_be_visible()
