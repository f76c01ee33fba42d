"""Chaos: jobs over Celery worker processes that are SIGKILLed again and again.

``python -m bench.chaos --jobs 1000 [--broker redis|rabbitmq] [--workers 2] [--kill-every 3]``
starts ``sleeve worker`` processes on a real broker and PostgreSQL (a schema of its own in
``TEST_POSTGRES_URL``'s database, dropped at the end), queues the jobs (tiny covers, one or two
each), kills a worker's whole process group with SIGKILL every few seconds and starts it again,
and when every job is finished counts what went wrong. Prints JSON: jobs, lost (not
``succeeded``), duplicated (covers beyond a job's count), orphaned blobs (files no row refers to,
temporary files of cut writes included), wall time, kills. ``tests/faults/test_chaos.py`` runs
the same harness with 200 jobs.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import create_engine, func, select, text

from sleeve.config import Settings
from sleeve.core.brief import Brief
from sleeve.db.engine import transaction
from sleeve.db.migrate import upgrade_database
from sleeve.db.models import Cover, CoverVariant, Job, WorkerEngine
from sleeve.jobs import lifecycle, worker_engines
from sleeve.jobs.celery_app import CeleryQueue, queue_name
from sleeve.jobs.queue import CPU_QUEUE
from sleeve.schemas.jobs import JobRequest
from sleeve.service import accounts, jobs
from sleeve.service.context import Services

ROOT = Path(__file__).resolve().parent.parent
BROKERS = {"redis": "redis://127.0.0.1:6379/14",
           "rabbitmq": "amqp://guest:guest@127.0.0.1:5672//"}
PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SIZE = 256  # the smallest a job takes: the chaos is in the workers, not the renders


@dataclass(frozen=True)
class ChaosResult:
    broker: str
    jobs: int
    succeeded: int
    lost: int
    duplicated: int
    orphaned_blobs: int
    covers: int
    kills: int
    wall_s: float
    states: dict[str, int]
    errors: dict[str, int]  # why jobs that did not succeed ended so, and how many


class WorkerProcess:
    """``sleeve worker`` in a session of its own, so a kill takes its pool children too (as a
    machine or container dying would)."""

    def __init__(self, env: dict[str, str], log: IO[bytes]) -> None:
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.ready_at: float | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sleeve", "worker", "--queues", CPU_QUEUE,
             "--concurrency", "1"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_die_with_parent)
        self.ready_at: float | None = None

    def is_ready(self, services: Services) -> bool:
        """Up and consuming: it has recorded its engines under its own name (``sleeve-PID``)."""
        if self.ready_at is None and self.process is not None:
            with transaction(services.sessions) as session:
                if session.scalar(select(func.count()).where(
                        WorkerEngine.worker.like(f"sleeve-{self.process.pid}@%"))):
                    self.ready_at = time.monotonic()
        return self.ready_at is not None

    def kill(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def _die_with_parent() -> None:
    """The kernel kills a worker whose harness died (a timeout, Ctrl-C): none is left behind."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def worker_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLEEVE_")}
    env.update({
        "PYTHONPATH": str(ROOT), "SLEEVE_QUEUE": "celery",
        "SLEEVE_BROKER_URL": settings.broker_url, "SLEEVE_DATABASE_URL": settings.database_url,
        "SLEEVE_STORAGE_URL": settings.storage_url,
        "SLEEVE_CELERY_QUEUE_PREFIX": settings.celery_queue_prefix,
        "SLEEVE_JOB_LEASE_S": str(settings.job_lease_s),
        "SLEEVE_JOB_TIMEOUT_S": str(settings.job_timeout_s),
        "SLEEVE_LOG_LEVEL": "WARNING", "SLEEVE_LOG_FORMAT": "text",
    })
    return env


def chaos_settings(broker_url: str, database_url: str, storage_dir: Path) -> Settings:
    return Settings(queue="celery", broker_url=broker_url, database_url=database_url,
                    storage_url=f"file://{storage_dir}", job_lease_s=2.0,
                    # A message taken by a worker killed before it started (Redis keeps it
                    # unacked until the visibility timeout) is sent again after this.
                    job_timeout_s=30.0,
                    celery_queue_prefix=f"sleeve-chaos-{uuid.uuid4().hex[:8]}-",
                    rate_limit_jobs_per_minute=100_000)


def orphaned_blobs(services: Services, storage_dir: Path) -> list[str]:
    """Files under the store that no cover or variant row names (temporary files too)."""
    with transaction(services.sessions) as session:
        named = set(session.scalars(select(Cover.blob_key)))
        named |= set(session.scalars(select(CoverVariant.blob_key).where(
            CoverVariant.blob_key.is_not(None))))
    found = [str(p.relative_to(storage_dir)) for p in storage_dir.rglob("*") if p.is_file()]
    return sorted(key for key in found if key not in named)


