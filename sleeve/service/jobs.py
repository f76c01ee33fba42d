"""Use cases for jobs: create (idempotent, rate-limited), read, cancel."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import secrets
from datetime import timedelta
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, field_validator
from sqlalchemy import and_, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from sleeve.core.brief import Brief, clean_line, clean_lyrics
from sleeve.core.fields import Line, StrictBody, Text, WholeNumber
from sleeve.core.plan import AudioFeatures
from sleeve.core.styles import STYLE_NAMES, check_style
from sleeve.db.engine import transaction
from sleeve.db.models import BriefRow, Cover, Job, Subject, User
from sleeve.db.types import new_id, utcnow
from sleeve.engines import ENGINE_NAMES
from sleeve.jobs import lifecycle
from sleeve.jobs.queue import queue_for_engine
from sleeve.jobs.subject_loras import ready_lora
from sleeve.render.typeset import check_renderable
from sleeve.service.context import Services
from sleeve.service.engine_check import check_engine
from sleeve.service.errors import Conflict, Invalid, NotFound, RateLimited
from sleeve.service.ownership import could_be_id, find
from sleeve.service.views import JobView

log = logging.getLogger("sleeve.service")
MAX_SEED = 2**31 - 1
RATE_WINDOW = timedelta(seconds=60)
EngineName = Literal["procedural", "diffusion"]
assert set(get_args(EngineName)) == set(ENGINE_NAMES), "JobRequest.engine must list every engine"


# Set on the cover: it must keep something visible after normalisation (not only spaces or
# invisible, unassigned or private-use characters) and an installed font must draw every
# character; both are checked when the job is created (422).
COVER_TEXT = {"format": "cover-text", "description": (
    "Printed on the cover: at least one visible character, all drawable by the server's fonts "
    "(Latin, Greek, Cyrillic, Hangul, kana, CJK, Thai, Arabic, Hebrew, emoji, …).")}


class BriefBody(Brief):
    """A brief as the API takes it: the same rules as ``Brief``, but text with control
    characters is refused (422) rather than cleaned, and JSON types are strict."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    # The limits hold before and after normalisation (which only removes characters).
    title: Annotated[Line, Field(min_length=1, max_length=200, json_schema_extra=COVER_TEXT),
                     AfterValidator(clean_line)]
    artist: Annotated[Line, Field(min_length=1, max_length=200, json_schema_extra=COVER_TEXT),
                      AfterValidator(clean_line)]
    album: Annotated[Line, Field(max_length=200), AfterValidator(clean_line)] = ""
    genre: Annotated[Line, Field(max_length=200), AfterValidator(clean_line)] = ""
    lyrics: Annotated[Text, Field(max_length=10_000), AfterValidator(clean_lyrics)] = ""


def _from_brief(value: object) -> object:
    # Python callers (the CLI, workers, tests) hand over a Brief they already validated.
    if isinstance(value, Brief) and not isinstance(value, BriefBody):
        return value.model_dump()
    return value


class JobRequest(StrictBody):
    """The body of ``POST /v1/jobs``."""

    brief: Annotated[BriefBody, BeforeValidator(_from_brief)]
    count: Annotated[int, Field(ge=1, le=8), WholeNumber] = 4
    engine: EngineName = "procedural"
    style: Annotated[str, Field(json_schema_extra={"enum": list(STYLE_NAMES)})] | None = None
    seed: Annotated[int, Field(ge=0, le=MAX_SEED), WholeNumber] | None = None
    size: Annotated[int, Field(ge=256, le=4096), WholeNumber] = 3000
    subject_id: Annotated[Line, Field(min_length=1, max_length=32)] | None = None

    @field_validator("brief")
    @classmethod
    def _drawable_text(cls, value: Brief) -> Brief:
        # A character no installed font has would fail the job later; say so now (422).
        check_renderable(value.title, value.artist)
        return value

    @field_validator("style")
    @classmethod
    def _known_style(cls, value: str | None) -> str | None:
        return None if value is None else check_style(value)

    def digest(self) -> str:
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


# Statements on the hot paths are built once: building one costs more than running it.
_COVERS = select(Cover).where(Cover.job_id == bindparam("job_id")).order_by(Cover.position)
_OWNED_JOB = (
    select(Job, BriefRow).outerjoin(BriefRow, BriefRow.id == Job.brief_id)
    .where(Job.id == bindparam("job_id"), Job.user_id == bindparam("user_id"))
)


