"""Use cases for jobs: create (idempotent, rate-limited), read, cancel."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import secrets
from datetime import timedelta
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sleeve.core.brief import Brief
from sleeve.db.engine import transaction
from sleeve.db.models import BriefRow, Cover, Job, Subject
from sleeve.db.types import new_id, utcnow
from sleeve.engines import ENGINE_NAMES
from sleeve.jobs import lifecycle
from sleeve.jobs.queue import queue_for_engine
from sleeve.render.styles import STYLE_NAMES
from sleeve.service.context import Services
from sleeve.service.errors import Conflict, Invalid, RateLimited
from sleeve.service.ownership import find, get_owned
from sleeve.service.views import JobView

log = logging.getLogger("sleeve.service")
MAX_SEED = 2**31 - 1
RATE_WINDOW = timedelta(seconds=60)
EngineName = Literal["procedural", "diffusion"]
assert set(get_args(EngineName)) == set(ENGINE_NAMES), "JobRequest.engine must list every engine"


class JobRequest(BaseModel):
    """The body of ``POST /v1/jobs``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    brief: Brief
    count: Annotated[int, Field(ge=1, le=8)] = 4
    engine: EngineName = "procedural"
    style: str | None = None
    seed: Annotated[int, Field(ge=0, le=MAX_SEED)] | None = None
    size: Annotated[int, Field(ge=256, le=4096)] = 3000
    subject_id: str | None = Field(default=None, max_length=32)

    @field_validator("style")
    @classmethod
    def _known_style(cls, value: str | None) -> str | None:
        if value is not None and value not in STYLE_NAMES:
            raise ValueError(f"unknown style; choose one of {', '.join(STYLE_NAMES)}")
        return value

    def digest(self) -> str:
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()




def _view(session: Session, job: Job) -> JobView:
    brief = session.get(BriefRow, job.brief_id)
    assert brief is not None
    covers = session.scalars(
        select(Cover).where(Cover.job_id == job.id).order_by(Cover.position)
    ).all()
    return JobView.of(job, brief, list(covers))


def _owned_job(session: Session, user_id: str, job_id: str) -> Job:
    return get_owned(session, Job, job_id, user_id, "job")


def _check_rate(session: Session, user_id: str, limit: int) -> None:
    """At most ``limit`` jobs in any 60 s: look at the limit-th newest job only (an index walk
    of ``limit`` entries, however many jobs the user has)."""
    now = utcnow()
    nth_newest = session.scalar(
        select(Job.created_at).where(Job.user_id == user_id, Job.created_at > now - RATE_WINDOW)
        .order_by(Job.created_at.desc()).offset(limit - 1).limit(1)
    )
    if nth_newest is not None:
        wait = (nth_newest + RATE_WINDOW - now).total_seconds()
        raise RateLimited(f"at most {limit} jobs per minute", max(1, math.ceil(wait)))


def _existing(session: Session, user_id: str, key: str, digest: str) -> Job | None:
    job = session.scalar(select(Job).where(Job.user_id == user_id, Job.idempotency_key == key))
    if job is not None and job.request_hash != digest:
        raise Conflict("this Idempotency-Key was used with a different request body")
    return job


def create_job(services: Services, user_id: str, request: JobRequest,
               idempotency_key: str | None = None) -> tuple[JobView, bool]:
    """Store brief + job in one transaction, then hand the id to the queue.

    Returns (job, created): with a repeated ``Idempotency-Key`` and the same body the first job
    comes back and nothing is created.
    """
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 200:
        raise Invalid("Idempotency-Key: must be 1 to 200 characters")
    digest = request.digest()
    try:
        with transaction(services.sessions) as session:
            if idempotency_key is not None:
                found = _existing(session, user_id, idempotency_key, digest)
                if found is not None:
                    return _view(session, found), False
            _check_rate(session, user_id, services.settings.rate_limit_jobs_per_minute)
            if request.subject_id is not None:
                subject = find(session, Subject, request.subject_id)
                if subject is None or subject.user_id != user_id:
                    raise Invalid(f"subject_id: no subject {request.subject_id}")
            now = utcnow()
            brief = BriefRow(id=new_id(), user_id=user_id, digest=request.brief.digest(),
                             created_at=now, **request.brief.model_dump())
            seed = request.seed if request.seed is not None else _new_seed()
            job = Job(
                id=new_id(), user_id=user_id, brief_id=brief.id, subject_id=request.subject_id,
                state=lifecycle.QUEUED, progress=0, count=request.count, engine=request.engine,
                style=request.style, seed=seed, size=request.size,
                queue=queue_for_engine(request.engine), idempotency_key=idempotency_key,
                request_hash=digest if idempotency_key else None, created_at=now,
                attempts=0, cancel_requested=False, render_seconds=0.0,
            )
            # Core inserts: the ORM unit of work costs more than the rest of this request.
            session.execute(insert(BriefRow), [_columns(brief)])
            session.execute(insert(Job), [_columns(job)])
            view = JobView.of(job, brief, [])
    except IntegrityError:
        # A concurrent request with the same key won the race: answer with its job.
        if idempotency_key is None:
            raise
        with transaction(services.sessions) as session:
            found = _existing(session, user_id, idempotency_key, digest)
            assert found is not None
            return _view(session, found), False
    try:
        services.queue.submit(view.id, queue_for_engine(request.engine))
    except Exception:
        # The job is stored: the queue's sweeper hands it over once the broker is back.
        log.exception("could not hand the job to the queue", extra={"job_id": view.id})
    return view, True


def _columns(row: BriefRow | Job) -> dict[str, object]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


def _new_seed() -> int:
    return secrets.randbelow(MAX_SEED)


def get_job(services: Services, user_id: str, job_id: str) -> JobView:
    with transaction(services.sessions) as session:
        return _view(session, _owned_job(session, user_id, job_id))


def cancel_job(services: Services, user_id: str, job_id: str) -> JobView:
    """Queued jobs stop at once; a running job stops before its next cover."""
    with transaction(services.sessions) as session:
        job = _owned_job(session, user_id, job_id)
        if job.state in (lifecycle.SUCCEEDED, lifecycle.FAILED):
            raise Conflict(f"job {job_id} already {job.state}")
        lifecycle.cancel(session, job_id)
        session.refresh(job)
        return _view(session, job)
