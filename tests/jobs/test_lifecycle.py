"""Claiming is safe under concurrency; dead workers' jobs come back; cancel never un-runs."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

from sqlalchemy import update

from sleeve.config import Settings
from sleeve.db.engine import make_engine, make_session_factory, transaction
from sleeve.db.models import BriefRow, Job, User
from sleeve.db.types import utcnow
from sleeve.jobs import lifecycle

QUEUE = ("lifecycle-test",)  # a queue no other test's worker takes from


def _jobs(settings: Settings, n: int, queue: str = QUEUE[0]) -> tuple[list[str], object]:
    sessions = make_session_factory(make_engine(settings.database_url))
    with transaction(sessions) as session:
        user = User(email=None)
        session.add(user)
        session.flush()
        brief = BriefRow(user_id=user.id, title="t", artist="a", digest="d")
        session.add(brief)
        session.flush()
        jobs = [Job(user_id=user.id, brief_id=brief.id, count=1, engine="procedural", seed=i,
                    size=256, queue=queue, created_at=utcnow()) for i in range(n)]
        session.add_all(jobs)
        session.flush()
        return [j.id for j in jobs], sessions


def test_each_job_claimed_once_under_concurrency(settings: Settings) -> None:
    ids, sessions = _jobs(settings, 12)
    claimed: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with transaction(sessions) as session:  # type: ignore[arg-type]
                job_id = lifecycle.claim_next(session, 30.0, QUEUE)
            if job_id is None:
                return
            with lock:
                claimed.append(job_id)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(claimed) == sorted(ids)


def test_stale_running_jobs_are_requeued_and_reclaimable(settings: Settings,
                                                         own_database: str) -> None:
    # requeue_stale counts every stale job in the database: this test's own database holds
    # only the two jobs it makes, so the count is about them alone.
    own = settings.model_copy(update={"database_url": own_database})
    ids, sessions = _jobs(own, 2)
    with transaction(sessions) as session:  # type: ignore[arg-type]
        assert lifecycle.claim_job(session, ids[0], 30.0)
        assert lifecycle.claim_job(session, ids[1], 30.0)
        assert not lifecycle.claim_job(session, ids[0], 30.0)  # a live lease holds
        old = utcnow() - timedelta(seconds=60)
        session.execute(update(Job).where(Job.id == ids[0]).values(heartbeat_at=old))
    with transaction(sessions) as session:  # type: ignore[arg-type]
        assert lifecycle.requeue_stale(session, 30.0) == 1
        assert lifecycle.state_of(session, ids[0]) == lifecycle.QUEUED
        assert lifecycle.state_of(session, ids[1]) == lifecycle.RUNNING
        assert lifecycle.claim_job(session, ids[0], 30.0)
        assert session.get(Job, ids[0]).attempts == 2  # type: ignore[union-attr]


def test_cancel_running_job_only_requests(settings: Settings) -> None:
    ids, sessions = _jobs(settings, 2)
    with transaction(sessions) as session:  # type: ignore[arg-type]
        lifecycle.claim_job(session, ids[0], 30.0)
        lifecycle.cancel(session, ids[0])
        lifecycle.cancel(session, ids[1])
    with transaction(sessions) as session:  # type: ignore[arg-type]
        running, queued = session.get(Job, ids[0]), session.get(Job, ids[1])
        assert running is not None and queued is not None
        assert running.state == lifecycle.RUNNING and running.cancel_requested
        assert queued.state == lifecycle.CANCELLED


def test_release_hands_running_jobs_back(settings: Settings) -> None:
    ids, sessions = _jobs(settings, 2)
    with transaction(sessions) as session:  # type: ignore[arg-type]
        lifecycle.claim_job(session, ids[0], 30.0)
        lifecycle.release(session, ids)
    with transaction(sessions) as session:  # type: ignore[arg-type]
        assert [lifecycle.state_of(session, i) for i in ids] == ["queued", "queued"]


def test_own_running_jobs_are_not_reclaimed(settings: Settings) -> None:
    queue = (f"own-{uuid.uuid4().hex[:8]}",)
    ids, sessions = _jobs(settings, 1, queue[0])
    with transaction(sessions) as session:  # type: ignore[arg-type]
        lifecycle.claim_job(session, ids[0], 30.0)
        old = utcnow() - timedelta(seconds=60)
        session.execute(update(Job).where(Job.id == ids[0]).values(heartbeat_at=old))
    with transaction(sessions) as session:  # type: ignore[arg-type]
        assert lifecycle.claim_next(session, 30.0, queue, frozenset(ids)) is None
        assert lifecycle.claim_next(session, 30.0, queue) == ids[0]  # another process may


def test_a_job_lost_with_its_worker_again_and_again_fails_saying_so(settings: Settings) -> None:
    """Workers killed whole are not the job's fault (no crash is counted), but no job is
    claimed for ever: past MAX_ATTEMPTS the runner fails it instead of running it."""
    from sleeve.jobs.context import JobContext
    from sleeve.jobs.runner import run_job

    ids, sessions = _jobs(settings, 1)
    with transaction(sessions) as session:  # type: ignore[arg-type]
        session.execute(update(Job).where(Job.id == ids[0]).values(
            attempts=lifecycle.MAX_ATTEMPTS))
        assert lifecycle.claim_job(session, ids[0], 30.0)
    assert run_job(JobContext.from_settings(settings), ids[0]) == lifecycle.FAILED
    with transaction(sessions) as session:  # type: ignore[arg-type]
        job = session.get(Job, ids[0])
        assert job is not None and job.crashes == 0
        assert job.error == (f"gave up after {lifecycle.MAX_ATTEMPTS} attempts "
                             "(its worker was lost every time)")
