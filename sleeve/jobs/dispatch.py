"""Runs a claimed job by its kind: covers (``runner``), a motion loop (``motion``) or a
subject's DreamBooth-LoRA (``subject_training``), so no runner knows another."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from sleeve.db.engine import transaction
from sleeve.db.models import Job
from sleeve.jobs.context import JobContext
from sleeve.jobs.motion import run_motion
from sleeve.jobs.runner import run_job
from sleeve.jobs.subject_loras import JOB_KIND as SUBJECT_TRAINING


def run_claimed(ctx: JobContext, job_id: str,
                between_covers: Callable[[], object] | None = None, *,
                between_stages: Callable[[str], object] | None = None,
                transient_escapes: bool = False) -> str | None:
    """Run a job this worker has claimed; returns its final state (None if not runnable).

    ``between_covers``, ``between_stages``, ``transient_escapes``: see ``runner.run_job``."""
    with transaction(ctx.sessions) as session:
        kind = session.scalar(select(Job.kind).where(Job.id == job_id))
    if kind == "motion":
        return run_motion(ctx, job_id)
    if kind == SUBJECT_TRAINING:
        # Imported here: the training module pulls in the diffusion package's helpers.
        from sleeve.jobs.subject_training import run_subject_training

        return run_subject_training(ctx, job_id)
    return run_job(ctx, job_id, between_covers, between_stages=between_stages,
                   transient_escapes=transient_escapes)
