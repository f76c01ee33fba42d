"""Faults mid-run, for real: PostgreSQL, Redis and RabbitMQ reached through a TCP proxy this
test cuts and restores (the shared services stay up for everyone else), PostgreSQL connections
killed with ``pg_terminate_backend``, and blob storage turned read-only. Jobs retry or fail
with a clear reason, none is lost or half-written, the service recovers without a restart, and
``/readyz`` says 503 while a dependency is down and 200 after."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text

from bench.chaos import orphaned_blobs
from sleeve.api.app import create_app
from sleeve.config import Settings
from sleeve.db.engine import transaction
from sleeve.db.models import Cover, Job
from sleeve.jobs import lifecycle
from sleeve.jobs.celery_app import make_celery, queue_name
from sleeve.jobs.context import JobContext
from sleeve.jobs.runner import run_job
from sleeve.service.context import Services
from tests.faults.tcp_proxy import TcpProxy
from tests.service.fixtures import (
    BROKERS,
    PG_ADMIN_URL,
    drop_celery_queues,
    job_body,
    migrated_database,
    new_user,
    require_redis,
    wait_for_job,
)

pytestmark = pytest.mark.slow

PG = ("127.0.0.1", 5432)
BROKER_PORTS = {"redis": 6379, "rabbitmq": 5672}


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    yield from migrated_database("postgresql", tmp_path)


def _settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "queue": "celery", "storage_url": f"file://{tmp_path / 'blobs'}", "concurrency": 1,
        "job_lease_s": 2.0, "rate_limit_jobs_per_minute": 1000,
        "celery_queue_prefix": f"sleeve-fault-{uuid.uuid4().hex[:8]}-",
    }
    values.update(overrides)
    return Settings(**values)


@contextlib.contextmanager
def _service(settings: Settings) -> Iterator[TestClient]:
    """The API (with its sweeper) and a Celery worker, both built from ``settings``."""
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    client.__enter__()
    try:
        with start_worker(make_celery(settings), pool="solo", perform_ping_check=False,
                          shutdown_timeout=30, queues=[queue_name(settings, "cpu")]):
            yield client
    finally:
        client.__exit__(None, None, None)
        drop_celery_queues(settings.broker_url, [queue_name(settings, q)
                                                 for q in ("cpu", "gpu")])


def _until(condition: Any, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting for {what} after {timeout} s")
        time.sleep(0.05)


def _readyz(client: TestClient) -> tuple[int, dict[str, str]]:
    response = client.get("/readyz")
    body = response.json()
    return response.status_code, body.get("checks", {})


def _job_row(database_url: str, job_id: str) -> tuple[Job, list[int]]:
    ctx = JobContext.from_settings(Settings(database_url=database_url))
    with transaction(ctx.sessions) as session:
        job = session.get(Job, job_id)
        assert job is not None
        positions = list(session.scalars(select(Cover.position).where(Cover.job_id == job_id)))
    return job, sorted(positions)


def _no_orphans(settings: Settings, database_url: str, tmp_path: Path) -> None:
    services = Services.from_settings(settings.model_copy(update={
        "database_url": database_url, "queue": "local"}), run_workers=False)
    assert orphaned_blobs(services, tmp_path / "blobs") == []


def test_database_cut_and_killed_connections_mid_job(
    tmp_path: Path, pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The database goes away under a running job (its link cut, then its connections
    killed): the worker's heartbeat survives, so the job runs once, to the end; /readyz says
    503 while the database is unreachable and 200 once it is back."""
    caplog.set_level(logging.WARNING, logger="sleeve.jobs")
    proxy = TcpProxy(*PG)
    name = f"sleeve-fault-{uuid.uuid4().hex[:8]}"
    through_proxy = f"{proxy.url_for(pg_url)}&application_name={name}"
    # A lease long enough that a busy host's scheduling does not expire it by itself.
    settings = _settings(tmp_path, database_url=through_proxy, broker_url=require_redis(),
                         job_lease_s=5.0)
    try:
        with _service(settings) as client:
            auth = new_user(client)
            job = client.post("/v1/jobs", json=job_body(count=8, size=512), headers=auth).json()
            _until(lambda: client.get(f"/v1/jobs/{job['id']}", headers=auth).json()
                   ["progress"] > 0, "the job to start rendering")
            proxy.cut()
            status, checks = _readyz(client)
            assert status == 503 and checks["database"].startswith("unreachable"), checks
            _until(lambda: any("heartbeat failed" in r.getMessage() for r in caplog.records),
                   "a heartbeat to fail")
            proxy.restore()
            _until(lambda: _readyz(client)[0] == 200, "/readyz to recover")
            admin = create_engine(PG_ADMIN_URL)
            with admin.begin() as conn:
                killed = conn.execute(text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = :name"), {"name": name}).scalar()
            admin.dispose()
            assert killed
            done = wait_for_job(client, job["id"], auth, timeout=120)
            assert done["state"] == "succeeded", done
    finally:
        proxy.close()
    row, positions = _job_row(pg_url, job["id"])
    assert row.attempts == 1  # never taken for dead, never run twice
    assert positions == list(range(8))
    _no_orphans(settings, pg_url, tmp_path)


@pytest.mark.parametrize("broker", sorted(BROKERS))
def test_broker_cut_mid_run(broker: str, tmp_path: Path, pg_url: str) -> None:
    """With the broker unreachable /readyz says 503 and a new job is still accepted (stored);
    once the broker is back the worker reconnects by itself, the sweeper re-sends the job and
    it succeeds."""
    url = BROKERS[broker]()
    proxy = TcpProxy("127.0.0.1", BROKER_PORTS[broker])
    settings = _settings(tmp_path, database_url=pg_url, broker_url=proxy.url_for(url),
                         job_timeout_s=5.0)
    try:
        with _service(settings) as client:
            auth = new_user(client)
            first = client.post("/v1/jobs", json=job_body(count=1), headers=auth).json()
            assert wait_for_job(client, first["id"], auth)["state"] == "succeeded"
            proxy.cut()
            status, checks = _readyz(client)
            assert status == 503 and checks["queue"].startswith("unreachable"), checks
            stored = client.post("/v1/jobs", json=job_body(count=2), headers=auth)
            assert stored.status_code == 202, stored.text
            proxy.restore()
            _until(lambda: _readyz(client)[0] == 200, "/readyz to recover")
            done = wait_for_job(client, stored.json()["id"], auth, timeout=120)
            assert done["state"] == "succeeded", done
            assert [c["position"] for c in done["covers"]] == [0, 1]
    finally:
        proxy.close()
    _no_orphans(settings, pg_url, tmp_path)


@contextlib.contextmanager
def _read_only_switch(directory: Path) -> Iterator[Any]:
    """A directory that can be made read-only for real. As root, permissions do not stop
    writes, so the directory is a small tmpfs mount remounted read-only (writes fail with
    EROFS, as on a disk the kernel turned read-only); otherwise its mode bits do it."""
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        yield lambda read_only: directory.chmod(0o555 if read_only else 0o755)
        directory.chmod(0o755)
        return
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(directory)],
                   check=True)

    def switch(read_only: bool) -> None:
        subprocess.run(["mount", "-o", f"remount,{'ro' if read_only else 'rw'}",
                        str(directory)], check=True)

    try:
        yield switch
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=False)


