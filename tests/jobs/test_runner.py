"""The runner: cancel and timeout stop a job between covers and between a cover's render
stages; resume skips stored covers; what a killed attempt wrote is removed."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from sleeve.config import Settings
from sleeve.core.brief import Brief
from sleeve.db.engine import transaction
from sleeve.db.models import Cover, Job
from sleeve.jobs import lifecycle
from sleeve.jobs.context import JobContext
from sleeve.jobs.runner import cover_id_for, cover_prefix, master_key, run_job
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
        job.state = lifecycle.QUEUED  # as if the worker died after covers 0 and 2
    with transaction(services.sessions) as session:
        assert lifecycle.claim_job(session, job_id, 30.0)  # the next attempt
    assert run_job(_ctx(services), job_id) == lifecycle.SUCCEEDED
    with transaction(services.sessions) as session:
        again = {c.position: c.id for c in session.query(Cover).filter(Cover.job_id == job_id)}
    assert again[0] == first[0] and again[2] == first[2] and again[1] != first[1]


def _blob_files(services: Services) -> list[str]:
    root = Path(services.store.root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_cancel_stops_the_cover_being_rendered(services: Services) -> None:
    """A cancel that arrives while a cover renders stops it at the next render stage: nothing
    of it is stored."""
    job_id = _claimed_job(services, count=1)
    stages: list[str] = []

    def cancel_during_render(stage: str) -> None:
        stages.append(stage)
        with transaction(services.sessions) as session:
            lifecycle.cancel(session, job_id)

    before = _blob_files(services)
    assert run_job(_ctx(services), job_id,
                   between_stages=cancel_during_render) == lifecycle.CANCELLED
    assert stages == ["artwork"]  # stopped after the artwork, before the typography
    with transaction(services.sessions) as session:
        assert session.query(Cover).filter(Cover.job_id == job_id).count() == 0
    assert _blob_files(services) == before


def test_timeout_stops_the_cover_being_rendered(services: Services) -> None:
    job_id = _claimed_job(services, count=1)
    limit = 2.0
    stages: list[str] = []

    def slow_stage(stage: str) -> None:
        stages.append(stage)
        time.sleep(limit)  # the render outlives the job's time limit within this cover

    assert run_job(_ctx(services, job_timeout_s=limit), job_id,
                   between_stages=slow_stage) == lifecycle.FAILED
    assert stages == ["artwork"]
    with transaction(services.sessions) as session:
        job = session.get(Job, job_id)
        assert job is not None and job.error == f"timed out after {limit:g} s"
        assert session.query(Cover).filter(Cover.job_id == job_id).count() == 0


def test_blobs_of_a_killed_attempt_are_removed(services: Services) -> None:
    """An attempt killed after writing a cover's blobs but before recording it (here: its
    blobs written by hand under the id that attempt's cover had) leaves nothing behind once the
    job ends, and the next attempt's cover is the one kept."""
    job_id = _claimed_job(services, count=1)
    with transaction(services.sessions) as session:
        job = session.get(Job, job_id)
        assert job is not None
        job.state = lifecycle.QUEUED  # the first attempt's worker died
    lost = cover_id_for(job_id, 0, 1)
    services.store.put(master_key(lost), b"half a cover")
    services.store.put(f"{cover_prefix(lost)}.master.jpg.x.part", b"cut short")
    with transaction(services.sessions) as session:
        assert lifecycle.claim_job(session, job_id, 30.0)
    assert run_job(_ctx(services), job_id) == lifecycle.SUCCEEDED
    with transaction(services.sessions) as session:
        [cover] = session.query(Cover).filter(Cover.job_id == job_id).all()
    assert cover.id == cover_id_for(job_id, 0, 2)
    assert not services.store.exists(cover_prefix(lost))
    assert services.store.exists(cover.blob_key)
