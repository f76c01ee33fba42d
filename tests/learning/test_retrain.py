"""Policy retraining behind the off-policy gate, the LoRA canary's verdicts and the scheduled
tasks, on ratings written straight into the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy import select

from sleeve.core.styles import STYLE_NAMES
from sleeve.db.engine import SessionFactory, transaction
from sleeve.db.models import ModelEvent, ModelVersion
from sleeve.db.types import utcnow
from sleeve.jobs import registry
from sleeve.jobs.canary import canary_check
from sleeve.jobs.context import JobContext
from sleeve.jobs.learning_tasks import rating_drop_check, weekly_retrain
from sleeve.jobs.policies import current_policy
from sleeve.jobs.retrain import logged_ratings, retrain_policy
from tests.learning.conftest import CoverFactory

# A bucket no other test rates, so logs from other tests do not matter here.
FAMILY, MOOD = "trot", "serene"


def _log_table_policy(covers: CoverFactory, ctx: JobContext, n: int, loved: str,
                      seed: int = 0, mood: str = MOOD) -> None:
    """``n`` ratings of covers the table policy chose: ``loved`` gets 5, the rest 2."""
    _, table = current_policy(ctx)
    p = table.probabilities(FAMILY, mood)
    rng = np.random.default_rng(seed)
    for _ in range(n):
        a = int(rng.choice(len(p), p=p))
        style = STYLE_NAMES[a]
        covers.cover(style=style, family=FAMILY, mood=mood, propensity=float(p[a]),
                     rating=5 if style == loved else 2)


def _events(sessions: SessionFactory, model_id: str) -> list[tuple[str, str, dict]]:
    with transaction(sessions) as session:
        return [(e.action, e.reason, e.metrics) for e in session.scalars(
            select(ModelEvent).where(ModelEvent.model_version_id == model_id)
            .order_by(ModelEvent.created_at))]


def test_fixed_styles_and_diffusion_covers_are_left_out_of_learning(
    covers: CoverFactory, ctx: JobContext,
) -> None:
    covers.cover(style="riso", family=FAMILY, mood="bright", fixed=True, rating=5)
    covers.cover(style="riso", family=FAMILY, mood="bright", engine="diffusion", rating=1)
    covers.cover(style="riso", family=FAMILY, mood="bright", propensity=0.2, rating=4)
    mine = [log for log in logged_ratings(ctx) if log.mood == "bright" and log.family == FAMILY]
    assert [(log.style, log.propensity, log.rating) for log in mine] == [("riso", 0.2, 4.0)]


def test_a_better_policy_passes_the_gate_and_is_promoted(
    covers: CoverFactory, ctx: JobContext, sessions: SessionFactory,
) -> None:
    _log_table_policy(covers, ctx, 300, loved="nebula")
    result = retrain_policy(ctx, actor="ops@example.com")
    assert result.outcome == "promoted", result
    gate = result.metrics["gate"]
    assert gate["passed"] and gate["dr_low"] >= gate["live_dr"]
    assert result.metrics["candidate"]["dr"]["value"] > result.metrics["live"]["dr"]["value"]
    for method in ("ips", "snips", "dr"):
        estimate = result.metrics["candidate"][method]
        assert estimate["low"] <= estimate["value"] <= estimate["high"] and estimate["ess"] > 0
    live_id, live = current_policy(ctx)
    assert live_id == result.model_id and live.version == result.version
    assert STYLE_NAMES[int(np.argmax(live.probabilities(FAMILY, MOOD)))] == "nebula"
    actions = [(a, m.get("gate", {}).get("passed")) for a, _, m in _events(sessions, live_id)]
    assert actions == [("register", True), ("promote", True)]


def test_a_candidate_no_better_is_rejected_unless_forced(
    covers: CoverFactory, ctx: JobContext, sessions: SessionFactory,
) -> None:
    _log_table_policy(covers, ctx, 300, loved="nebula", seed=1, mood="dreamy")
    first = retrain_policy(ctx)
    assert first.outcome == "promoted"
    # Nothing new was learnt: the same fit cannot clear its own lower bound.
    again = retrain_policy(ctx)
    assert again.outcome == "rejected" and not again.metrics["gate"]["passed"]
    assert current_policy(ctx)[0] == first.model_id
    forced = retrain_policy(ctx, force=True, reason="new floor", actor="ops@example.com")
    assert forced.outcome == "promoted" and current_policy(ctx)[0] == forced.model_id
    action, reason, _ = _events(sessions, forced.model_id)[-1]
    assert action == "promote" and "forced by ops@example.com: new floor" in reason


def _canary(sessions: SessionFactory) -> str:
    with transaction(sessions) as session:
        model = registry.register(session, "lora", "c1", state=registry.CANARY,
                                  artifact_key="models/lora/c1.safetensors")
        model.created_at = utcnow() - timedelta(minutes=5)
        return model.id


def _live_lora(sessions: SessionFactory) -> str | None:
    """The control arm's model: the live LoRA (another test may have left one), else none."""
    with transaction(sessions) as session:
        live = registry.live(session, "lora")
        return live.id if live is not None else None


