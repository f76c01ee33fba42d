"""Queue latency and throughput: the embedded queue, Celery on Redis, Celery on RabbitMQ.

``python -m bench.queues [--jobs 40] [--burst 40] [--backends embedded,redis,rabbitmq]``

For each backend, one worker (concurrency 1) on a PostgreSQL schema of its own, and two kinds
of job: ``noop`` (a job cancelled before it starts: the worker claims it, plans it and stops,
nothing is rendered) and ``render`` (one real procedural cover at 256 px). Reported per kind:

* ``start_ms`` p50/p95: enqueue → worker start (the job's ``started_at``, written by the
  worker's claim, minus the moment ``submit`` was called), each job sent to an idle worker;
* ``jobs_per_s``: ``--burst`` jobs sent at once, divided by the time until the last finished.

``celery_overhead_p95_ms`` is Celery's p95 start latency minus the embedded queue's (noop).
Loopback only; prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from bench.chaos import BROKERS, WorkerProcess, postgres_schema, worker_env
from sleeve.config import Settings
from sleeve.core.brief import Brief
from sleeve.db.engine import transaction
from sleeve.db.models import Job
from sleeve.db.types import utcnow
from sleeve.jobs import lifecycle, worker_engines
from sleeve.jobs.celery_app import CeleryQueue, queue_name
from sleeve.jobs.context import JobContext
from sleeve.jobs.local import LocalQueue
from sleeve.jobs.queue import CPU_QUEUE, JobQueue
from sleeve.schemas.jobs import JobRequest
from sleeve.service import accounts, jobs
from sleeve.service.context import Services


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Bench:
    def __init__(self, settings: Settings) -> None:
        # Jobs are stored without being sent (an API-only embedded service); the bench sends
        # each itself, so it knows the moment it did.
        self.services = Services.from_settings(settings.model_copy(update={"queue": "local"}),
                                               run_workers=False)
        self.user = accounts.sign_up(self.services, f"q{uuid.uuid4().hex[:10]}@example.com",
                                     "password123").id

    def stored_job(self, noop: bool, index: int) -> str:
        request = JobRequest(brief=Brief(title=f"Queue {index}", artist="Bench",
                                              genre="rock"),
                                  count=1, size=256, seed=index, style="swiss")
        job_id = jobs.create_job(self.services, self.user, request)[0].id
        if noop:
            with transaction(self.services.sessions) as session:
                session.execute(update(Job).where(Job.id == job_id).values(
                    cancel_requested=True))
        return job_id

    def _wait(self, ids: list[str], timeout: float = 600.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            with transaction(self.services.sessions) as session:
                left = session.scalar(select(func.count()).where(
                    Job.id.in_(ids), Job.state.not_in(lifecycle.TERMINAL)))
            if not left:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{left} jobs unfinished after {timeout} s")
            time.sleep(0.01)

    def _times(self, ids: list[str]) -> dict[str, tuple[datetime, datetime]]:
        with transaction(self.services.sessions) as session:
            rows = session.execute(select(Job.id, Job.started_at, Job.finished_at).where(
                Job.id.in_(ids))).all()
        return {job_id: (started, finished) for job_id, started, finished in rows}

    def measure(self, queue: JobQueue, noop: bool, sequential: int, burst: int
                ) -> dict[str, Any]:
        latencies = []
        for index in range(sequential):
            job_id = self.stored_job(noop, index)
            sent = utcnow()
            queue.submit(job_id, CPU_QUEUE)
            self._wait([job_id])
            started, _ = self._times([job_id])[job_id]
            latencies.append((started - sent).total_seconds() * 1000)
        ids = [self.stored_job(noop, index) for index in range(burst)]
        sent = utcnow()
        for job_id in ids:
            queue.submit(job_id, CPU_QUEUE)
        self._wait(ids)
        last = max(finished for _, finished in self._times(ids).values())
        return {"start_ms_p50": round(statistics.median(latencies), 1),
                "start_ms_p95": round(_percentile(latencies, 0.95), 1),
                "jobs_per_s": round(burst / (last - sent).total_seconds(), 2)}


@contextmanager
def embedded(settings: Settings) -> Iterator[JobQueue]:
    queue = LocalQueue(JobContext.from_settings(settings), concurrency=1)
    queue.start()
    try:
        yield queue
    finally:
        queue.stop()


@contextmanager
def celery(settings: Settings, log: Any) -> Iterator[JobQueue]:
    worker = WorkerProcess(worker_env(settings), log)
    worker.start()
    ctx = JobContext.from_settings(settings)
    deadline = time.monotonic() + 120
    while True:  # until the worker has said it is up
        with transaction(ctx.sessions) as session:
            if worker_engines.is_live(session, "procedural", queue_name(settings, CPU_QUEUE),
                                      settings.job_lease_s):
                break
        if time.monotonic() > deadline:
            raise RuntimeError("the Celery worker did not come up")
        time.sleep(0.1)
    try:
        yield CeleryQueue(settings)
    finally:
        worker.stop()


def run(backends: list[str], sequential: int, burst: int) -> dict[str, Any]:
    report: dict[str, Any] = {"sequential_jobs": sequential, "burst_jobs": burst,
                              "cpus": os.cpu_count(), "backends": {}}
    with postgres_schema() as url, tempfile.TemporaryDirectory() as blobs, \
            open(os.devnull, "wb") as log:
        for backend in backends:
            settings = Settings(
                database_url=url, storage_url=f"file://{Path(blobs) / backend}",
                queue="local" if backend == "embedded" else "celery",
                broker_url=BROKERS.get(backend, "redis://127.0.0.1:6379/14"),
                celery_queue_prefix=f"sleeve-qbench-{uuid.uuid4().hex[:8]}-",
                concurrency=1, job_poll_s=1.0, rate_limit_jobs_per_minute=100_000)
            bench = Bench(settings)
            with (embedded(settings) if backend == "embedded" else celery(settings, log)) as q:
                bench.measure(q, True, 3, 1)  # warm the worker (imports, fonts)
                report["backends"][backend] = {
                    kind: bench.measure(q, kind == "noop", sequential, burst)
                    for kind in ("noop", "render")}
    found = report["backends"]
    if "embedded" in found:
        for backend in ("redis", "rabbitmq"):
            if backend in found:
                found[backend]["celery_overhead_p95_ms"] = round(
                    found[backend]["noop"]["start_ms_p95"]
                    - found["embedded"]["noop"]["start_ms_p95"], 1)
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=40, help="sequential jobs per kind")
    parser.add_argument("--burst", type=int, default=40, help="jobs sent at once per kind")
    parser.add_argument("--backends", default="embedded,redis,rabbitmq")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.backends.split(","), args.jobs, args.burst)))


if __name__ == "__main__":
    main()
