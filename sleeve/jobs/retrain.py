"""Retraining the style policy from every logged rating, behind the off-policy gate.

A candidate is fitted from the table prior and all logged ratings of policy-chosen procedural
covers (fixed styles are left out), then judged by off-policy evaluation on the same logs against
the live policy. It is promoted only when the lower bound of its doubly-robust interval is
not below the live policy's DR estimate — or when forced, which is recorded with who and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from sleeve.core.styles import STYLE_NAMES
from sleeve.db.engine import transaction
from sleeve.db.models import Cover, Review
from sleeve.db.types import new_id, utcnow
from sleeve.jobs import registry
from sleeve.jobs.context import JobContext
from sleeve.jobs.policies import current_policy, policy_key
from sleeve.learn.evaluate import evaluate_policy
from sleeve.learn.policy import POLICY_KIND, LoggedRating, fit, table_policy


@dataclass(frozen=True)
class RetrainResult:
    kind: str
    outcome: str  # promoted | rejected | skipped | queued | trained | failed
    model_id: str | None = None
    version: str | None = None
    reason: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "outcome": self.outcome, "model_id": self.model_id,
                "version": self.version, "reason": self.reason, "metrics": self.metrics}


def logged_ratings(ctx: JobContext) -> list[LoggedRating]:
    """Every rating of a procedural cover whose style a policy chose. (Diffusion jobs follow
    the policy too, but their ratings also judge the LoRA: they are left to the canary.)"""
    with transaction(ctx.sessions) as session:
        rows = session.execute(
            select(Review.rating, Cover.choice)
            .join(Cover, Cover.id == Review.cover_id)
            .where(Cover.choice.is_not(None), Cover.engine == "procedural")
            .order_by(Review.created_at, Review.id)
        ).all()
    logs: list[LoggedRating] = []
    for rating, choice in rows:
        if not choice or choice.get("fixed", True):
            continue
        bucket, action = choice["bucket"], choice["action"]
        if action["style"] not in STYLE_NAMES:  # a style a later Sleeve dropped
            continue
        logs.append(LoggedRating(bucket["genre_family"], bucket["mood"], action["style"],
                                 float(choice["propensity"]), float(rating)))
    return logs


def new_version() -> str:
    return f"{utcnow():%Y%m%d-%H%M%S}-{new_id()[:6]}"


def retrain_policy(ctx: JobContext, *, force: bool = False, reason: str = "",
                   actor: str = registry.SYSTEM) -> RetrainResult:
    """Fit, evaluate, register and (if the gate or ``force`` allows) promote a policy."""
    logs = logged_ratings(ctx)
    if not logs:
        return RetrainResult(POLICY_KIND, "skipped", reason="no logged ratings yet")
    version = new_version()
    candidate = fit(table_policy(ctx.settings.policy_floor), logs, version,
                    floor=ctx.settings.policy_floor)
    live_id, live = current_policy(ctx)
    # One reward model (the candidate's posterior means) for both, so they are comparable.
    judged = evaluate_policy(candidate, logs, candidate)
    baseline = evaluate_policy(live, logs, candidate)
    bound, bar = judged["dr"].low, baseline["dr"].value
    passed = bound >= bar
    metrics: dict[str, Any] = {
        "ratings": len(logs),
        "candidate": {m: e.as_dict() for m, e in judged.items()},
        "live": {m: e.as_dict() for m, e in baseline.items()},
        "live_id": live_id, "live_version": live.version,
        "gate": {"dr_low": round(bound, 4), "live_dr": round(bar, 4), "passed": passed},
    }
    model_id = new_id()
    key = policy_key(model_id)
    ctx.store.put(key, candidate.model_dump_json().encode())
    with transaction(ctx.sessions) as session:
        model = registry.register(session, POLICY_KIND, version, artifact_key=key,
                                  metrics=metrics, actor=actor, reason=reason,
                                  model_id=model_id)
        if passed or force:
            why = (f"gate passed: DR lower bound {bound:.3f} >= live DR {bar:.3f}" if passed
                   else f"forced by {actor}: {reason or 'no reason given'} (gate failed: DR "
                        f"lower bound {bound:.3f} < live DR {bar:.3f})")
            registry.promote(session, model, actor, why, metrics)
            outcome = "promoted"
        else:
            why = f"gate failed: DR lower bound {bound:.3f} < live DR {bar:.3f}"
            registry.reject(session, model, actor, why, metrics)
            outcome = "rejected"
    return RetrainResult(POLICY_KIND, outcome, model_id, version, why, metrics)
