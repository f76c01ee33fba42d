"""Use case: train a subject's DreamBooth-LoRA (a ``subject_training`` job on the gpu queue).

Asked through ``POST /v1/subjects/{id}/train`` and ``sleeve subjects train ID``. Refused at
once (409, with the reason) when no diffusion engine can run the job, rather than queued to
fail later; and while the subject is already being trained.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sleeve.core.bounds import new_seed
from sleeve.db.engine import transaction
from sleeve.db.models import Job, Subject
from sleeve.db.types import new_id, utcnow
from sleeve.jobs import lifecycle
from sleeve.jobs.queue import GPU_QUEUE
from sleeve.jobs.subject_loras import JOB_KIND
from sleeve.jobs.subject_training import QUEUED
from sleeve.jobs.subjects import photo_rows
from sleeve.schemas.jobs import JobView
from sleeve.service.context import Services
from sleeve.service.engine_check import check_engine
from sleeve.service.errors import Conflict
from sleeve.service.job_queries import gate_new_job, job_view, take_turns
from sleeve.service.jobs import hand_over
from sleeve.service.ownership import get_owned

ENGINE = "diffusion"


def _training_job(session: Session, subject_id: str) -> str | None:
    """The subject's training job still queued or running, if any."""
    return session.scalar(select(Job.id).where(
        Job.subject_id == subject_id, Job.kind == JOB_KIND,
        Job.state.in_((lifecycle.QUEUED, lifecycle.RUNNING))).limit(1))


def start_training(services: Services, user_id: str, subject_id: str) -> JobView:
    """Queue the training of the user's subject ``subject_id``; 404 for anyone else's."""
    settings = services.settings
    with transaction(services.sessions) as session:
        take_turns(session, user_id)
        gate_new_job(session, user_id, None, "", settings.rate_limit_jobs_per_minute)
        subject = get_owned(session, Subject, subject_id, user_id, "subject")
        check_engine(session, settings, services.engines, ENGINE)
        running = _training_job(session, subject.id)
        if running is not None:
            raise Conflict(f"subject {subject_id} is already being trained (job {running})")
        if not photo_rows(session, subject.id):
            raise Conflict(f"subject {subject_id} has no accepted photos to train on; "
                           "upload a few first")
        job = Job(
            id=new_id(), user_id=user_id, brief_id=None, subject_id=subject.id,
            state=lifecycle.QUEUED, progress=0, count=1, engine=ENGINE, style=None,
            seed=new_seed(), size=settings.sdxl_resolution, queue=GPU_QUEUE,
            created_at=utcnow(), attempts=0, crashes=0, cancel_requested=False, render_seconds=0.0,
            kind=JOB_KIND,
        )
        session.add(job)
        subject.state = QUEUED
        session.flush()
        view = job_view(session, job)
    hand_over(services, view.id, GPU_QUEUE)
    return view

