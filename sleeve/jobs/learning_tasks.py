"""The learning loop's scheduled tasks, as plain functions of a ``JobContext``.

The scheduler (``sleeve.jobs.schedule``: APScheduler inside ``sleeve serve`` with a database
lock, Celery beat in the scale-out deployment) calls them and records each run:

- ``weekly_retrain(ctx)``: judge the LoRA canary; retrain the style policy (promoted only
  behind its off-policy gate); train a new LoRA candidate unless a canary is still running.
- ``rating_drop_check(ctx, notify)``: daily; when the mean rating of the last
  ``drop_recent_days`` fell by ``drop_threshold`` or more against the ``drop_baseline_days``
  before, with ``drop_min_ratings`` in each window, retrain now and send an alert.

Both return a JSON-able dict: what ran, what it promoted, and why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select

from sleeve.db.engine import transaction
from sleeve.db.models import Review
from sleeve.db.types import utcnow
from sleeve.jobs.canary import canary_check
from sleeve.jobs.context import JobContext
from sleeve.jobs.retrain import retrain_policy
from sleeve.jobs.training_requests import request_lora_training
from sleeve.learn.trigger import DropCheck, DropThresholds, rating_drop

log = logging.getLogger("sleeve.jobs")
SCHEDULE = "schedule"

Notifier = Callable[[str], None]  # e.g. the report's Slack sender; called with one message


def retrain_all(ctx: JobContext, reason: str, actor: str = SCHEDULE) -> dict[str, Any]:
    canary = canary_check(ctx)
    policy = retrain_policy(ctx, reason=reason, actor=actor)
    if canary["outcome"] == "continue":
        lora: dict[str, Any] = {"kind": "lora", "outcome": "skipped",
                                "reason": "a LoRA canary is still running"}
    else:
        lora = request_lora_training(ctx, actor=actor, reason=reason).as_dict()
    promoted = [r["model_id"] for r in (policy.as_dict(), lora) if r["outcome"] == "promoted"]
    if canary["outcome"] == "promote":
        promoted.append(canary["model_id"])
    return {"policy": policy.as_dict(), "lora": lora, "canary": canary, "promoted": promoted}


def weekly_retrain(ctx: JobContext) -> dict[str, Any]:
    return {"task": "weekly_retrain", **retrain_all(ctx, "weekly retrain")}


def thresholds(ctx: JobContext) -> DropThresholds:
    s = ctx.settings
    return DropThresholds(drop=s.drop_threshold, min_ratings=s.drop_min_ratings,
                          recent_days=s.drop_recent_days, baseline_days=s.drop_baseline_days)


def _ratings(ctx: JobContext, since: datetime, until: datetime) -> list[float]:
    with transaction(ctx.sessions) as session:
        return [float(r) for r in session.scalars(
            select(Review.rating).where(Review.updated_at >= since, Review.updated_at < until))]


def drop_check(ctx: JobContext, now: datetime | None = None) -> DropCheck:
    """The last ``recent_days`` of ratings against the ``baseline_days`` before them."""
    now = now or utcnow()
    limits = thresholds(ctx)
    split = now - timedelta(days=limits.recent_days)
    return rating_drop(_ratings(ctx, split, now),
                       _ratings(ctx, split - timedelta(days=limits.baseline_days), split),
                       limits)


def rating_drop_check(ctx: JobContext, notify: Notifier | None = None,
                      now: datetime | None = None) -> dict[str, Any]:
    limits = thresholds(ctx)
    check = drop_check(ctx, now)
    result: dict[str, Any] = {"task": "rating_drop_check", "check": check.as_dict(),
                              "promoted": []}
    if not check.triggered:
        return result
    assert check.recent_mean is not None and check.baseline_mean is not None
    message = (f"Sleeve: mean rating fell to {check.recent_mean:.2f} over the last "
               f"{limits.recent_days} days from {check.baseline_mean:.2f} over the "
               f"{limits.baseline_days} before ({check.recent_n} and {check.baseline_n} "
               f"ratings); retraining now.")
    result.update(retrain_all(ctx, "rating drop"))
    result["alert"] = message
    if notify is None:
        log.warning(message)
    else:
        notify(message)
    return result


class RunDetails(Protocol):
    """The scheduler's record of a run in progress (``sleeve.jobs.runs.RunRecord``): what a
    task puts in ``details`` is stored with the run."""

    details: dict[str, Any]


def scheduled_weekly_retrain(ctx: JobContext, run: RunDetails, slot: datetime) -> None:
    """``weekly_retrain`` in the scheduler's action shape ``(ctx, run, slot)``."""
    run.details.update(weekly_retrain(ctx))


def slack_notifier(ctx: JobContext) -> Notifier | None:
    """Alerts to the report's Slack webhook when one is configured; else none (logged only)."""
    webhook = ctx.settings.slack_webhook_url
    if webhook is None:
        return None
    from sleeve.report.slack import post

    url = webhook.get_secret_value()

    def notify(text: str) -> None:
        outcome = post(url, text, [{"type": "section",
                                    "text": {"type": "mrkdwn", "text": text}}])
        log.info("rating-drop alert to Slack", extra={"outcome": outcome})

    return notify


def scheduled_rating_drop_check(ctx: JobContext, run: RunDetails, slot: datetime,
                                notify: Notifier | None = None) -> None:
    """``rating_drop_check`` at the scheduled time, in the scheduler's action shape; the alert
    goes to Slack when a webhook is configured."""
    run.details.update(rating_drop_check(ctx, notify or slack_notifier(ctx), now=slot))
