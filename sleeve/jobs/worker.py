"""The worker entry point (``sleeve worker``): runs jobs without the API.

Celery with ``SLEEVE_QUEUE=celery``, else threads that poll the database. Nothing here imports
the web stack: a worker host needs the engines, the database and the queue, not FastAPI.
"""

from __future__ import annotations

import logging
import signal
import threading

from prometheus_client import start_http_server

from sleeve.config import Settings, get_settings
from sleeve.jobs.context import JobContext
from sleeve.jobs.queue import CPU_QUEUE, GPU_QUEUE
from sleeve.logs import configure_logging

log = logging.getLogger("sleeve.worker")


def run_worker(queues: tuple[str, ...] = (CPU_QUEUE, GPU_QUEUE),
               settings: Settings | None = None, beat: bool = False) -> None:
    """Run jobs from ``queues`` until SIGINT or SIGTERM."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)
    if settings.worker_metrics_port is not None:
        start_http_server(settings.worker_metrics_port)
    if settings.queue == "celery":
        from sleeve.jobs.celery_app import run_celery_worker

        run_celery_worker(settings, queues, beat)
        return
    from sleeve.jobs.local import LocalQueue

    queue = LocalQueue(JobContext.from_settings(settings), settings.concurrency, queues)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    queue.start()
    log.info("worker started", extra={"event": "worker_started", "queues": ",".join(queues)})
    stop.wait()
    queue.stop()
