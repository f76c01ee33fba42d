"""Fixtures for the learning loop: an admin, a registry cleaned after each test, and rated
covers written straight into the database (the simulation goes through the API instead)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from sleeve.config import Settings
from sleeve.db.engine import SessionFactory, make_engine, make_session_factory, transaction
from sleeve.db.models import BriefRow, Cover, Job, ModelEvent, ModelVersion, Review
from sleeve.db.types import new_id, utcnow
from sleeve.jobs.context import JobContext
from sleeve.service import accounts
from sleeve.service.context import Services
from tests.service.fixtures import new_admin, new_user

PASSWORD = "correct horse battery"


def admin_email_of(client: TestClient, headers: dict[str, str]) -> str:
    return str(client.get("/v1/me", headers=headers).json()["email"])


@pytest.fixture
def sessions(settings: Settings) -> SessionFactory:
    return make_session_factory(make_engine(settings.database_url))


@pytest.fixture(autouse=True)
def clean_registry(settings: Settings) -> Iterator[None]:
    """Versions a test registers are removed after it: a promoted policy or LoRA left in the
    session's shared database would steer every later test's jobs."""
    factory = make_session_factory(make_engine(settings.database_url))
    with transaction(factory) as session:
        before = set(session.scalars(select(ModelVersion.id)))
    yield
    with transaction(factory) as session:
        made = set(session.scalars(select(ModelVersion.id))) - before
        if made:
            session.execute(update(Cover).where(Cover.model_version_id.in_(made))
                            .values(model_version_id=None))
            session.execute(delete(ModelEvent).where(ModelEvent.model_version_id.in_(made)))
            session.execute(delete(ModelVersion).where(ModelVersion.id.in_(made)))


@pytest.fixture
def ctx(make_settings: Callable[..., Settings]) -> JobContext:
    return JobContext.from_settings(make_settings())


@dataclass
class CoverFactory:
    """Writes covers (with a choice log, an engine, a model version), each with its owner's
    rating."""

    sessions: SessionFactory
    user_id: str
    job_id: str
    brief_id: str
    position: int = 0

    def cover(self, *, style: str = "aurora", family: str = "jazz", mood: str = "reflective",
              propensity: float = 0.1, fixed: bool = False, engine: str = "procedural",
              model_version_id: str | None = None, rating: int | None = None,
              rated_at: datetime | None = None, plan: dict[str, Any] | None = None) -> str:
        choice = {
            "policy_id": None, "policy_version": "fixed" if fixed else "table",
            "bucket": {"genre_family": family, "mood": mood},
            "action": {"style": style, "palette_family": family},
            "propensity": 1.0 if fixed else propensity, "fixed": fixed,
        }
        cover_id = new_id()
        when = rated_at or utcnow()
        with transaction(self.sessions) as session:
            session.add(Cover(
                id=cover_id, user_id=self.user_id, job_id=self.job_id, brief_id=self.brief_id,
                position=self.position, engine=engine, style=style, genre=family, seed=1,
                size=256, plan=plan or {"title": "T", "artist": "A"},
                blob_key=f"covers/{cover_id}/master.jpg", digest="0" * 64,
                model_version_id=model_version_id, choice=choice, created_at=when,
                rating_avg=float(rating or 0), rating_count=0 if rating is None else 1,
            ))
            session.flush()
            if rating is not None:
                session.add(Review(cover_id=cover_id, user_id=self.user_id, rating=rating,
                                   comment="", created_at=when, updated_at=when))
        self.position += 1
        return cover_id


@pytest.fixture
def covers(settings: Settings, sessions: SessionFactory) -> Iterator[CoverFactory]:
    """Covers written for one test and removed after it: their ratings (some dated years
    ahead) would otherwise count in a later test's windows."""
    services = Services.from_settings(settings, run_workers=False)
    user = accounts.sign_up(services, f"r{uuid.uuid4().hex[:10]}@example.com", PASSWORD)
    now = utcnow()
    with transaction(sessions) as session:
        brief = BriefRow(id=new_id(), user_id=user.id, title="T", artist="A", digest="0" * 64,
                         created_at=now)
        session.add(brief)
        session.flush()
        job = Job(id=new_id(), user_id=user.id, brief_id=brief.id, state="succeeded",
                  count=1, engine="procedural", seed=1, size=256, created_at=now)
        session.add(job)
    yield CoverFactory(sessions, user.id, job.id, brief.id)
    with transaction(sessions) as session:
        mine = select(Cover.id).where(Cover.job_id == job.id)
        session.execute(delete(Review).where(Review.cover_id.in_(mine)))
        session.execute(delete(Cover).where(Cover.job_id == job.id))


__all__ = ["CoverFactory", "admin_email_of", "new_admin", "new_user"]
