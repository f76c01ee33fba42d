"""A job with LLM art direction configured: the LLM can improve plans, never fail the job."""

from __future__ import annotations

import uuid

import pytest

from sleeve.config import Settings
from sleeve.core.brief import Brief
from sleeve.db.engine import transaction
from sleeve.db.models import Cover
from sleeve.jobs import lifecycle
from sleeve.jobs.context import JobContext
from sleeve.jobs.runner import run_job
from sleeve.schemas.jobs import JobRequest
from sleeve.service import accounts, jobs
from sleeve.service.context import Services
from tests.llm.conftest import FakeLLM, fake_llm  # noqa: F401 - fixture


@pytest.fixture
def services(settings: Settings) -> Services:
    return Services.from_settings(settings, run_workers=False)


def _run_one_job(services: Services, llm_url: str, title: str) -> tuple[str | None, list[Cover]]:
    user = accounts.sign_up(services, f"l{uuid.uuid4().hex[:10]}@example.com", "password123")
    # A unique title per test keeps the LLM cache (keyed by brief) from answering for the server.
    request = JobRequest(
        brief=Brief(title=title, artist="Luna Vale", genre="ballad"), count=2, size=256, seed=5
    )
    job, _ = jobs.create_job(services, user.id, request)
    with transaction(services.sessions) as session:
        assert lifecycle.claim_job(session, job.id, 30.0)
    settings = services.settings.model_copy(
        update={"llm_url": llm_url, "llm_timeout_s": 2.0, "llm_retries": 0}
    )
    state = run_job(JobContext(services.sessions, services.store, settings), job.id)
    with transaction(services.sessions) as session:
        covers = list(session.query(Cover).filter(Cover.job_id == job.id))
        session.expunge_all()
    return state, covers


def test_llm_answer_shapes_the_stored_plans(services: Services, fake_llm: FakeLLM) -> None:  # noqa: F811
    state, covers = _run_one_job(services, fake_llm.url, f"Rain {uuid.uuid4().hex[:6]}")
    assert state == lifecycle.SUCCEEDED and len(covers) == 2
    assert len(fake_llm.requests) == 1  # one call per brief, not per cover
    assert all(c.plan["art_direction_source"] == "llm" for c in covers)
    assert all(
        c.plan["concept"] == "waiting in the rain for someone who will not come" for c in covers
    )


def test_llm_failure_falls_back_and_is_recorded(services: Services, fake_llm: FakeLLM) -> None:  # noqa: F811
    fake_llm.mode = "error"
    state, covers = _run_one_job(services, fake_llm.url, f"Snow {uuid.uuid4().hex[:6]}")
    assert state == lifecycle.SUCCEEDED and len(covers) == 2
    assert fake_llm.requests  # the LLM was asked
    for cover in covers:
        assert cover.plan["art_direction_source"] == "local"
        assert "fallback" in cover.plan["art_direction_note"]
