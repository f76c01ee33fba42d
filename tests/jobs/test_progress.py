"""Finer progress: a job's bar moves within a cover (per render stage), only ever grows, and
reaches 100 only when the job succeeds."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from sleeve.jobs.runner import STAGE_SHARE, percent
from sleeve.pipeline import render_plan
from tests.render.conftest import build_plan
from tests.service.fixtures import job_body, new_user, wait_for_job

_SQLITE_LOG = (
    "CREATE TABLE progress_log (n INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT, value INTEGER)",
    "CREATE TRIGGER log_progress AFTER UPDATE OF progress ON jobs "
    "WHEN OLD.progress IS NOT NEW.progress "
    "BEGIN INSERT INTO progress_log (job_id, value) VALUES (NEW.id, NEW.progress); END",
)
_POSTGRES_LOG = (
    "CREATE TABLE progress_log (n SERIAL PRIMARY KEY, job_id TEXT, value INTEGER)",
    "CREATE FUNCTION log_progress() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO progress_log (job_id, value) VALUES (NEW.id, NEW.progress); RETURN NEW; END $$",
    "CREATE TRIGGER log_progress AFTER UPDATE OF progress ON jobs FOR EACH ROW "
    "WHEN (OLD.progress IS DISTINCT FROM NEW.progress) EXECUTE FUNCTION log_progress()",
)


@pytest.fixture
def logged_database(own_database: str) -> Iterator[str]:
    """This test's own database, where the database itself logs every value a job's progress
    takes (a trigger): nothing a poll could miss, however fast the worker."""
    engine = create_engine(own_database)
    with engine.begin() as conn:
        for statement in _SQLITE_LOG if engine.dialect.name == "sqlite" else _POSTGRES_LOG:
            conn.exec_driver_sql(statement)
    yield own_database
    engine.dispose()


def _history(url: str, job_id: str) -> list[int]:
    """Every progress value the job took, in order, from 0 (as stored at creation)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            values = conn.execute(text("SELECT value FROM progress_log WHERE job_id = :id "
                                       "ORDER BY n"), {"id": job_id}).scalars().all()
    finally:
        engine.dispose()
    return [0, *values]


def test_running_job_reports_progress_within_a_cover(
        make_client: Callable[..., TestClient], logged_database: str) -> None:
    # One large cover: whole-cover progress could only ever show 0 then 100.
    client = make_client(database_url=logged_database)
    auth = new_user(client)
    job = client.post("/v1/jobs", json=job_body(count=1, size=2048), headers=auth).json()
    assert wait_for_job(client, job["id"], auth, timeout=120)["state"] == "succeeded"
    seen = _history(logged_database, job["id"])
    assert seen == sorted(seen), seen
    assert seen[-1] == 100 and seen.count(100) == 1
    stages = {percent(share, 1) for share in STAGE_SHARE.values()}
    within = {p for p in seen if 0 < p < 100}
    # Every stage of the cover moved the bar, in order.
    assert stages <= within, f"no progress inside the cover: {seen}"
    # 99: the cover is stored; 100 waits for the job's successful finish.
    assert within <= stages | {99}, seen


def test_stage_progress_sits_between_whole_covers() -> None:
    # Three covers: stage values are never multiples of a cover's share and never reach 100.
    values = [percent(done + share, 3) for done in range(3) for share in STAGE_SHARE.values()]
    assert values == sorted(values) and max(values) < 100
    assert not set(values) & {percent(done, 3) for done in range(4)}


def test_on_stage_reports_in_order_and_leaves_the_cover_unchanged() -> None:
    plan = build_plan(style="swiss")
    stages: list[str] = []
    watched = render_plan(plan, 5, size=256, on_stage=stages.append)
    plain = render_plan(plan, 5, size=256)
    assert stages == ["artwork", "typography"]
    assert watched.image.tobytes() == plain.image.tobytes()
    stages.clear()
    render_plan(plan, 5, size=256, text=False, on_stage=stages.append)
    assert stages == ["artwork"]
