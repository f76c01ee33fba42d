"""Scheduled tasks: claimed once per occurrence across schedulers, recorded as runs."""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sleeve.config import Settings
from sleeve.db.engine import transaction
from sleeve.db.models import Report, Run
from sleeve.jobs.context import JobContext
from sleeve.jobs.runs import RunRecord
from sleeve.jobs.schedule import (
    EmbeddedScheduler,
    ScheduledTask,
    latest_slot,
    run_scheduled,
    scheduled_tasks,
)
from tests.service.fixtures import require_redis


def every_second(ctx: JobContext, run: RunRecord, slot: datetime) -> None:
    time.sleep(0.2)  # long enough that both schedulers are inside the same occurrence
    run.details["slot"] = slot.isoformat()


def broken(ctx: JobContext, run: RunRecord, slot: datetime) -> None:
    raise RuntimeError("the model registry is unreachable")


def _runs(ctx: JobContext, kind: str) -> list[Run]:
    with transaction(ctx.sessions) as session:
        return list(session.scalars(select(Run).where(Run.kind == kind)))


def test_two_schedulers_on_one_database_run_each_occurrence_once(
        settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    kind = f"tick-{uuid.uuid4().hex[:6]}"
    task = ScheduledTask(kind, "* * * * *", f"{__name__}:every_second", second="*")
    # Two server processes: each has its own engine and its own scheduler thread.
    first = EmbeddedScheduler(JobContext.from_settings(settings), [task])
    second = EmbeddedScheduler(JobContext.from_settings(settings), [task])
    caplog.set_level(logging.INFO, logger="sleeve.schedule")
    first.start()
    second.start()
    try:
        time.sleep(3.2)
    finally:
        first.stop()
        second.stop()
    runs = _runs(first.ctx, kind)
    slots = Counter(r.slot for r in runs)
    assert len(slots) >= 2
    assert max(slots.values()) == 1, slots
    assert {r.outcome for r in runs} == {"succeeded"}
    assert all(r.trigger == "schedule" and r.finished_at for r in runs)
    assert "is run by another process" in caplog.text


def test_a_failing_task_is_recorded_and_the_next_runs(settings: Settings) -> None:
    kind = f"broken-{uuid.uuid4().hex[:6]}"
    ctx = JobContext.from_settings(settings)
    task = ScheduledTask(kind, "0 * * * *", f"{__name__}:broken")
    at = datetime(2026, 5, 4, 10, 0, 3, tzinfo=UTC)
    assert latest_slot(task, at) == datetime(2026, 5, 4, 10, tzinfo=UTC)
    assert latest_slot(task, at + timedelta(hours=1, minutes=-1)) == datetime(
        2026, 5, 4, 10, tzinfo=UTC)
    assert run_scheduled(ctx, task, "schedule", now=at) is not None
    assert run_scheduled(ctx, task, "schedule", now=at) is None  # the same occurrence: skipped
    assert run_scheduled(ctx, task, "schedule", now=at + timedelta(hours=1)) is not None
    runs = _runs(ctx, kind)
    assert [r.outcome for r in runs] == ["failed", "failed"]
    assert runs[0].details["error"] == "RuntimeError: the model registry is unreachable"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_weekly_report_is_the_first_scheduled_task(settings: Settings) -> None:
    ctx = JobContext.from_settings(settings.model_copy(update={"report_cron": "0 8 * * mon"}))
    weekly = scheduled_tasks(ctx.settings)[0]
    assert weekly.name == "weekly-report"
    monday = datetime(2019, 6, 3, 8, 0, 5, tzinfo=UTC)
    run_id = run_scheduled(ctx, weekly, "schedule", now=monday)
    assert run_id is not None
    with transaction(ctx.sessions) as session:
        run = session.get(Run, run_id)
        assert run is not None and run.outcome == "succeeded" and run.kind == "weekly-report"
        report = session.get(Report, run.details["report_id"])
        assert report is not None and report.run_id == run_id
        assert report.until == monday.replace(second=0)
        assert report.since == report.until - timedelta(days=7)
    assert ctx.store.exists(report.html_key)
    assert run.details["slack"] == "off"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_celery_beat_runs_the_same_tasks(settings: Settings) -> None:
    from celery.contrib.testing.worker import start_worker

    from sleeve.jobs.celery_app import SCHEDULED_TASK_NAME, make_celery, queue_name

    broker = require_redis()
    beat = settings.model_copy(update={
        "queue": "celery", "broker_url": broker, "report_cron": "* * * * *",
        "celery_queue_prefix": f"sleeve-test-{uuid.uuid4().hex[:8]}-"})
    app = make_celery(beat)
    entry = app.conf.beat_schedule["weekly-report"]
    assert entry["task"] == SCHEDULED_TASK_NAME and entry["args"] == ["weekly-report"]
    assert entry["options"]["queue"] == queue_name(beat, "cpu")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10,
                      queues=[queue_name(beat, "cpu")]):
        result = app.send_task(SCHEDULED_TASK_NAME, args=["weekly-report"],
                               queue=queue_name(beat, "cpu"))
        run_id = result.get(timeout=60)
    ctx = JobContext.from_settings(beat)
    with transaction(ctx.sessions) as session:
        run = session.get(Run, run_id)
        assert run is not None and run.trigger == "beat" and run.outcome == "succeeded"


def test_sleeve_serve_runs_the_schedule_unless_celery_beat_does(settings: Settings) -> None:
    from sleeve.api.server import embedded_scheduler

    scheduler = embedded_scheduler(settings)
    assert scheduler is not None and [t.name for t in scheduler.tasks] == [
        "weekly-report", "weekly-retrain", "rating-drop-check"]
    assert embedded_scheduler(settings.model_copy(update={"queue": "celery"})) is None
    assert embedded_scheduler(settings.model_copy(update={"scheduler_enabled": False})) is None
