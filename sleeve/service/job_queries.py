"""The queries behind the job use cases: read a job with its covers, find one by owner, and
the one-round-trip gate every new job passes (its Idempotency-Key, the user's rate limit)."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import and_, bindparam, insert, select
from sqlalchemy.orm import Session, aliased

from sleeve.db.models import BriefRow, Cover, Job, User
from sleeve.db.types import utcnow
from sleeve.schemas.jobs import JobView
from sleeve.service.errors import Conflict, NotFound, RateLimited
from sleeve.service.ownership import could_be_id
from sleeve.service.views import job_of_rows

RATE_WINDOW = timedelta(seconds=60)

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
    return job_of_rows(job, brief, list(covers))


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


def insert_job(session: Session, brief: BriefRow, job: Job) -> None:
    """Store a new brief and its job with Core inserts on the tables: the ORM unit of work
    (and even its bulk insert path) costs more than the rest of the request."""
    session.execute(_INSERT_BRIEF, [_columns(brief)])
    session.execute(_INSERT_JOB, [_columns(job)])


def _columns(row: BriefRow | Job) -> dict[str, object]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}
