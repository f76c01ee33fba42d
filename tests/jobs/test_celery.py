"""The Celery backend end to end: API → Redis → a real Celery worker → covers in the DB."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from fastapi.testclient import TestClient

from sleeve.config import Settings
from sleeve.jobs.celery_app import TASK_NAME, make_celery, queue_name
from tests.service.fixtures import job_body, new_user, wait_for_job

BROKER = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def celery_settings(make_settings: Callable[..., Settings]) -> Iterator[Settings]:
    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"Redis unreachable at {BROKER} under CI") from exc
        pytest.skip(f"Redis unreachable at {BROKER}")
    # Unique queue names: concurrent test runs share this Redis.
    yield make_settings(queue="celery", broker_url=BROKER, job_lease_s=5.0,
                        celery_queue_prefix=f"sleeve-test-{uuid.uuid4().hex[:8]}-")


def test_job_runs_on_a_celery_worker(make_client: Callable[..., TestClient],
                                     celery_settings: Settings) -> None:
    overrides = {k: getattr(celery_settings, k) for k in (
        "queue", "broker_url", "job_lease_s", "celery_queue_prefix")}
    client = make_client(**overrides)
    assert client.get("/readyz").json()["checks"]["queue"] == "ok"
    auth = new_user(client)
    app = make_celery(celery_settings)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10,
                      queues=[queue_name(celery_settings, "cpu")]):
        job = client.post("/v1/jobs", json=job_body(count=2), headers=auth).json()
        done = wait_for_job(client, job["id"], auth, timeout=60)
        assert done["state"] == "succeeded", done
        assert [c["position"] for c in done["covers"]] == [0, 1]
        # A duplicate delivery of a finished job does nothing (the claim fails).
        again = app.send_task(TASK_NAME, args=[job["id"]],
                              queue=queue_name(celery_settings, "cpu"))
        assert again.id
    assert wait_for_job(client, job["id"], auth)["covers"] == done["covers"]
