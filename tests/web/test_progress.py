"""The progress page: stage text in Korean, a bar that moves within a cover, shimmering tiles
(still under reduced motion), covers in their tiles as they are stored, and cancel."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from sleeve.jobs.runner import STAGE_SHARE, percent
from sleeve.web.i18n import messages
from tests.web.conftest import PAGE_CSRF, PASSWORD, new_email, screenshot
from tests.web.server import SleeveServer

COUNT = 8  # the most covers a job makes: the slowest job, so it is still running when checked
# The largest covers: typesetting and storing take long enough that the page's stream (polled
# every 0.5 s) reliably lands inside a stage of some cover, not only between covers.
SIZE = 4096
SHIMMER = "el => getComputedStyle(el, '::before').animationName"
SHIMMER_SHOWN = "el => getComputedStyle(el, '::before').display !== 'none'"


def _log_in(page: Page, base_url: str, account: dict[str, str]) -> None:
    """Logs in through the API in the page's context, so the page has the session cookie."""
    assert page.request.post(f"{base_url}/v1/auth/login", data=account).status == 200


def _start_job(page: Page, base_url: str, account: dict[str, str]) -> str:
    """Signs up and starts a big job through the API in the page's context."""
    assert page.request.post(f"{base_url}/v1/auth/register", data=account).status == 201
    _log_in(page, base_url, account)
    brief = {"title": "밤비", "artist": "Luna Vale", "genre": "ballad"}
    # A cookie-authenticated write, so it carries the header the page's own calls send.
    created = page.request.post(f"{base_url}/v1/jobs",
                                data={"brief": brief, "count": COUNT, "style": "swiss",
                                      "size": SIZE},
                                headers=PAGE_CSRF)
    assert created.status == 202, created.text()
    job_id: str = created.json()["id"]
    return job_id


def test_korean_progress_moves_by_stage_then_cancels(make_page: Callable[..., Page],
                                                     server: SleeveServer) -> None:
    ko = messages("ko")
    page = make_page(locale="ko-KR", reduced_motion="reduce")
    account = {"email": new_email(), "password": PASSWORD}
    job_id = _start_job(page, server.url, account)
    page.goto(f"{server.url}/#/jobs/{job_id}")

    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", re.compile(r"^\d+$"))
    expect(page.locator(".job .lead")).to_have_text("“밤비” — Luna Vale")
    working = "|".join(re.escape(ko[key]) for key in
                       ("state_queued", "stage_planning", "stage_artwork", "stage_type",
                        "stage_saving"))
    expect(page.locator("#job-status")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#job-status")).to_contain_text(re.compile(working))
    tiles = page.locator(".job-grid > li")
    expect(tiles).to_have_count(COUNT)

    # Reduced motion: the pending tiles and the bar hold still.
    pending = page.locator(".tile-wait").first
    assert not pending.evaluate(SHIMMER_SHOWN)
    assert not page.locator(".bar-fill").evaluate(
        "el => getComputedStyle(el, '::after').display !== 'none'")

    # The bar stops at a render stage inside a cover, not only at whole covers.
    stages = sorted({percent(done + share, COUNT) for done in range(COUNT)
                     for share in STAGE_SHARE.values()})
    page.wait_for_function(
        f"() => {stages}.includes(Number(document.querySelector('[role=progressbar]')"
        ".getAttribute('aria-valuenow')))", timeout=120_000)
    expect(page.locator("#job-status")).to_contain_text(ko["cover_n_of_m"].split("{n}")[1])
    screenshot(page, "progress-ko", wait=False)

    # Elsewhere (normal motion), the same tiles shimmer.
    moving = make_page()
    _log_in(moving, server.url, account)
    moving.goto(f"{server.url}/#/jobs/{job_id}")
    shimmer = moving.locator(".card-pending .tile-wait").first
    expect(shimmer).to_be_visible()
    assert shimmer.evaluate(SHIMMER) == "shimmer" and shimmer.evaluate(SHIMMER_SHOWN)
    moving.close()

    # Cancel once a cover is stored (each takes seconds at this size, so most are still to
    # come): the job stops within the cover in the works; stored covers stay, the rest go.
    expect(page.locator(".job-grid img").first).to_be_visible(timeout=120_000)
    page.get_by_role("button", name=ko["cancel"]).click()
    expect(page.locator("#job-status")).to_have_text(ko["state_cancelled"], timeout=60_000)
    expect(page.get_by_role("button", name=ko["cancel"])).to_be_hidden()
    expect(page.locator(".card-pending")).to_have_count(0)
    assert 0 < page.locator(".job-grid img").count() < COUNT
