"""The Celery backend: the scale-out queue (Redis or RabbitMQ broker).

A message carries only a job id; the task claims the job in the database and re-reads
everything from there. ``acks_late`` with ``reject_on_worker_lost`` means a worker killed
mid-job leaves its message to be delivered again; the claim then succeeds once the dead
worker's lease has expired. Jobs go to the ``cpu`` or ``gpu`` queue by engine.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from celery import Celery, Task
from kombu import Queue

from sleeve.config import Settings, get_settings
from sleeve.db.engine import transaction
from sleeve.jobs import lifecycle
from sleeve.jobs.context import JobContext
from sleeve.jobs.queue import CPU_QUEUE, GPU_QUEUE
from sleeve.jobs.runner import run_job

TASK_NAME = "sleeve.run_job"


def make_celery(settings: Settings) -> Celery:
    app = Celery("sleeve", broker=settings.broker_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=CPU_QUEUE,
        task_queues=(Queue(CPU_QUEUE), Queue(GPU_QUEUE)),
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        # Longer than any job, so a slow job is not redelivered while still running.
        broker_transport_options={"visibility_timeout": int(settings.job_timeout_s * 2) + 60},
    )
    app.task(name=TASK_NAME, bind=True, acks_late=True)(_run_job_task)
    return app


@lru_cache(maxsize=1)
def _worker_context() -> JobContext:
    return JobContext.from_settings(get_settings())


def _run_job_task(task: Task, job_id: str) -> str | None:
    ctx = _worker_context()
    with transaction(ctx.sessions) as session:
        claimed = lifecycle.claim_job(session, job_id, ctx.settings.job_lease_s)
        state = lifecycle.state_of(session, job_id)
    if not claimed:
        if state == lifecycle.RUNNING:
            # Redelivered after a worker died, before its lease ran out: try again after it.
            raise task.retry(countdown=ctx.settings.job_lease_s, max_retries=10)
        return None  # finished, cancelled or unknown: nothing to do
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(ctx, job_id, stop), daemon=True)
    beat.start()
    try:
        return run_job(ctx, job_id)
    finally:
        stop.set()
        beat.join(1)


def _heartbeat(ctx: JobContext, job_id: str, stop: threading.Event) -> None:
    while not stop.wait(max(0.1, ctx.settings.job_lease_s / 3)):
        with transaction(ctx.sessions) as session:
            lifecycle.heartbeat(session, [job_id])


class CeleryQueue:
    """What the API process uses to hand jobs to Celery workers."""

    def __init__(self, settings: Settings) -> None:
        self.app = make_celery(settings)

    def submit(self, job_id: str, queue: str) -> None:
        self.app.send_task(TASK_NAME, args=[job_id], queue=queue)

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def ping(self) -> None:
        with self.app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)


def run_celery_worker(settings: Settings, queues: tuple[str, ...]) -> None:
    app = make_celery(settings)
    app.worker_main(["worker", "--queues", ",".join(queues), "--concurrency",
                     str(settings.concurrency), "--loglevel", settings.log_level.lower()])


# ``celery -A sleeve.jobs.celery_app worker -Q cpu`` finds this.
app = make_celery(get_settings())