def test_read_only_storage_then_writable_again(
    tmp_path: Path, pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Storage turned read-only: /readyz says 503, a job's attempt ends with the reason and is
    retried with backoff; made writable again, /readyz is 200 and the job finishes whole."""
    caplog.set_level(logging.WARNING, logger="sleeve.jobs")
    blobs = tmp_path / "blobs"
    with _read_only_switch(blobs) as read_only:
        settings = _settings(tmp_path, database_url=pg_url, broker_url=require_redis())
        with _service(settings) as client:
            auth = new_user(client)
            read_only(True)
            status, checks = _readyz(client)
            assert status == 503 and checks["storage"].startswith("unreachable"), checks
            job = client.post("/v1/jobs", json=job_body(count=2), headers=auth).json()
            _until(lambda: any("storage refuses writes" in r.getMessage()
                               for r in caplog.records), "an attempt to end on storage")
            read_only(False)
            _until(lambda: _readyz(client)[0] == 200, "/readyz to recover")
            done = wait_for_job(client, job["id"], auth, timeout=120)
            assert done["state"] == "succeeded", done
        _no_orphans(settings, pg_url, tmp_path)
        assert _job_row(pg_url, job["id"])[1] == [0, 1]


def test_storage_that_stays_read_only_fails_the_job_clearly(tmp_path: Path,
                                                            pg_url: str) -> None:
    """Storage that stays read-only: the job fails with a reason that says so (the embedded
    queue's path: no broker to retry through), and nothing of it is stored."""
    blobs = tmp_path / "blobs"
    with _read_only_switch(blobs) as read_only:
        settings = _settings(tmp_path, database_url=pg_url, queue="local")
        services = Services.from_settings(settings, run_workers=False)
        from sleeve.core.brief import Brief
        from sleeve.schemas.jobs import JobRequest
        from sleeve.service import accounts, jobs

        user = accounts.sign_up(services, f"ro{uuid.uuid4().hex[:10]}@example.com",
                                "password123")
        request = JobRequest(brief=Brief(title="T", artist="A", genre="rock"), count=1,
                                  size=256, seed=3, style="swiss")
        job, _ = jobs.create_job(services, user.id, request)
        with transaction(services.sessions) as session:
            assert lifecycle.claim_job(session, job.id, 30.0)
        read_only(True)
        ctx = JobContext(services.sessions, services.store, settings)
        assert run_job(ctx, job.id) == lifecycle.FAILED
        read_only(False)
        row, positions = _job_row(pg_url, job.id)
        assert row.error is not None and row.error.startswith("storage refuses writes"), row.error
        assert "Read-only file system" in row.error or "Permission denied" in row.error
        assert positions == []
        _no_orphans(settings, pg_url, tmp_path)
