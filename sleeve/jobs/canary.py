"""The LoRA canary's verdict: promote, retire or keep serving, decided from ratings.

Candidate: rated covers made with the LoRA in canary. Control: rated diffusion covers made
since the canary started with the live LoRA (or none, if none is live). The decision itself
is ``sleeve.learn.canary.decide``; this module reads the ratings and records the outcome.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sleeve.db.engine import transaction
from sleeve.db.models import Cover, ModelVersion, Review
from sleeve.jobs import registry
from sleeve.jobs.context import JobContext
from sleeve.learn.canary import Arm, decide

LORA_KIND = "lora"


def canary_check(ctx: JobContext) -> dict[str, Any]:
    settings = ctx.settings
    with transaction(ctx.sessions) as session:
        candidate = session.scalars(
            select(ModelVersion).where(ModelVersion.kind == LORA_KIND,
                                       ModelVersion.state == registry.CANARY)
            .order_by(ModelVersion.created_at.desc()).limit(1)
        ).first()
        if candidate is None:
            return {"outcome": "no canary"}
        live = registry.live(session, LORA_KIND)
        ratings = select(Review.rating).join(Cover, Cover.id == Review.cover_id)
        cand = list(session.scalars(ratings.where(Cover.model_version_id == candidate.id)))
        control_model = (Cover.model_version_id == live.id if live is not None
                         else Cover.model_version_id.is_(None))
        ctrl = list(session.scalars(ratings.where(
            Cover.engine == "diffusion", Cover.created_at >= candidate.created_at,
            control_model)))
        verdict = decide(Arm.of(cand), Arm.of(ctrl), confidence=settings.canary_confidence,
                         min_ratings=settings.canary_min_ratings)
        metrics = {**verdict.metrics(), "control_id": live.id if live else None}
        if verdict.decision == "promote":
            registry.promote(session, candidate, registry.SYSTEM,
                             f"canary won: P(better) = {verdict.p_better:.3f}", metrics)
        elif verdict.decision == "retire":
            registry.retire(session, candidate, registry.SYSTEM,
                            f"canary lost: P(worse) = {1 - verdict.p_better:.3f}", metrics)
        return {"outcome": verdict.decision, "model_id": candidate.id, **metrics}
