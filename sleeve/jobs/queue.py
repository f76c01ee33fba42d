"""The queue interface: how the service hands a job id to whatever runs jobs (the backends:
``local`` and ``celery_app``; ``backends`` picks one)."""

from __future__ import annotations

from typing import Protocol

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
