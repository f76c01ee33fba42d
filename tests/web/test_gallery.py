"""The gallery loads the next page of public covers when its end scrolls into view."""

from __future__ import annotations

import re
import time
import uuid

import httpx
from playwright.sync_api import Page, expect

from tests.web.server import SleeveServer

PAGE_SIZE = 24  # what the page asks for
JOBS, PER_JOB = 4, 8
GENRE = "techno"  # no other browser test makes techno covers


def _public_covers(base_url: str) -> int:
    """Makes JOBS×PER_JOB small public covers through the API; returns how many."""
    with httpx.Client(base_url=base_url, timeout=30) as api:
        email, password = f"g-{uuid.uuid4().hex[:10]}@example.com", "correct horse battery"
        assert api.post("/v1/auth/register", json={"email": email, "password": password}).is_success
        token = api.post("/v1/auth/login", json={"email": email, "password": password}).json()
        api.headers["Authorization"] = f"Bearer {token['access_token']}"
        api.cookies.clear()
        ids = [api.post("/v1/jobs", json={
            "brief": {"title": f"Pulse {n}", "artist": "Grid Unit", "genre": GENRE},
            "count": PER_JOB, "size": 256, "style": "swiss", "seed": n,
        }).json()["id"] for n in range(JOBS)]
        covers = []
        deadline = time.monotonic() + 120
        for job_id in ids:
            while (job := api.get(f"/v1/jobs/{job_id}").json())["state"] in ("queued", "running"):
                assert time.monotonic() < deadline, job
                time.sleep(0.2)
            assert job["state"] == "succeeded", job
            covers += job["covers"]
        for cover in covers:
            assert api.patch(f"/v1/covers/{cover['id']}", json={"is_public": True}).is_success
        return len(covers)


def test_gallery_scrolls_into_the_next_page(page: Page, server: SleeveServer) -> None:
    total = _public_covers(server.url)
    assert total > PAGE_SIZE
    page.goto(f"{server.url}/#/gallery?genre={GENRE}")
    cards = page.get_by_role("link", name=re.compile("Cover for “Pulse"))
    expect(cards).to_have_count(PAGE_SIZE)
    expect(page.get_by_label("Genre")).to_have_value(GENRE)
    page.mouse.wheel(0, 20_000)
    expect(cards).to_have_count(total)
    expect(page.get_by_role("button", name="Load more")).to_be_hidden()
