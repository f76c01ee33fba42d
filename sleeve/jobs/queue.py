"""The queue interface: how the service hands a job id to whatever runs jobs."""

from __future__ import annotations

from typing import Protocol

from sleeve.jobs.context import JobContext

CPU_QUEUE = "cpu"
GPU_QUEUE = "gpu"


def queue_for_engine(engine: str) -> str:
    return GPU_QUEUE if engine == "diffusion" else CPU_QUEUE


class JobQueue(Protocol):
    def submit(self, job_id: str, queue: str) -> None:
        """Called after the job row is committed; must not block on rendering."""

    def submit_variant(self, variant_id: str) -> None:
        """Called after a queued cover-variant row is committed (see ``jobs.variants``)."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def ping(self) -> None:
        """Raises when the queue cannot take work (for /readyz)."""

    def warming_engines(self) -> frozenset[str]:
        """Engines this queue's workers are still loading (for /readyz)."""


def make_queue(ctx: JobContext, run_workers: bool | None = None) -> JobQueue:
    """The backend named by ``SLEEVE_QUEUE``."""
    if ctx.settings.queue == "celery":
        from sleeve.jobs.celery_app import CeleryQueue

        return CeleryQueue(ctx.settings)
    from sleeve.jobs.local import LocalQueue

    workers = ctx.settings.embedded_worker if run_workers is None else run_workers
    return LocalQueue(ctx, concurrency=ctx.settings.concurrency if workers else 0)
