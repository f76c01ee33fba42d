"""Whose fault is a death? A Celery pool process that dies under its job while the worker
lives on (killed for memory, a native crash) counts against the job: after
``lifecycle.MAX_CRASHES`` the job fails and says why. Workers killed whole do not count
(``test_chaos.py``: every job succeeds however often its worker is killed)."""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.chaos import WorkerProcess, chaos_settings, wait_for_live_worker, worker_env
from sleeve.core.brief import Brief
from sleeve.db.engine import transaction
from sleeve.db.models import Job
from sleeve.jobs import lifecycle
from sleeve.schemas.jobs import JobRequest
from sleeve.service import accounts, jobs
from sleeve.service.context import Services
from tests.service.fixtures import BROKERS, drop_celery_queues, migrated_database

pytestmark = pytest.mark.slow


def _pool_processes(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


@pytest.mark.parametrize("broker", sorted(BROKERS))
def test_a_job_that_keeps_killing_its_pool_process_fails_with_the_reason(
        broker: str, tmp_path: Path) -> None:
    require: Callable[[], str] = BROKERS[broker]
    url = require()
    for database in migrated_database("postgresql", tmp_path):
        settings = chaos_settings(url, database, tmp_path / "blobs")
        services = Services.from_settings(settings, run_workers=False)
        with (tmp_path / "worker.log").open("wb") as log:
            worker = WorkerProcess(worker_env(settings), log)
            worker.start()
            try:
                deadline = time.monotonic() + 180
                wait_for_live_worker(services, deadline)
                user = accounts.sign_up(services, f"crash{uuid.uuid4().hex[:8]}@example.com",
                                        "password123")
                job_id = jobs.create_job(services, user.id, JobRequest(
                    brief=Brief(title="Out of Memory", artist="Poison Pill", genre="rock"),
                    count=8, size=1024, seed=1, style="swiss"))[0].id
                killed: list[int] = []
                while len(killed) < lifecycle.MAX_CRASHES:
                    assert time.monotonic() < deadline, (killed, log.name)
                    with transaction(services.sessions) as session:
                        state = lifecycle.state_of(session, job_id)
                    assert state not in lifecycle.TERMINAL, state
                    assert worker.process is not None
                    pool = [p for p in _pool_processes(worker.process.pid) if p not in killed]
                    if state == lifecycle.RUNNING and pool:
                        os.kill(pool[0], signal.SIGKILL)  # the pool process, not the worker
                        killed.append(pool[0])
                    time.sleep(0.05)
                while True:
                    with transaction(services.sessions) as session:
                        job = session.get(Job, job_id)
                        assert job is not None
                        if job.state in lifecycle.TERMINAL:
                            break
                    assert time.monotonic() < deadline, "the job never ended"
                    time.sleep(0.1)
                assert job.state == lifecycle.FAILED, job.error
                assert f"died {lifecycle.MAX_CRASHES} times" in str(job.error)
                assert job.crashes == lifecycle.MAX_CRASHES
                assert worker.process.poll() is None  # the worker itself lived through it
            finally:
                worker.stop()
                drop_celery_queues(url, [settings.celery_queue_prefix + q
                                         for q in ("cpu", "gpu")])
