"""A job's stage is a field the worker writes, not arithmetic on its progress: planning, then
for each cover artwork → typography → saving, and none once the job has ended."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

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


def test_the_migration_gives_running_jobs_a_stage(tmp_path: Path) -> None:
    from alembic import command

    from sleeve.db.migrate import alembic_config, upgrade_database

    url = next(migrated_database("sqlite", tmp_path))
    settings = Settings(database_url=url, storage_url=f"file://{tmp_path / 'blobs'}")
    services = Services.from_settings(settings, run_workers=False)
    user = accounts.sign_up(services, f"m{uuid.uuid4().hex[:10]}@example.com", "password123")
    ids = [jobs.create_job(services, user.id, JobRequest(
        brief=Brief(title="T", artist="A"), count=2, size=256))[0].id for _ in range(4)]
    command.downgrade(alembic_config(url), "0007_roles_workers")
    rows = {  # (state, kind, progress) before the migration → the stage it must give
        ids[0]: (("running", "covers", 0), "planning"),
        ids[1]: (("running", "covers", 40), "artwork"),
        ids[2]: (("running", "motion", 10), "frames"),
        ids[3]: (("succeeded", "covers", 100), None),
    }
    engine = create_engine(url)
    with engine.begin() as connection:
        for job_id, ((state, kind, progress), _stage) in rows.items():
            connection.execute(text("UPDATE jobs SET state = :s, kind = :k, progress = :p "
                                    "WHERE id = :id"),
                               {"s": state, "k": kind, "p": progress, "id": job_id})
    upgrade_database(settings)
    with engine.begin() as connection:
        stages = dict(connection.execute(text("SELECT id, stage FROM jobs")).all())
    engine.dispose()
    assert stages == {job_id: stage for job_id, (_before, stage) in rows.items()}
