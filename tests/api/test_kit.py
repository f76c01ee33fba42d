"""``GET /v1/covers/{id}/kit``: the release kit as a streamed ZIP, scoped like the image, made
by a worker (never in the request), once however many ask."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import httpx
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select, update

from sleeve.db.engine import transaction
from sleeve.db.models import Cover, CoverVariant
from sleeve.jobs import lifecycle, variants
from sleeve.jobs.context import JobContext
from sleeve.jobs.runner import run_job
from sleeve.service.context import Services
from tests.service.fixtures import finished_job, job_body, new_user

KIT_TIMEOUT_S = 120.0


def _services(client: TestClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


def _kit_rows(services: Services, cover_id: str) -> list[CoverVariant]:
    with transaction(services.sessions) as session:
        return list(session.scalars(select(CoverVariant).where(
            CoverVariant.cover_id == cover_id, CoverVariant.format == "kit")))


def _download(client: TestClient, url: str, headers: dict[str, str] | None = None
              ) -> httpx.Response:
    """The kit, asking again after Retry-After while a worker makes it (as a client would)."""
    deadline = time.monotonic() + KIT_TIMEOUT_S
    while True:
        response = client.get(url, headers=headers)
        if response.status_code != 202:
            return response
        assert response.json()["state"] == "pending"
        assert time.monotonic() < deadline, "no worker made the kit"
        time.sleep(min(float(response.headers["retry-after"]), 0.5))


def test_kit_is_a_zip_of_every_format_for_owner_then_public(client: TestClient,
                                                             auth: dict[str, str]) -> None:
    # A Hangul title: the download's name is not Latin-1, which a header must be.
    cover = finished_job(client, auth, count=1, brief={"title": "밤비", "artist": "Luna Vale",
                                                       "genre": "ballad"})["covers"][0]
    url = f"/v1/covers/{cover['id']}/kit"
    stranger = new_user(client)
    assert client.get(url, headers=stranger).status_code == 404
    assert client.get(url).status_code == 404

    response = _download(client, url, auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    name = f"밤비-{cover['seed']}-kit.zip"
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"__-{cover['seed']}-kit.zip\"; filename*=UTF-8''{quote(name)}")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None
        sizes = {}
        for name in archive.namelist():
            with Image.open(io.BytesIO(archive.read(name))) as image:
                sizes[name] = image.size
    assert sizes == {"cover-3000x3000.jpg": (3000, 3000), "feed-1080x1350.jpg": (1080, 1350),
                     "story-1080x1920.jpg": (1080, 1920), "video-1920x1080.jpg": (1920, 1080),
                     "header-1500x500.jpg": (1500, 500)}

    client.patch(f"/v1/covers/{cover['id']}", json={"is_public": True}, headers=auth)
    public = client.get(url)
    assert public.status_code == 200  # made once, then read from the store
    assert public.content == response.content
    [row] = _kit_rows(_services(client), cover["id"])
    assert row.state == lifecycle.SUCCEEDED and row.attempts == 1


def test_a_kit_request_with_no_worker_only_queues_it_once(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(embedded_worker=False, variant_wait_s=0)
    auth = new_user(client)
    services = _services(client)
    job_id = client.post("/v1/jobs", json=job_body(count=1), headers=auth).json()["id"]
    with transaction(services.sessions) as session:
        assert lifecycle.claim_job(session, job_id, 30.0)
    assert run_job(JobContext(services.sessions, services.store, services.settings),
                   job_id) == lifecycle.SUCCEEDED  # the cover, made as a worker would
    cover_id = client.get(f"/v1/jobs/{job_id}", headers=auth).json()["covers"][0]["id"]
    url = f"/v1/covers/{cover_id}/kit"

    def fetch(_: int) -> httpx.Response:
        return client.get(url, headers=auth)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(fetch, range(8)))
    for answer in answers:
        assert answer.status_code == 202, answer.text
        assert int(answer.headers["retry-after"]) >= 1
        assert answer.headers["cache-control"] == "no-store"
        assert answer.json() == {"state": "pending", "retry_after_s": 1}
    [row] = _kit_rows(services, cover_id)  # concurrent first requests: one render queued
    assert row.state == lifecycle.QUEUED and row.attempts == 0
    assert row.blob_key == variants.variant_key(cover_id, variants.KIT_SIZE, "kit")
    assert not services.store.exists(row.blob_key)  # nothing was rendered by a request
    assert not any(services.store.exists(variants.variant_key(cover_id, size, fmt))
                   for size in (256, 3000) for fmt in ("jpeg", "png"))


def test_a_diffusion_cover_has_no_kit(client: TestClient, auth: dict[str, str]) -> None:
    cover = finished_job(client, auth, count=1)["covers"][0]
    services = _services(client)
    with transaction(services.sessions) as session:
        session.execute(update(Cover).where(Cover.id == cover["id"]).values(engine="diffusion"))
    response = client.get(f"/v1/covers/{cover['id']}/kit", headers=auth)
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    assert _kit_rows(services, cover["id"]) == []


def test_kit_of_an_unknown_cover_is_a_problem_404(client: TestClient,
                                                   auth: dict[str, str]) -> None:
    response = client.get("/v1/covers/nope/kit", headers=auth)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
