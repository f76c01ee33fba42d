"""Browser tests: Debian's chromium driven by Playwright against a server the tests start."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, sync_playwright

from tests.web.server import SleeveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic",
]
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WIDTHS = (375, 1280)
DESKTOP: ViewportSize = {"width": 1280, "height": 860}
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # launch() gives every run a fresh temporary profile (user data dir).
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SleeveServer]:
    running = SleeveServer(tmp_path_factory.mktemp("sleeve-web"))
    running.start()
    yield running
    running.stop()


@pytest.fixture
def make_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """A page in its own context (own cookies); axe is injected, so CSP is bypassed."""
    contexts = []
    uncaught: list[str] = []

    def make(locale: str = "en-US", **options: Any) -> Page:
        context = browser.new_context(viewport=DESKTOP, locale=locale, bypass_csp=True,
                                      accept_downloads=True, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: uncaught.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not uncaught, f"uncaught errors in the page: {uncaught}"


@pytest.fixture
def page(make_page: Callable[..., Page]) -> Page:
    return make_page()


# A cookie-authenticated write needs it (CSRF defence); the page's api() sends it on every call.
PAGE_CSRF = {"X-Requested-With": "sleeve"}


def new_email() -> str:
    return f"web-{uuid.uuid4().hex[:10]}@example.com"


def register(page: Page, base_url: str) -> str:
    """Signs up through the page; returns the email. Lands on the create page."""
    email = new_email()
    page.goto(f"{base_url}/#/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="New covers").wait_for()
    return email


def settle(page: Page, network_idle: bool = True) -> None:
    """Waits for images and fonts so screenshots and checks see the finished page (and for the
    network to go quiet, unless the page holds a stream or a video open)."""
    if network_idle:
        page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => [...document.images].every(i => i.complete) && document.fonts.status === 'loaded'")


def _size(width: int) -> ViewportSize:
    return {"width": width, "height": DESKTOP["height"]}


def screenshot(page: Page, name: str, wait: bool = True) -> list[Path]:
    """Saves the page at 375 px and 1280 px wide (full height). ``wait=False`` for pages
    with an open event stream, which never go network-idle."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # A toast from an earlier step would float over the middle of a full-page shot.
    page.evaluate("() => { document.getElementById('toast').textContent = ''; }")
    saved = []
    for width in WIDTHS:
        page.set_viewport_size(_size(width))
        if wait:
            settle(page)
        path = SCREENSHOTS / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        saved.append(path)
    page.set_viewport_size(DESKTOP)
    return saved


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def check_page(page: Page, name: str, network_idle: bool = True) -> None:
    """Every page the tests visit: screenshots at both widths, no serious a11y problems and
    no sideways scrolling. ``network_idle=False`` for a page with a video, whose media
    connection Chromium keeps open."""
    if network_idle:
        screenshot(page, name)
    else:
        settle(page, network_idle=False)
        screenshot(page, name, wait=False)
    for width in WIDTHS:
        page.set_viewport_size(_size(width))
        settle(page, network_idle)
        violations = axe_violations(page)
        assert not violations, f"{name} at {width}px: {violations}"
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{name} at {width}px scrolls sideways ({scroll_width}px)"
    page.set_viewport_size(DESKTOP)