def wait_for_live_worker(services: Services, deadline: float) -> None:
    cpu = queue_name(services.settings, CPU_QUEUE)
    while True:
        with transaction(services.sessions) as session:
            if worker_engines.is_live(session, "procedural", cpu, services.settings.job_lease_s):
                return
        if time.monotonic() > deadline:
            raise RuntimeError("no worker came up")
        time.sleep(0.2)


def _create_jobs(services: Services, count: int) -> list[str]:
    user = accounts.sign_up(services, f"chaos{uuid.uuid4().hex[:10]}@example.com",
                            "password123")
    ids = []
    for index in range(count):
        request = JobRequest(brief=Brief(title=f"Chaos {index}", artist="Kill Switch",
                                              genre="rock"),
                                  count=1 + index % 2, size=SIZE, seed=index, style="swiss")
        ids.append(jobs.create_job(services, user.id, request)[0].id)
    return ids


def _unfinished(services: Services, ids: list[str]) -> int:
    with transaction(services.sessions) as session:
        return int(session.scalar(select(func.count()).where(
            Job.id.in_(ids), Job.state.not_in(lifecycle.TERMINAL))) or 0)


def run_chaos(settings: Settings, jobs_count: int, *, workers: int = 2,
              kill_every_s: float = 3.0, timeout_s: float = 900.0,
              log: IO[bytes] | None = None) -> ChaosResult:
    """Run the jobs on ``workers`` worker processes, one killed every ``kill_every_s``."""
    storage_dir = Path(settings.storage_url.removeprefix("file://"))
    services = Services.from_settings(settings, run_workers=False)
    sweeper = CeleryQueue(settings)  # what the API process runs: re-sends jobs a kill lost
    sink = log or open(os.devnull, "wb")  # noqa: SIM115 - closed below
    procs = [WorkerProcess(worker_env(settings), sink) for _ in range(workers)]
    started = time.monotonic()
    deadline = started + timeout_s
    kills = 0
    try:
        for proc in procs:
            proc.start()
        wait_for_live_worker(services, deadline)
        ids = _create_jobs(services, jobs_count)
        sweeper.start()
        next_kill = time.monotonic() + kill_every_s
        while _unfinished(services, ids) and time.monotonic() < deadline:
            # A worker is killed every few seconds, but only once every worker is up again:
            # on a busy host starting one takes seconds, and killing workers that never got to
            # consume would test nothing but start-up.
            if time.monotonic() >= next_kill and all(p.is_ready(services) for p in procs):
                victim = min(procs, key=lambda p: p.ready_at or 0.0)
                victim.kill()
                victim.start()
                kills += 1
                next_kill = time.monotonic() + kill_every_s
            time.sleep(0.2)
        wall = time.monotonic() - started
    finally:
        sweeper.stop()
        for proc in procs:
            proc.stop()
        if log is None:
            sink.close()
    with transaction(services.sessions) as session:
        states = dict.fromkeys(lifecycle.STATES, 0)
        for state, n in session.execute(select(Job.state, func.count()).where(
                Job.id.in_(ids)).group_by(Job.state)):
            states[state] = int(n)
        errors: dict[str, int] = {}
        for error in session.scalars(select(Job.error).where(
                Job.id.in_(ids), Job.state != lifecycle.SUCCEEDED)):
            errors[str(error)] = errors.get(str(error), 0) + 1
        per_job = dict(session.execute(select(Job.id, Job.count).where(Job.id.in_(ids))).all())
        made = dict(session.execute(select(Cover.job_id, func.count()).where(
            Cover.job_id.in_(ids)).group_by(Cover.job_id)).all())
    duplicated = sum(max(0, made.get(job_id, 0) - n) for job_id, n in per_job.items())
    return ChaosResult(
        broker=settings.broker_url.split(":", 1)[0], jobs=len(ids),
        succeeded=states[lifecycle.SUCCEEDED], lost=len(ids) - states[lifecycle.SUCCEEDED],
        duplicated=duplicated, orphaned_blobs=len(orphaned_blobs(services, storage_dir)),
        covers=sum(made.values()), kills=kills, wall_s=round(wall, 1), states=states,
        errors=errors)


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """A migrated schema of its own in the PostgreSQL database, dropped afterwards."""
    schema = f"sleeve_chaos_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        upgrade_database(Settings(database_url=url))
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main(argv: list[str] | None = None) -> None:
    # SIGTERM (a timeout) unwinds like Ctrl-C: the workers are stopped and the schema dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--broker", choices=sorted(BROKERS), default="redis")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-every", type=float, default=3.0, help="seconds between kills")
    parser.add_argument("--timeout", type=float, default=3600.0)
    args = parser.parse_args(argv)
    with postgres_schema() as url, tempfile.TemporaryDirectory() as blobs:
        settings = chaos_settings(BROKERS[args.broker], url, Path(blobs))
        result = run_chaos(settings, args.jobs, workers=args.workers,
                           kill_every_s=args.kill_every, timeout_s=args.timeout)
    print(json.dumps(asdict(result)))


if __name__ == "__main__":
    main()
