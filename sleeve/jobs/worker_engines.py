"""Which engines live workers can run: each worker records its engines with a heartbeat.

A worker process (Celery) writes one row per engine it can run, on the queue it takes that
engine's jobs from, and refreshes ``heartbeat_at`` every few seconds; it deletes its rows when
it stops. The API reads the rows before accepting a job: no fresh row for the engine on its
queue means no live worker could run the job, so it is refused (409) instead of failing later.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sleeve.config import Settings
from sleeve.db.engine import SessionFactory, transaction
from sleeve.db.models import WorkerEngine
from sleeve.db.types import utcnow
from sleeve.engines import engine_status
from sleeve.jobs.queue import queue_for_engine

log = logging.getLogger("sleeve.jobs")


def heartbeat_interval_s(settings: Settings) -> float:
    return max(0.2, settings.job_lease_s / 3)


def stale_after_s(settings: Settings) -> float:
    """A worker silent for longer than a job lease is taken for dead (as its jobs are)."""
    return settings.job_lease_s


def runnable_engines(settings: Settings, queues: set[str], prefix: str = "") -> dict[str, str]:
    """engine → queue, for every engine this host can run whose queue is among ``queues``."""
    found = {}
    for name, status in engine_status(settings).items():
        queue = prefix + queue_for_engine(name)
        if status.available and queue in queues:
            found[name] = queue
    return found


# Rows of workers killed without a word are harmless once stale; after this they are removed.
FORGET_AFTER = timedelta(days=1)


def record(session: Session, worker: str, engines: dict[str, str]) -> None:
    now = utcnow()
    session.execute(delete(WorkerEngine).where(
        (WorkerEngine.worker == worker) | (WorkerEngine.heartbeat_at < now - FORGET_AFTER)))
    session.add_all(WorkerEngine(worker=worker, engine=engine, queue=queue, heartbeat_at=now)
                    for engine, queue in engines.items())


def forget(session: Session, worker: str) -> None:
    session.execute(delete(WorkerEngine).where(WorkerEngine.worker == worker))


def is_live(session: Session, engine: str, queue: str, stale_s: float) -> bool:
    cutoff = utcnow() - timedelta(seconds=stale_s)
    return session.scalar(
        select(WorkerEngine.worker).where(
            WorkerEngine.engine == engine, WorkerEngine.queue == queue,
            WorkerEngine.heartbeat_at > cutoff).limit(1)
    ) is not None


class EngineHeartbeat:
    """A thread that keeps one worker's rows fresh until stopped."""

    def __init__(self, sessions: SessionFactory, worker: str, engines: dict[str, str],
                 interval_s: float) -> None:
        self.sessions = sessions
        self.worker = worker
        self.engines = engines
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> None:
        try:
            with transaction(self.sessions) as session:
                record(session, self.worker, self.engines)
        except Exception:
            # A database blip must not stop the worker (nor, at start, keep it from starting):
            # until a beat gets through, the API just does not count this worker as live.
            log.exception("could not record this worker's engines")

    def start(self) -> None:
        self.beat()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sleeve-engine-heartbeat",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.beat()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        try:
            with transaction(self.sessions) as session:
                forget(session, self.worker)
        except Exception:
            log.exception("could not remove this worker's engines; they go stale")
