"""Runs a claimed job by its kind: covers (``runner``) or a motion loop (``motion``), so
neither runner knows the other."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from sleeve.db.engine import transaction
from sleeve.db.models import Job
from sleeve.jobs.context import JobContext
from sleeve.jobs.motion import run_motion
from sleeve.jobs.runner import run_job


def run_claimed(ctx: JobContext, job_id: str,
                between_covers: Callable[[], object] | None = None) -> str | None:
    """Run a job this worker has claimed; returns its final state (None if not runnable).

    ``between_covers``: see ``runner.run_job``."""
    with transaction(ctx.sessions) as session:
        kind = session.scalar(select(Job.kind).where(Job.id == job_id))
    if kind == "motion":
        return run_motion(ctx, job_id)
    return run_job(ctx, job_id, between_covers)