def _rate(covers: CoverFactory, model_id: str | None, good_share: float, n: int,
          seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(n):
        rating = int(rng.choice([4, 5])) if rng.random() < good_share else int(
            rng.choice([1, 2, 3]))
        covers.cover(engine="diffusion", model_version_id=model_id, rating=rating)


def test_a_canary_that_rates_better_is_promoted_automatically(
    covers: CoverFactory, ctx: JobContext, sessions: SessionFactory,
) -> None:
    candidate = _canary(sessions)
    _rate(covers, candidate, 0.8, 60, seed=1)
    _rate(covers, _live_lora(sessions), 0.35, 60, seed=2)
    verdict = canary_check(ctx)
    assert verdict["outcome"] == "promote" and verdict["p_better"] >= 0.95
    with transaction(sessions) as session:
        assert session.get(ModelVersion, candidate).state == "promoted"
    action, reason, metrics = _events(sessions, candidate)[-1]
    assert action == "promote" and "canary won" in reason and metrics["candidate_rated"] == 60


def test_a_canary_that_rates_worse_is_retired_automatically(
    covers: CoverFactory, ctx: JobContext, sessions: SessionFactory,
) -> None:
    candidate = _canary(sessions)
    _rate(covers, candidate, 0.1, 40, seed=3)
    _rate(covers, _live_lora(sessions), 0.7, 40, seed=4)
    verdict = canary_check(ctx)
    assert verdict["outcome"] == "retire"
    with transaction(sessions) as session:
        assert session.get(ModelVersion, candidate).state == "retired"
    assert _events(sessions, candidate)[-1][0] == "retire"


def test_weekly_retrain_reports_what_it_did(covers: CoverFactory, ctx: JobContext) -> None:
    _log_table_policy(covers, ctx, 300, loved="minimal", seed=5, mood="nostalgic")
    report = weekly_retrain(ctx)
    assert report["task"] == "weekly_retrain"
    assert report["policy"]["outcome"] == "promoted"
    assert report["promoted"] == [report["policy"]["model_id"]]
    assert report["lora"]["outcome"] == "skipped"  # no SDXL model configured here
    assert report["canary"] == {"outcome": "no canary"}


def test_a_rating_drop_retrains_now_and_alerts(covers: CoverFactory, ctx: JobContext) -> None:
    # Far in the future, so no other test's ratings fall in the windows.
    now = utcnow() + timedelta(days=3650)
    for day in range(8, 30):
        for _ in range(2):
            covers.cover(rating=5, rated_at=now - timedelta(days=day))
    quiet = rating_drop_check(ctx, now=now)
    assert not quiet["check"]["triggered"] and "policy" not in quiet
    for day in range(0, 7):
        for _ in range(5):
            covers.cover(rating=3, rated_at=now - timedelta(days=day, hours=1))
    alerts: list[str] = []
    fired = rating_drop_check(ctx, alerts.append, now=now)
    check = fired["check"]
    assert check["triggered"] and check["recent_n"] == 35 and check["baseline_n"] == 44
    assert check["recent_mean"] == 3.0 and check["baseline_mean"] == 5.0
    assert fired["policy"]["outcome"] in {"promoted", "rejected", "skipped"}
    assert len(alerts) == 1 and "fell to 3.00" in alerts[0]


def test_a_training_request_is_claimed_once_and_a_failure_is_recorded(
    ctx: JobContext, sessions: SessionFactory,
) -> None:
    from sleeve.jobs.training import QUEUED, run_lora_training

    with transaction(sessions) as session:
        model_id = registry.register(session, "lora", "t1", state=QUEUED).id
    # No SDXL model is configured here, so training fails; the version records why.
    failed = run_lora_training(ctx, model_id)
    assert failed.outcome == "failed"
    with transaction(sessions) as session:
        assert session.get(ModelVersion, model_id).state == "failed"
    assert _events(sessions, model_id)[-1][0] == "fail"
    # A redelivered message finds nothing queued.
    assert run_lora_training(ctx, model_id).outcome == "skipped"


def test_the_scheduler_actions_store_their_report_on_the_run(ctx: JobContext) -> None:
    from sleeve.jobs.learning_tasks import scheduled_rating_drop_check, scheduled_weekly_retrain

    @dataclass
    class Run:
        details: dict[str, Any] = field(default_factory=dict)

    weekly, daily = Run(), Run()
    scheduled_weekly_retrain(ctx, weekly, utcnow())
    assert weekly.details["task"] == "weekly_retrain" and "promoted" in weekly.details
    scheduled_rating_drop_check(ctx, daily, utcnow() + timedelta(days=7300))
    assert daily.details["task"] == "rating_drop_check"
    assert daily.details["check"]["recent_n"] == 0