def job_view(session: Session, job: Job, brief: BriefRow | None = None) -> JobView:
    if brief is None and job.brief_id is not None:
        brief = session.get(BriefRow, job.brief_id)
    covers = session.scalars(_COVERS, {"job_id": job.id}).all()
    return JobView.of_rows(job, brief, list(covers))


def owned_job(session: Session, user_id: str, job_id: str) -> tuple[Job, BriefRow | None]:
    """The job and its brief (None for a job without one), in one query; 404 for anyone but
    its owner."""
    row = None
    if could_be_id(job_id):
        row = session.execute(_OWNED_JOB, {"job_id": job_id, "user_id": user_id}).first()
    if row is None:
        raise NotFound(f"no job {job_id}")
    return row[0], row[1]


# One round trip answers both questions a new job must ask: is this Idempotency-Key already
# used, and does the user already have ``limit`` jobs in the window (the limit-th newest job:
# an index walk of at most ``limit`` entries, however many jobs the user has)?
_recent = aliased(Job)
_NTH_NEWEST = (
    select(_recent.created_at)
    .where(_recent.user_id == User.id, _recent.created_at > bindparam("since"))
    .order_by(_recent.created_at.desc()).offset(bindparam("skip")).limit(1)
    .correlate(User).scalar_subquery()
)
_GATE = (
    select(_NTH_NEWEST, Job.id, Job.request_hash).select_from(User)
    .outerjoin(Job, and_(Job.user_id == User.id, Job.idempotency_key == bindparam("key")))
    .where(User.id == bindparam("user_id"))
)
_INSERT_BRIEF = insert(BriefRow.metadata.tables[BriefRow.__tablename__])
_INSERT_JOB = insert(Job.metadata.tables[Job.__tablename__])
_LOCK_USER = select(User.id).where(User.id == bindparam("user_id")).with_for_update()


def take_turns(session: Session, user_id: str) -> None:
    """Job creations by one user take turns, so the rate check and the insert are atomic on
    every replica: PostgreSQL locks the user's row until commit (the checks that follow are
    new statements, so under READ COMMITTED they see the job the previous holder stored);
    SQLite takes its single write lock before reading instead of at the first insert."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")
    else:
        session.execute(_LOCK_USER, {"user_id": user_id})


def gate_new_job(session: Session, user_id: str, key: str | None, digest: str,
                 limit: int) -> Job | None:
    """The job this Idempotency-Key already made, or None when a new one may be made.

    Raises Conflict for a key reused with another body, RateLimited over the limit.
    """
    now = utcnow()
    row = session.execute(_GATE, {"since": now - RATE_WINDOW, "skip": limit - 1,
                                  "key": key, "user_id": user_id}).one()
    nth_newest, existing_id, existing_hash = row
    if existing_id is not None:
        if existing_hash != digest:
            raise Conflict("this Idempotency-Key was used with a different request body")
        return session.get(Job, existing_id)
    if nth_newest is not None:
        wait = (nth_newest + RATE_WINDOW - now).total_seconds()
        raise RateLimited(f"at most {limit} jobs per minute", max(1, math.ceil(wait)))
    return None


def create_job(services: Services, user_id: str, request: JobRequest,
               idempotency_key: str | None = None,
               audio: AudioFeatures | None = None) -> tuple[JobView, bool]:
    """Store brief + job in one transaction, then hand the id to the queue.

    Returns (job, created): with a repeated ``Idempotency-Key`` and the same body the first job
    comes back and nothing is created. ``audio``: the features of the track sent with it.
    """
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 200:
        raise Invalid("Idempotency-Key: must be 1 to 200 characters")
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
            seed = request.seed if request.seed is not None else _new_seed()
            job = Job(
                id=new_id(), user_id=user_id, brief_id=brief.id, subject_id=request.subject_id,
                state=lifecycle.QUEUED, progress=0, count=request.count, engine=request.engine,
                style=request.style, seed=seed, size=request.size,
                queue=queue_for_engine(request.engine), idempotency_key=idempotency_key,
                request_hash=digest if idempotency_key else None, created_at=now,
                attempts=0, cancel_requested=False, render_seconds=0.0, kind="covers",
                audio=audio.model_dump(mode="json") if audio is not None else None,
            )
            # Core inserts on the tables: the ORM unit of work (and even its bulk insert path)
            # costs more than the rest of this request.
            session.execute(_INSERT_BRIEF, [_columns(brief)])
            session.execute(_INSERT_JOB, [_columns(job)])
            view = JobView.of_rows(job, brief, [])
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


def _columns(row: BriefRow | Job) -> dict[str, object]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


def _new_seed() -> int:
    return secrets.randbelow(MAX_SEED)


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
