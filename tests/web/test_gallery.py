"""The gallery and My covers: search, genre and style filters, sort, an artist's page, "Load
more" and the empty states, all reflected in the URL hash; axe-core clean at both widths."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.web.conftest import PASSWORD, check_page
from tests.web.server import SleeveServer

PAGE_SIZE = 24  # what the page asks for
JOBS, PER_JOB = 4, 7
GENRE = "techno"  # no other browser test makes techno covers


def _finish(api: httpx.Client, body: dict[str, Any]) -> list[dict[str, Any]]:
    job_id = api.post("/v1/jobs", json=body).json()["id"]
    deadline = time.monotonic() + 120
    while (job := api.get(f"/v1/jobs/{job_id}").json())["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.2)
    assert job["state"] == "succeeded", job
    return job["covers"]  # type: ignore[no-any-return]


def _publish(base_url: str, token: str) -> tuple[str, int]:
    """A user with one rated "Dawn" cover (minimal, rock) by "Ora <token>", then JOBS×PER_JOB
    "Pulse" covers (swiss, techno) by "Grid <token>", all public; returns (email, count)."""
    with httpx.Client(base_url=base_url, timeout=30) as api:
        email = f"g-{uuid.uuid4().hex[:10]}@example.com"
        assert api.post("/v1/auth/register", json={"email": email, "password": PASSWORD}).is_success
        login = api.post("/v1/auth/login", json={"email": email, "password": PASSWORD}).json()
        api.headers["Authorization"] = f"Bearer {login['access_token']}"
        api.cookies.clear()
        covers = _finish(api, {"brief": {"title": f"Dawn {token}", "artist": f"Ora {token}",
                                         "genre": "rock"},
                               "count": 1, "size": 256, "style": "minimal", "seed": 1})
        assert api.post(f"/v1/covers/{covers[0]['id']}/reviews", json={"rating": 5}).is_success
        for n in range(JOBS):
            covers += _finish(api, {
                "brief": {"title": f"Pulse {n} {token}", "artist": f"Grid {token}", "genre": GENRE},
                "count": PER_JOB, "size": 256, "style": "swiss", "seed": n})
        for cover in covers:
            assert api.patch(f"/v1/covers/{cover['id']}", json={"is_public": True}).is_success
        return email, len(covers)


def test_gallery_search_filters_sort_artist_and_load_more(page: Page,
                                                          server: SleeveServer) -> None:
    token = uuid.uuid4().hex[:8]
    email, total = _publish(server.url, token)
    assert total > PAGE_SIZE
    cards = page.get_by_role("link", name=re.compile("Cover for"))

    # Search from the toolbar: the hash holds it; a page, then "Load more" for the rest.
    page.goto(f"{server.url}/#/gallery")
    page.get_by_label("Search", exact=True).fill(token.upper())
    page.get_by_label("Search", exact=True).press("Enter")
    expect(page).to_have_url(re.compile(f"#/gallery\\?q={token.upper()}$"))
    expect(cards).to_have_count(PAGE_SIZE)
    # Top rated first: the one rated cover leads.
    expect(cards.first).to_have_accessible_name(re.compile(f"Cover for “Dawn {token}”"))
    more = page.get_by_role("button", name="Load more")
    more.click()
    expect(cards).to_have_count(total)
    expect(more).to_be_hidden()

    # Sort by newest: the last Pulse job's covers come first.
    page.get_by_label("Newest").check()
    expect(page).to_have_url(re.compile("sort=new"))
    expect(cards.first).to_have_accessible_name(re.compile(f"“Pulse {JOBS - 1} {token}”"))
    # Filters: style, then genre too; reload keeps them.
    page.get_by_label("Style").select_option("minimal")
    expect(page).to_have_url(re.compile("style=minimal"))
    expect(cards).to_have_count(1)
    page.get_by_label("Genre").select_option(GENRE)
    expect(page.get_by_text("No covers match")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Genre")).to_have_value(GENRE)
    expect(page.get_by_label("Style")).to_have_value("minimal")
    expect(page.get_by_label("Search", exact=True)).to_have_value(token.upper())
    expect(page.get_by_label("Newest")).to_be_checked()
    check_page(page, "gallery-no-match")
    page.get_by_role("link", name="Clear search and filters").click()
    expect(page).to_have_url(re.compile("#/gallery\\?sort=new$"))
    page.get_by_label("Style").select_option("swiss")
    page.get_by_label("Genre").select_option(GENRE)
    page.get_by_label("Search", exact=True).fill(token)
    page.get_by_label("Search", exact=True).press("Enter")
    expect(cards).to_have_count(PAGE_SIZE)
    check_page(page, "gallery-search")

    # An artist's page from a card's artist link; back returns to the filtered gallery.
    page.get_by_role("link", name=f"Grid {token}", exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name=f"Grid {token}")).to_be_visible()
    expect(cards).to_have_count(PAGE_SIZE)
    more.click()
    expect(cards).to_have_count(total - 1)
    check_page(page, "artist")
    page.go_back()
    expect(page.get_by_label("Style")).to_have_value("swiss")

    # Nobody by that name: an empty state that invites publishing.
    page.goto(f"{server.url}/#/artist/{uuid.uuid4().hex[:6]}")
    expect(page.get_by_text(re.compile("No public covers by"))).to_be_visible()
    expect(page.get_by_role("link", name="Create").last).to_have_attribute("href", "#/create")
    check_page(page, "artist-empty")

    # My covers: the same search and filters over the user's own covers.
    page.goto(f"{server.url}/#/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="New covers").wait_for()
    page.goto(f"{server.url}/#/covers?q=dawn&genre=rock")
    expect(cards).to_have_count(1)
    expect(page.get_by_label("Search", exact=True)).to_have_value("dawn")
    page.get_by_label("Genre").select_option("")
    page.get_by_label("Style").select_option("swiss")
    expect(page).to_have_url(re.compile("#/covers\\?q=dawn&style=swiss$"))
    expect(page.get_by_text("No covers match")).to_be_visible()
    page.get_by_label("Search", exact=True).fill(token)
    page.get_by_label("Search", exact=True).press("Enter")
    expect(cards).to_have_count(PAGE_SIZE)
    check_page(page, "my-covers-search")
