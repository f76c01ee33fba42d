"""Use cases without HTTP: one transaction per write, idempotency, ownership."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select

from sleeve.config import Settings
from sleeve.core.brief import Brief
from sleeve.db.engine import transaction
from sleeve.db.models import BriefRow, Job
from sleeve.schemas.jobs import JobRequest
from sleeve.service import accounts, jobs
from sleeve.service.context import Services
from sleeve.service.errors import Conflict, NotFound, RateLimited


@pytest.fixture
def services(settings: Settings) -> Services:
    return Services.from_settings(settings.model_copy(update={"rate_limit_jobs_per_minute": 3}),
                                  run_workers=False)


def _user(services: Services) -> str:
    return accounts.sign_up(services, f"s{uuid.uuid4().hex[:10]}@example.com", "password123").id


def _request(count: int = 1) -> JobRequest:
    return JobRequest(brief=Brief(title="T", artist="A"), count=count, size=256)


def test_failed_create_writes_nothing(services: Services) -> None:
    user = _user(services)
    for _ in range(3):
        jobs.create_job(services, user, _request())
    with pytest.raises(RateLimited) as limited:
        jobs.create_job(services, user, _request())
    assert 1 <= limited.value.retry_after_s <= 60
    with transaction(services.sessions) as session:
        briefs = session.scalar(select(func.count()).where(BriefRow.user_id == user))
        made = session.scalar(select(func.count()).where(Job.user_id == user))
    assert briefs == made == 3  # the refused job left no brief behind


def test_rate_limit_holds_under_concurrent_requests(settings: Settings) -> None:
    """Two replicas (each its own engine, pool and in-process lock) take simultaneous
    requests from one user: exactly the limit get through, the rest are refused."""
    limit, per_replica = 3, 6
    limited = settings.model_copy(update={"rate_limit_jobs_per_minute": limit})
    replicas = [Services.from_settings(limited, run_workers=False) for _ in range(2)]
    user = _user(replicas[0])
    start = threading.Barrier(2 * per_replica)
    outcomes: list[str] = []

    def post(services: Services) -> None:
        start.wait()
        try:
            jobs.create_job(services, user, _request())
            outcomes.append("created")
        except RateLimited:
            outcomes.append("limited")

    threads = [threading.Thread(target=post, args=(services,))
               for services in replicas for _ in range(per_replica)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["created"] * limit + ["limited"] * (2 * per_replica - limit)
    with transaction(replicas[0].sessions) as session:
        assert session.scalar(select(func.count()).where(Job.user_id == user)) == limit


def test_idempotent_create(services: Services) -> None:
    user = _user(services)
    first, created = jobs.create_job(services, user, _request(), "key-1")
    again, created_again = jobs.create_job(services, user, _request(), "key-1")
    assert created and not created_again and first.id == again.id
    with pytest.raises(Conflict):
        jobs.create_job(services, user, _request(count=2), "key-1")


def test_ownership(services: Services) -> None:
    owner, other = _user(services), _user(services)
    job, _ = jobs.create_job(services, owner, _request())
    with pytest.raises(NotFound):
        jobs.get_job(services, other, job.id)
    with pytest.raises(NotFound):
        jobs.cancel_job(services, other, job.id)
    assert jobs.cancel_job(services, owner, job.id).state == "cancelled"
