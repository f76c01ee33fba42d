"""A job's stage is a field the worker writes, not arithmetic on its progress: planning, then
for each cover artwork → typography → saving, and none once the job has ended."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import text

from sleeve.config import Settings
from sleeve.core.brief import Brief
from sleeve.db.engine import transaction
from sleeve.jobs import lifecycle
from sleeve.jobs.context import JobContext
from sleeve.jobs.runner import run_job
from sleeve.schemas.jobs import JobRequest
from sleeve.service import accounts, jobs
from sleeve.service.context import Services
from tests.service.fixtures import migrated_database

# SQLite logs every change of jobs.stage, in order: the test sees each write, however fast.
STAGE_LOG = (
    "CREATE TABLE stage_log (n INTEGER PRIMARY KEY AUTOINCREMENT, stage TEXT)",
    "CREATE TRIGGER log_stage AFTER UPDATE OF stage ON jobs WHEN new.stage IS NOT old.stage "
    "BEGIN INSERT INTO stage_log (stage) VALUES (new.stage); END",
)


def test_the_runner_writes_each_stage_and_the_api_reads_it(tmp_path: Path) -> None:
    url = next(migrated_database("sqlite", tmp_path))
    services = Services.from_settings(Settings(
        database_url=url, storage_url=f"file://{tmp_path / 'blobs'}"), run_workers=False)
    with transaction(services.sessions) as session:
        for statement in STAGE_LOG:
            session.execute(text(statement))
    user = accounts.sign_up(services, f"s{uuid.uuid4().hex[:10]}@example.com", "password123")
    request = JobRequest(brief=Brief(title="T", artist="A"), count=2, size=256, seed=1,
                         style="swiss")
    job, _ = jobs.create_job(services, user.id, request)
    assert job.stage is None  # queued: nothing is happening yet
    with transaction(services.sessions) as session:
        assert lifecycle.claim_job(session, job.id, 30.0)
    assert jobs.get_job(services, user.id, job.id).stage == "planning"

    ctx = JobContext(services.sessions, services.store, services.settings)
    assert run_job(ctx, job.id) == lifecycle.SUCCEEDED
    with transaction(services.sessions) as session:
        logged = list(session.scalars(text("SELECT stage FROM stage_log ORDER BY n")))
    assert logged == ["planning", *["artwork", "typography", "saving"] * 2, None]
    assert jobs.get_job(services, user.id, job.id).stage is None
