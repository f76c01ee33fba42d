"""No request renders: image variants are made by workers, once, however many ask."""

from __future__ import annotations

import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from sleeve.db.engine import transaction
from sleeve.db.models import CoverVariant
from sleeve.jobs import lifecycle, variants
from sleeve.jobs.context import JobContext
from sleeve.jobs.runner import run_job
from sleeve.service.context import Services
from tests.service.fixtures import RENDER_SIZE, job_body, new_user, wait_for_job


def _services(client: TestClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


def _png_rows(services: Services, cover_id: str) -> list[CoverVariant]:
    with transaction(services.sessions) as session:
        return list(session.scalars(select(CoverVariant).where(
            CoverVariant.cover_id == cover_id, CoverVariant.format == "png")))


def _cover_made_by_a_worker(client: TestClient, auth: dict[str, str]) -> dict[str, object]:
    """A finished job's first cover, run here as a worker would (the app runs none)."""
    services = _services(client)
    job_id = client.post("/v1/jobs", json=job_body(count=1), headers=auth).json()["id"]
    with transaction(services.sessions) as session:
        assert lifecycle.claim_job(session, job_id, 30.0)
    ctx = JobContext(services.sessions, services.store, services.settings)
    assert run_job(ctx, job_id) == lifecycle.SUCCEEDED
    cover: dict[str, object] = client.get(f"/v1/jobs/{job_id}", headers=auth).json()["covers"][0]
    return cover


def test_a_missing_variant_is_queued_not_rendered_by_the_request(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(embedded_worker=False, variant_wait_s=0)
    auth = new_user(client)
    cover = _cover_made_by_a_worker(client, auth)
    url = str(cover["image_url"])
    services = _services(client)
    pending = client.get(url, params={"format": "png"}, headers=auth)
    assert pending.status_code == 202 and int(pending.headers["retry-after"]) >= 1
    key = variants.variant_key(str(cover["id"]), RENDER_SIZE, "png")
    assert not services.store.exists(key)  # nothing was rendered by the request
    [row] = _png_rows(services, str(cover["id"]))
    assert row.state == lifecycle.QUEUED
    # Asking again queues nothing new.
    assert client.get(url, params={"format": "png"}, headers=auth).status_code == 202
    assert len(_png_rows(services, str(cover["id"]))) == 1

    ctx = JobContext(services.sessions, services.store, services.settings)
    assert variants.run_next_variant(ctx) == row.id
    done = client.get(url, params={"format": "png"}, headers=auth)
    assert done.status_code == 200 and done.headers["content-type"] == "image/png"
    assert done.content == services.store.get(key)


def test_the_card_size_is_made_with_the_cover(make_client: Callable[..., TestClient]) -> None:
    client = make_client(embedded_worker=False, variant_wait_s=0)
    auth = new_user(client)
    job_id = client.post("/v1/jobs", json=job_body(count=1, size=768), headers=auth).json()["id"]
    services = _services(client)
    with transaction(services.sessions) as session:
        assert lifecycle.claim_job(session, job_id, 30.0)
    assert run_job(JobContext(services.sessions, services.store, services.settings),
                   job_id) == lifecycle.SUCCEEDED
    cover = client.get(f"/v1/jobs/{job_id}", headers=auth).json()["covers"][0]
    card = client.get(cover["image_url"], params={"size": 512}, headers=auth)
    assert card.status_code == 200  # no worker runs: it was made at job time
    assert Image.open(io.BytesIO(card.content)).size == (512, 512)


def test_concurrent_requests_for_one_variant_render_it_once(
    make_client: Callable[..., TestClient],
) -> None:
    # Real worker processes (two of them, racing for the row) and real concurrent requests.
    client = make_client(concurrency=2)
    auth = new_user(client)
    job = client.post("/v1/jobs", json=job_body(count=1), headers=auth).json()
    cover = wait_for_job(client, job["id"], auth)["covers"][0]

    def fetch(_: int) -> httpx.Response:
        return client.get(cover["image_url"], params={"size": 128, "format": "png"},
                          headers=auth)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(fetch, range(8)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    [row] = _png_rows(_services(client), cover["id"])
    assert row.state == lifecycle.SUCCEEDED and row.attempts == 1
