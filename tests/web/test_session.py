"""Who is signed in comes with the page: an anonymous visit makes no request that fails (the
console stays clean), a signed-in one shows the account without asking, and a session cookie
that no longer signs anyone in is cleared instead of failing on every visit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import ConsoleMessage, Page, Response, expect

from tests.web.conftest import register
from tests.web.server import SleeveServer


@contextmanager
def failures(page: Page) -> Iterator[list[str]]:
    """Every response ≥ 400 and every console error while the block runs."""
    found: list[str] = []

    def response(r: Response) -> None:
        if r.status >= 400:
            found.append(f"{r.status} {r.url}")

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            found.append(f"console: {message.text}")

    page.on("response", response)
    page.on("console", console)
    yield found
    page.remove_listener("response", response)
    page.remove_listener("console", console)


def _ready(page: Page, url: str) -> None:
    page.goto(url)
    page.locator("html[data-ready=true]").wait_for()
    page.wait_for_load_state("networkidle")


def test_an_anonymous_first_visit_makes_no_failing_request(page: Page,
                                                           server: SleeveServer) -> None:
    with failures(page) as found:
        for view in ("/", "/#/gallery", "/#/login"):
            _ready(page, f"{server.url}{view}")
    assert found == []
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_a_signed_in_visit_shows_the_account_without_asking(page: Page,
                                                            server: SleeveServer) -> None:
    email = register(page, server.url)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/v1/me") else None)
    with failures(page) as found:
        _ready(page, f"{server.url}/#/gallery")
    assert found == [] and asked == []
    expect(page.locator("#account")).to_contain_text(email)


def test_a_dead_session_cookie_is_cleared_quietly(page: Page, server: SleeveServer) -> None:
    page.context.add_cookies([{"name": "sleeve_session", "value": "slv_" + "x" * 43,
                               "url": server.url}])
    with failures(page) as found:
        _ready(page, f"{server.url}/#/gallery")
    assert found == []
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert not [c for c in page.context.cookies() if c["name"] == "sleeve_session"]
