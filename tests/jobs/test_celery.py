"""The Celery backend end to end: API → Redis or RabbitMQ → a real Celery worker → covers in
the DB (every test runs on both brokers)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import httpx
import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from sleeve.config import Settings
from sleeve.db.engine import transaction
from sleeve.db.models import CoverVariant, Job, WorkerEngine
from sleeve.db.types import utcnow
from sleeve.jobs import lifecycle, worker_engines
from sleeve.jobs.celery_app import TASK_NAME, CeleryQueue, make_celery, queue_name
from sleeve.jobs.context import JobContext
from tests.service.fixtures import (
    job_body,
    new_user,
    wait_for_job,
)


@pytest.fixture
def celery_settings(make_settings: Callable[..., Settings],
                    celery_broker: tuple[str, str]) -> Iterator[Settings]:
    """Settings for Celery on Redis, then on RabbitMQ, with this test's own queue names."""
    broker, prefix = celery_broker
    yield make_settings(queue="celery", broker_url=broker, job_lease_s=5.0,
                        celery_queue_prefix=prefix)


def test_job_runs_on_a_celery_worker(make_client: Callable[..., TestClient],
                                     celery_settings: Settings) -> None:
    overrides = {k: getattr(celery_settings, k) for k in (
        "queue", "broker_url", "job_lease_s", "celery_queue_prefix")}
    client = make_client(**overrides)
    assert client.get("/readyz").json()["checks"]["queue"] == "ok"
    auth = new_user(client)
    app = make_celery(celery_settings)
    finished: dict[str, tuple[str, object]] = {}  # task id → (state, return value)
    consumed = threading.Event()

    def record(task_id: str, state: str, retval: object, **_: object) -> None:
        # Sent by the worker (a thread of this process) once a task has run.
        finished[task_id] = (state, retval)
        consumed.set()

    task_postrun.connect(record, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10,
                          queues=[queue_name(celery_settings, "cpu")]):
            job = client.post("/v1/jobs", json=job_body(count=2), headers=auth).json()
            done = wait_for_job(client, job["id"], auth, timeout=60)
            assert done["state"] == "succeeded", done
            assert [c["position"] for c in done["covers"]] == [0, 1]
            # A duplicate delivery of a finished job does nothing (the claim fails).
            consumed.clear()
            again = app.send_task(TASK_NAME, args=[job["id"]],
                                  queue=queue_name(celery_settings, "cpu"))
            # The worker stops only once it has run the duplicate (the timeout is for failure).
            while again.id not in finished:
                assert consumed.wait(60), "the worker never ran the duplicate delivery"
                consumed.clear()
    finally:
        task_postrun.disconnect(record)
    assert finished[again.id] == ("SUCCESS", None)  # nothing to do: no render, no retry
    assert wait_for_job(client, job["id"], auth)["covers"] == done["covers"]


def test_lost_jobs_are_swept_back(make_client: Callable[..., TestClient],
                                  celery_settings: Settings, own_database: str) -> None:
    """A job stored while the API could not reach the broker, and one whose worker died,
    both finish."""
    celery_settings = celery_settings.model_copy(update={"database_url": own_database})
    down = make_client(queue="celery", broker_url="redis://127.0.0.1:1/0",
                       database_url=own_database,
                       celery_queue_prefix=celery_settings.celery_queue_prefix)
    assert down.get("/readyz").status_code == 503
    auth = new_user(down)
    app = make_celery(celery_settings)
    # A live worker (it reaches the broker; this API process does not).
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10,
                      queues=[queue_name(celery_settings, "cpu")]):
        ids = []
        for _ in range(2):
            stored = down.post("/v1/jobs", json=job_body(count=1), headers=auth)
            assert stored.status_code == 202  # accepted although the broker is unreachable
            ids.append(stored.json()["id"])
        ctx = JobContext.from_settings(celery_settings)
        with transaction(ctx.sessions) as session:
            # The second one was claimed by a worker that then died: its heartbeat is long past.
            assert lifecycle.claim_job(session, ids[1], 30.0)
            session.execute(update(Job).where(Job.id == ids[1]).values(
                heartbeat_at=utcnow() - timedelta(seconds=60)))
        # Resend queued jobs older than 1 ms; re-queue running ones with a lease past 5 s.
        queue = CeleryQueue(celery_settings.model_copy(update={"job_timeout_s": 0.001}))
        assert queue.sweep(ctx) == 2
        for job_id in ids:
            assert wait_for_job(down, job_id, auth, timeout=60)["state"] == "succeeded"


def test_image_variants_are_made_by_a_celery_worker_once(
    make_client: Callable[..., TestClient], celery_settings: Settings
) -> None:
    overrides = {k: getattr(celery_settings, k) for k in (
        "queue", "broker_url", "job_lease_s", "celery_queue_prefix")}
    client = make_client(**overrides)
    auth = new_user(client)
    app = make_celery(celery_settings)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10,
                      queues=[queue_name(celery_settings, "cpu")]):
        job = client.post("/v1/jobs", json=job_body(count=1), headers=auth).json()
        cover = wait_for_job(client, job["id"], auth, timeout=60)["covers"][0]
        url, params = cover["image_url"], {"size": 128, "format": "png"}
        first = client.get(url, params=params, headers=auth)
        assert first.status_code == 200 and first.headers["content-type"] == "image/png"
        assert client.get(url, params=params, headers=auth).content == first.content
    ctx = JobContext.from_settings(celery_settings)
    with transaction(ctx.sessions) as session:
        [row] = session.scalars(select(CoverVariant).where(
            CoverVariant.cover_id == cover["id"], CoverVariant.format == "png")).all()
        assert row.state == lifecycle.SUCCEEDED and row.attempts == 1


def test_jobs_need_a_live_worker_for_their_engine(make_client: Callable[..., TestClient],
                                                  celery_settings: Settings) -> None:
    """Workers record the engines they can run, with heartbeats; the API refuses (409) a job
    no live worker could run: none started, none on the engine's queue, or gone quiet."""
    client = make_client(**{k: getattr(celery_settings, k) for k in (
        "queue", "broker_url", "job_lease_s", "celery_queue_prefix")})
    auth = new_user(client)
    cpu = queue_name(celery_settings, "cpu")

    def create(**body: object) -> httpx.Response:
        return client.post("/v1/jobs", json=job_body(count=1, **body), headers=auth)

    none = create()
    assert none.status_code == 409 and "no live worker" in none.json()["detail"], none.text
    app = make_celery(celery_settings)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10,
                      queues=[cpu]):
        accepted = create()
        assert accepted.status_code == 202, accepted.text
        # This worker takes only the cpu queue (and has no diffusion weights anyway).
        assert create(engine="diffusion").status_code == 409
        assert wait_for_job(client, accepted.json()["id"], auth)["state"] == "succeeded"
    assert create().status_code == 409  # it stopped and said so
    ctx = JobContext.from_settings(celery_settings)
    with transaction(ctx.sessions) as session:
        worker_engines.record(session, "killed@host", {"procedural": cpu})
    assert create().status_code == 202
    with transaction(ctx.sessions) as session:
        # Killed without a word: its heartbeat ages past the lease.
        session.execute(update(WorkerEngine).where(WorkerEngine.worker == "killed@host").values(
            heartbeat_at=utcnow() - timedelta(seconds=celery_settings.job_lease_s + 1)))
    assert create().status_code == 409
