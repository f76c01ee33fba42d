"""The embedded queue: worker threads that take jobs from the database.

Nothing lives only in memory: ``submit`` just wakes a thread, and threads claim queued jobs
from the DB. Jobs left ``running`` by a killed process are re-queued once their heartbeat is
older than the lease, on start-up and then periodically, so every job finishes eventually.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sleeve.db.engine import transaction
from sleeve.jobs import lifecycle
from sleeve.jobs.context import JobContext
from sleeve.jobs.queue import CPU_QUEUE, GPU_QUEUE
from sleeve.jobs.runner import run_job

log = logging.getLogger("sleeve.jobs")


class LocalQueue:
    def __init__(self, ctx: JobContext, concurrency: int,
                 queues: tuple[str, ...] = (CPU_QUEUE, GPU_QUEUE)) -> None:
        self.ctx = ctx
        self.concurrency = concurrency
        self.queues = queues
        self._wake = threading.Condition()
        self._pending = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: set[str] = set()
        self._lock = threading.Lock()

    @property
    def lease_s(self) -> float:
        return self.ctx.settings.job_lease_s

    def submit(self, job_id: str, queue: str) -> None:
        with self._wake:
            self._pending += 1
            self._wake.notify()

    def ping(self) -> None:
        dead = [t.name for t in self._threads if not t.is_alive()]
        if dead:
            raise RuntimeError(f"worker threads died: {', '.join(dead)}")

    def start(self) -> None:
        if self.concurrency == 0:
            return
        with transaction(self.ctx.sessions) as session:
            requeued = lifecycle.requeue_stale(session, self.lease_s)
        if requeued:
            log.info("re-queued jobs left running by a stopped worker", extra={"count": requeued})
        for index in range(self.concurrency):
            self._spawn(f"sleeve-worker-{index}", self._work)
        self._spawn("sleeve-heartbeat", self._heartbeat)

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        with self._wake:
            self._wake.notify_all()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()
        with self._lock:
            unfinished = sorted(self._running)
        if unfinished:
            # A clean shutdown hands its unfinished jobs back now rather than after the lease;
            # covers already stored are kept and the next run resumes after them.
            with transaction(self.ctx.sessions) as session:
                lifecycle.release(session, unfinished)
            log.info("handed back unfinished jobs", extra={"count": len(unfinished)})

    def _claim(self) -> str | None:
        with self._lock:
            mine = frozenset(self._running)
        with transaction(self.ctx.sessions) as session:
            return lifecycle.claim_next(session, self.lease_s, self.queues, mine)

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                job_id = self._claim()
            except Exception:
                log.exception("could not claim a job")
                job_id = None
            if job_id is None:
                with self._wake:
                    if self._pending == 0 and not self._stop.is_set():
                        self._wake.wait(self.ctx.settings.job_poll_s)
                    self._pending = max(0, self._pending - 1)
                continue
            with self._lock:
                self._running.add(job_id)
            try:
                run_job(self.ctx, job_id)
            except Exception:  # run_job records failures itself; this is a last resort
                log.exception("worker error", extra={"job_id": job_id})
            finally:
                with self._lock:
                    self._running.discard(job_id)

    def _heartbeat(self) -> None:
        interval = max(0.1, self.lease_s / 3)
        while not self._stop.wait(interval):
            try:
                with self._lock:
                    running = sorted(self._running)
                with transaction(self.ctx.sessions) as session:
                    lifecycle.heartbeat(session, running)
                    lifecycle.requeue_stale(session, self.lease_s)
            except Exception:
                log.exception("heartbeat failed")
