"""Use cases for jobs: create (idempotent, rate-limited), read, cancel.

The body is ``sleeve.schemas.jobs.JobRequest``; the queries are in ``job_queries``.
"""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy.exc import IntegrityError

from sleeve.core.bounds import new_seed
from sleeve.core.plan import AudioFeatures
from sleeve.db.engine import transaction
from sleeve.db.models import BriefRow, Job, Subject
from sleeve.db.types import new_id, utcnow
from sleeve.jobs import lifecycle
from sleeve.jobs.queue import queue_for_engine
from sleeve.jobs.subject_loras import ready_lora
from sleeve.pipeline import fonts_for
from sleeve.render.fonts import UnrenderableTextError
from sleeve.render.typeset import check_brief
from sleeve.schemas.jobs import JobRequest, JobView
from sleeve.service.context import Services
from sleeve.service.engine_check import check_engine
from sleeve.service.errors import Conflict, Invalid, NotFound
from sleeve.service.job_queries import (
    gate_new_job,
    insert_job,
    job_view,
    owned_job,
    take_turns,
)
from sleeve.service.ownership import find
from sleeve.service.views import job_of_rows

log = logging.getLogger("sleeve.service")


def create_job(services: Services, user_id: str, request: JobRequest,
               idempotency_key: str | None = None,
               audio: AudioFeatures | None = None) -> tuple[JobView, bool]:
    """Store brief + job in one transaction, then hand the id to the queue.

    Returns (job, created): with a repeated ``Idempotency-Key`` and the same body the first job
    comes back and nothing is created. ``audio``: the features of the track sent with it.
    """
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 200:
        raise Invalid("Idempotency-Key: must be 1 to 200 characters")
    try:
        # The render's own rule, over every font chain a plan of this brief can get: a job
        # accepted here never fails for a glyph (422 now rather than a failed job later).
        check_brief(request.brief, fonts_for(services.settings))
    except UnrenderableTextError as exc:
        raise Invalid(f"brief.{exc.role}: {exc}") from exc
    digest = request.digest()
    if audio is not None:
        digest = hashlib.sha256(f"{digest}:{audio.model_dump_json()}".encode()).hexdigest()
    limit = services.settings.rate_limit_jobs_per_minute
    try:
        with transaction(services.sessions) as session:
            take_turns(session, user_id)
            found = gate_new_job(session, user_id, idempotency_key, digest, limit)
            if found is not None:
                return job_view(session, found), False
            check_engine(session, services.settings, services.engines, request.engine)
            if request.subject_id is not None:
                subject = find(session, Subject, request.subject_id)
                if subject is None or subject.user_id != user_id:
                    # Well-formed, but names nothing of this user's: not found, like a path id.
                    raise NotFound(f"subject_id: no subject {request.subject_id}")
                if request.engine == "diffusion" and ready_lora(session, subject.id) is None:
                    raise Conflict(f"subject {subject.id} has no trained LoRA for the diffusion "
                                   f"engine; train it first (POST /v1/subjects/{subject.id}/train)")
            now = utcnow()
            brief = BriefRow(id=new_id(), user_id=user_id, digest=request.brief.digest(),
                             created_at=now, **request.brief.model_dump())
            seed = request.seed if request.seed is not None else new_seed()
            job = Job(
                id=new_id(), user_id=user_id, brief_id=brief.id, subject_id=request.subject_id,
                state=lifecycle.QUEUED, progress=0, count=request.count, engine=request.engine,
                style=request.style, seed=seed, size=request.size,
                queue=queue_for_engine(request.engine), idempotency_key=idempotency_key,
                request_hash=digest if idempotency_key else None, created_at=now,
                attempts=0, crashes=0, cancel_requested=False, render_seconds=0.0, kind="covers",
                audio=audio.model_dump(mode="json") if audio is not None else None,
            )
            insert_job(session, brief, job)
            view = job_of_rows(job, brief, [])
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its job.
        if idempotency_key is None:
            raise
        with transaction(services.sessions) as session:
            found = gate_new_job(session, user_id, idempotency_key, digest, limit)
            assert found is not None
            return job_view(session, found), False
    hand_over(services, view.id, queue_for_engine(request.engine))
    return view, True


def hand_over(services: Services, job_id: str, queue: str) -> None:
    """Give a stored job's id to the queue; a broker that is down is not the caller's error."""
    try:
        services.queue.submit(job_id, queue)
    except Exception:
        # The job is stored: the queue's sweeper hands it over once the broker is back.
        log.exception("could not hand the job to the queue", extra={"job_id": job_id})


def get_job(services: Services, user_id: str, job_id: str) -> JobView:
    with transaction(services.sessions) as session:
        return job_view(session, *owned_job(session, user_id, job_id))


def cancel_job(services: Services, user_id: str, job_id: str) -> JobView:
    """Queued jobs stop at once; a running job stops before its next cover."""
    with transaction(services.sessions) as session:
        job, brief = owned_job(session, user_id, job_id)
        if job.state in (lifecycle.SUCCEEDED, lifecycle.FAILED):
            raise Conflict(f"job {job_id} already {job.state}")
        lifecycle.cancel(session, job_id)
        session.refresh(job)
        return job_view(session, job, brief)
