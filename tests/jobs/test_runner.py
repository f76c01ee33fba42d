"""The runner: cancel and timeout stop a job between covers; resume skips stored covers."""

from __future__ import annotations

import uuid

import pytest

from sleeve.config import Settings
from sleeve.core.brief import Brief
from sleeve.db.engine import transaction
from sleeve.db.models import Cover, Job
from sleeve.jobs import lifecycle
from sleeve.jobs.context import JobContext
from sleeve.jobs.runner import run_job
from sleeve.schemas.jobs import JobRequest
from sleeve.service import accounts, jobs
from sleeve.service.context import Services


@pytest.fixture
def services(settings: Settings) -> Services:
    return Services.from_settings(settings, run_workers=False)


def _claimed_job(services: Services, count: int = 2) -> str:
    user = accounts.sign_up(services, f"r{uuid.uuid4().hex[:10]}@example.com", "password123")
    request = JobRequest(brief=Brief(title="T", artist="A", genre="rock"), count=count,
                              size=256, seed=3, style="swiss")
    job, _ = jobs.create_job(services, user.id, request)
    with transaction(services.sessions) as session:
        assert lifecycle.claim_job(session, job.id, 30.0)
    return job.id


def _ctx(services: Services, **overrides: object) -> JobContext:
    return JobContext(services.sessions, services.store,
                      services.settings.model_copy(update=overrides))


def test_cancel_requested_stops_before_next_cover(services: Services) -> None:
    job_id = _claimed_job(services)
    with transaction(services.sessions) as session:
        lifecycle.cancel(session, job_id)
    assert run_job(_ctx(services), job_id) == lifecycle.CANCELLED
    with transaction(services.sessions) as session:
        job = session.get(Job, job_id)
        assert job is not None and job.error == "cancelled by the owner"


def test_timeout_fails_with_reason(services: Services) -> None:
    job_id = _claimed_job(services)
    assert run_job(_ctx(services, job_timeout_s=1e-6), job_id) == lifecycle.FAILED
    with transaction(services.sessions) as session:
        job = session.get(Job, job_id)
        assert job is not None and job.error is not None and "timed out" in job.error


def test_resume_renders_only_missing_covers(services: Services) -> None:
    job_id = _claimed_job(services, count=3)
    assert run_job(_ctx(services), job_id) == lifecycle.SUCCEEDED
    with transaction(services.sessions) as session:
        first = {c.position: c.id for c in session.query(Cover).filter(Cover.job_id == job_id)}
        session.delete(session.get(Cover, first[1]))
        job = session.get(Job, job_id)
        assert job is not None
        job.state = lifecycle.RUNNING  # as if the worker died after covers 0 and 2
    assert run_job(_ctx(services), job_id) == lifecycle.SUCCEEDED
    with transaction(services.sessions) as session:
        again = {c.position: c.id for c in session.query(Cover).filter(Cover.job_id == job_id)}
    assert again[0] == first[0] and again[2] == first[2] and again[1] != first[1]
