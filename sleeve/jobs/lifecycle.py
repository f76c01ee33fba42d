"""Job states and the only SQL that moves a job between them.

The database is the source of truth: a queue (thread or Celery message) carries just an id,
and a worker must *claim* the job with a conditional UPDATE before running it, so two workers
never run the same job, and a job whose worker died (heartbeat older than the lease) can be
claimed again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import ColumnElement, CursorResult, and_, func, or_, select, update
from sqlalchemy.orm import Session

# The states are defined in sleeve.core.job_states; this module moves jobs between them.
from sleeve.core.job_states import CANCELLED as CANCELLED
from sleeve.core.job_states import FAILED as FAILED
from sleeve.core.job_states import PLANNING
from sleeve.core.job_states import QUEUED as QUEUED
from sleeve.core.job_states import RUNNING as RUNNING
from sleeve.core.job_states import STATES as STATES
from sleeve.core.job_states import SUCCEEDED as SUCCEEDED
from sleeve.core.job_states import TERMINAL as TERMINAL
from sleeve.db.models import Job
from sleeve.db.types import utcnow

# A job whose process died under it this many times while its worker lived on (the OS killed
# it for memory, a native crash) is failed: it is the job that kills them.
MAX_CRASHES: Final = 3
# A job is claimed at most this often. A worker killed whole (a deploy, a lost host, chaos) is
# not the job's fault and is not a crash, but no job is retried for ever.
MAX_ATTEMPTS: Final = 10


def exhausted(attempts: int, crashes: int) -> str | None:
    """Why a job claimed for the ``attempts``-th time must be failed instead of run, if so."""
    if crashes >= MAX_CRASHES:
        return (f"its worker process died {crashes} times while running it (the job may need "
                "more memory than a worker has)")
    if attempts > MAX_ATTEMPTS:
        return f"gave up after {MAX_ATTEMPTS} attempts (its worker was lost every time)"
    return None


def _changed(result: object) -> int:
    """Rows an UPDATE changed (``Session.execute`` is typed as returning a plain Result)."""
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def _claimable(now: datetime, lease_s: float) -> ColumnElement[bool]:
    stale = now - timedelta(seconds=lease_s)
    return or_(Job.state == QUEUED, and_(Job.state == RUNNING, Job.heartbeat_at < stale))


def claim_job(session: Session, job_id: str, lease_s: float) -> bool:
    """Mark ``job_id`` running if it is queued (or running with an expired lease)."""
    now = utcnow()
    return _changed(session.execute(
        update(Job)
        .where(Job.id == job_id, _claimable(now, lease_s))
        .values(state=RUNNING, stage=PLANNING, started_at=now, heartbeat_at=now,
                attempts=Job.attempts + 1)
        .execution_options(synchronize_session=False)
    )) > 0


def claim_next(session: Session, lease_s: float, queues: tuple[str, ...],
               exclude: frozenset[str] = frozenset()) -> str | None:
    """Claim the oldest claimable job on ``queues``; None when there is none.

    ``exclude``: jobs this process is running itself; a late heartbeat (a starved CPU) must
    not make a sibling thread run the same job again.
    """
    now = utcnow()
    query = select(Job.id).where(_claimable(now, lease_s), Job.queue.in_(queues))
    if exclude:
        query = query.where(Job.id.not_in(exclude))
    candidates = session.scalars(query.order_by(Job.created_at).limit(5)).all()
    for job_id in candidates:
        # Another worker may win the race for this row; then try the next one.
        if claim_job(session, job_id, lease_s):
            return job_id
    return None


def requeue_stale(session: Session, lease_s: float) -> int:
    """Put running jobs whose worker stopped heart-beating back in the queue."""
    stale = utcnow() - timedelta(seconds=lease_s)
    return _changed(session.execute(
        update(Job)
        .where(Job.state == RUNNING, or_(Job.heartbeat_at < stale, Job.heartbeat_at.is_(None)))
        .values(state=QUEUED, stage=None)
        .execution_options(synchronize_session=False)
    ))


def orphans(session: Session, lease_s: float, resend_after_s: float
            ) -> list[tuple[str, str, bool]]:
    """(job id, queue, its worker died) of jobs a broker may have lost: running ones whose
    worker died (they are put back to queued here) and queued ones waiting longer than
    ``resend_after_s``."""
    now = utcnow()
    stale = select(Job.id).where(Job.state == RUNNING, Job.heartbeat_at < now - timedelta(
        seconds=lease_s))
    dead = list(session.scalars(stale))
    if dead:
        release(session, dead)
    return [(job_id, queue, job_id in dead) for job_id, queue in session.execute(
        select(Job.id, Job.queue).where(
            Job.state == QUEUED,
            or_(Job.id.in_(dead), Job.created_at < now - timedelta(seconds=resend_after_s)))
        .order_by(Job.created_at).limit(500)
    )]


def release(session: Session, job_ids: list[str]) -> None:
    """Put jobs this worker is giving up (shutdown) back in the queue."""
    session.execute(
        update(Job)
        .where(Job.id.in_(job_ids), Job.state == RUNNING)
        .values(state=QUEUED, stage=None)
        .execution_options(synchronize_session=False)
    )


def record_crash(session: Session, job_id: str) -> None:
    """The process running ``job_id`` died while its worker lived on: count it against the job
    (``MAX_CRASHES``) and put it back in the queue."""
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == RUNNING)
        .values(state=QUEUED, stage=None, crashes=Job.crashes + 1)
        .execution_options(synchronize_session=False)
    )


def hand_back(session: Session, job_id: str, attempt: int) -> bool:
    """Queue a job again whose ``attempt`` a transient fault ended: the attempt is not counted
    towards ``MAX_ATTEMPTS`` (the job did nothing wrong). Only while that attempt still holds
    the job: if another worker claimed it meanwhile, nothing changes."""
    return _changed(session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == RUNNING, Job.attempts == attempt)
        .values(state=QUEUED, attempts=attempt - 1)
        .execution_options(synchronize_session=False)
    )) > 0


def heartbeat(session: Session, job_ids: list[str]) -> None:
    if job_ids:
        session.execute(
            update(Job)
            .where(Job.id.in_(job_ids), Job.state == RUNNING)
            .values(heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def finish(session: Session, job_id: str, state: str, error: str | None = None) -> None:
    values: dict[str, object] = {"state": state, "stage": None, "finished_at": utcnow(),
                                 "error": error}
    if state == SUCCEEDED:
        values["progress"] = 100
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == RUNNING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def cancel(session: Session, job_id: str) -> None:
    """Conditional updates, so a cancel racing a worker's claim never un-runs a running job."""
    stopped = _changed(session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == QUEUED)
        .values(state=CANCELLED, error="cancelled by the owner", finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ))
    if not stopped:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == RUNNING)
            .values(cancel_requested=True)
            .execution_options(synchronize_session=False)
        )


def attempt_of(session: Session, job_id: str) -> tuple[int, int]:
    """(attempts so far, covers to make) of a job; (0, 0) when there is none."""
    row = session.execute(select(Job.attempts, Job.count).where(Job.id == job_id)).first()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def state_of(session: Session, job_id: str) -> str | None:
    return session.scalar(select(Job.state).where(Job.id == job_id))


def queue_depth(session: Session) -> int:
    return int(session.scalar(select(func.count()).where(Job.state == QUEUED)) or 0)


def count_by_state(session: Session) -> dict[str, int]:
    rows = session.execute(select(Job.state, func.count()).group_by(Job.state)).all()
    counts = dict.fromkeys(STATES, 0)
    counts.update({state: int(n) for state, n in rows})
    return counts
