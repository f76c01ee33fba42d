"""Picks the queue backend named by ``SLEEVE_QUEUE``: the interface (``jobs.queue``) knows no
backend, and the backends know only the interface."""

from __future__ import annotations

from sleeve.jobs.context import JobContext
from sleeve.jobs.queue import JobQueue


def make_queue(ctx: JobContext, run_workers: bool | None = None) -> JobQueue:
    """The backend named by ``SLEEVE_QUEUE``."""
    if ctx.settings.queue == "celery":
        from sleeve.jobs.celery_app import CeleryQueue

        return CeleryQueue(ctx.settings)
    from sleeve.jobs.local import LocalQueue

    workers = ctx.settings.embedded_worker if run_workers is None else run_workers
    return LocalQueue(ctx, concurrency=ctx.settings.concurrency if workers else 0)
