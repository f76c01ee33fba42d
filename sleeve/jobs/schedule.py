"""Scheduled tasks: the weekly report now; the weekly retrain and daily rating check later.

One list, ``scheduled_tasks``, feeds both runners: the embedded scheduler inside
``sleeve serve`` (APScheduler) and Celery beat (``beat_schedule`` in ``celery_app``). Adding a
task is one line there. Each firing is claimed in the database before it runs: the ``runs``
row for (task, scheduled time) is unique, so when several server processes (or a beat and a
server) share one database, exactly one of them runs each occurrence and the others skip it.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from sleeve.config import Settings
from sleeve.jobs.context import JobContext
from sleeve.jobs.runs import FAILED, SUCCEEDED, RunRecord, Trigger, finish_run, start_run

log = logging.getLogger("sleeve.schedule")
TaskAction = Callable[[JobContext, RunRecord, datetime], None]
# A firing later than this after its time (server down, queue backlog) is skipped, not run late.
MISFIRE_GRACE = timedelta(hours=1)


@dataclass(frozen=True)
class ScheduledTask:
    name: str  # also the run's kind
    cron: str  # minute hour day-of-month month day-of-week, UTC ("0 8 * * mon")
    action: str  # "module:function" taking (ctx, run, slot time); imported when it fires
    second: str = "0"  # finer than crontab, for tests

    def trigger(self) -> CronTrigger:
        minute, hour, day, month, day_of_week = _fields(self.cron)
        return CronTrigger(second=self.second, minute=minute, hour=hour, day=day, month=month,
                           day_of_week=day_of_week, timezone=UTC)


def _fields(cron: str) -> list[str]:
    fields = cron.split()
    if len(fields) != 5:
        raise ValueError(f"a schedule needs 5 crontab fields, got {cron!r}")
    return fields


def scheduled_tasks(settings: Settings) -> tuple[ScheduledTask, ...]:
    return (
        ScheduledTask("weekly-report", settings.report_cron, "sleeve.jobs.reports:scheduled"),
        ScheduledTask("weekly-retrain", settings.retrain_cron,
                      "sleeve.jobs.learning_tasks:scheduled_weekly_retrain"),
        ScheduledTask("rating-drop-check", settings.drop_check_cron,
                      "sleeve.jobs.learning_tasks:scheduled_rating_drop_check"),
    )


def latest_slot(task: ScheduledTask, now: datetime) -> datetime | None:
    """The most recent time the task was due, within the misfire grace; else ``None``."""
    trigger = task.trigger()
    found: datetime | None = None
    fire = trigger.get_next_fire_time(None, now - MISFIRE_GRACE)
    while fire is not None and fire <= now:
        found = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return found


def _action(task: ScheduledTask) -> TaskAction:
    module, _, name = task.action.partition(":")
    action: TaskAction = getattr(importlib.import_module(module), name)
    return action


def run_scheduled(ctx: JobContext, task: ScheduledTask, trigger: Trigger,
                  now: datetime | None = None) -> str | None:
    """Runs the occurrence due now, unless another process has claimed it; the run's id."""
    slot = latest_slot(task, now or datetime.now(UTC))
    if slot is None:
        log.warning("%s fired outside its schedule; skipped", task.name)
        return None
    record = start_run(ctx.sessions, task.name, slot.isoformat(), trigger)
    if record is None:
        log.info("%s at %s is run by another process", task.name, slot.isoformat())
        return None
    try:
        _action(task)(ctx, record, slot)
    except Exception as exc:  # recorded; the scheduler keeps going
        log.exception("%s failed", task.name)
        record.details.setdefault("error", f"{type(exc).__name__}: {exc}")
        finish_run(ctx.sessions, record, FAILED)
    else:
        finish_run(ctx.sessions, record, SUCCEEDED)
    return record.id


class EmbeddedScheduler:
    """Runs the scheduled tasks in a background thread of this process (``sleeve serve``)."""

    def __init__(self, ctx: JobContext, tasks: Sequence[ScheduledTask]) -> None:
        self.ctx = ctx
        self.tasks = tuple(tasks)
        self._scheduler = BackgroundScheduler(timezone=UTC)
        for task in self.tasks:
            self._scheduler.add_job(
                self._fire, task.trigger(), args=[task], id=task.name, name=task.name,
                coalesce=True,
                max_instances=1, misfire_grace_time=int(MISFIRE_GRACE.total_seconds()))

    def _fire(self, task: ScheduledTask) -> None:
        try:
            run_scheduled(self.ctx, task, "schedule")
        except Exception:  # e.g. the database is down: try again at the next occurrence
            log.exception("could not run %s", task.name)

    def start(self) -> None:
        self._scheduler.start()
        log.info("schedule started", extra={"next_runs": {
            name: when.isoformat() for name, when in self.next_runs().items() if when}})

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    def next_runs(self) -> dict[str, Any]:
        return {job.id: job.next_run_time for job in self._scheduler.get_jobs()}
