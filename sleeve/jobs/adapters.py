"""The fine-tunes a job renders with: the promoted LoRA of the model registry, by version —
or, for a share of jobs (``SLEEVE_CANARY_SHARE``), the LoRA in canary.

A job with a subject adds that subject's DreamBooth-LoRA (``sleeve.jobs.subject_training``)
and puts the words that call the person up in front of its prompt.

Only the diffusion engine takes adapters. The registry row names a blob (``artifact_key``)
holding ``.safetensors`` weights; they are copied to a local cache once per version, because
diffusers loads LoRA weights from a path.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sleeve.core.plan import CoverPlan
from sleeve.db.engine import transaction
from sleeve.db.models import ModelVersion
from sleeve.engines import LoraVersion
from sleeve.files import write_atomic
from sleeve.jobs.context import JobContext
from sleeve.jobs.subject_loras import ready_lora

LORA_KIND = "lora"
PROMOTED = "promoted"
CANARY = "canary"


@dataclass(frozen=True)
class Adapters:
    """What a cover is rendered with, and the registry row to record on it."""

    model_version_id: str | None = None
    loras: tuple[LoraVersion, ...] = ()
    subject_phrase: str = ""  # e.g. "a photo of ohwx person": the trained subject's words

    def prompted(self, plan: CoverPlan) -> CoverPlan:
        """``plan`` with the subject's words leading its prompt (when there is a subject)."""
        if not self.subject_phrase:
            return plan
        return plan.model_copy(update={"prompt": f"{self.subject_phrase}, {plan.prompt}"})


NONE = Adapters()


def in_canary(job_id: str, share: float) -> bool:
    """Whether a job renders with the canary: a stable hash of its id, so a resumed job keeps
    its side."""
    draw = int(hashlib.sha256(job_id.encode()).hexdigest()[:8], 16) / 16**8
    return draw < share


def adapters_for(ctx: JobContext, engine: str, job_id: str = "",
                 subject_id: str | None = None) -> Adapters:
    if engine != "diffusion":
        return NONE
    found = _ratings_lora(ctx, job_id)
    return _with_subject(ctx, found, subject_id) if subject_id else found


def _ratings_lora(ctx: JobContext, job_id: str) -> Adapters:
    state = CANARY if job_id and in_canary(job_id, ctx.settings.canary_share) else PROMOTED
    with transaction(ctx.sessions) as session:
        model = _latest(session, state) if state == CANARY else None
        model = model or _latest(session, PROMOTED)
        if model is None or not model.artifact_key:
            return NONE
        model_id, version, key = model.id, model.version, model.artifact_key
    lora = LoraVersion(name="sleeve", version=version, path=_local_copy(ctx, model_id, key))
    return Adapters(model_version_id=model_id, loras=(lora,))


def _with_subject(ctx: JobContext, found: Adapters, subject_id: str) -> Adapters:
    from sleeve.diffusion.dreambooth import DEFAULT_CLASS, DEFAULT_TOKEN, subject_phrase

    with transaction(ctx.sessions) as session:
        model = ready_lora(session, subject_id)
        if model is None or not model.artifact_key:
            # Refused when the job was made (409); a subject deleted since renders plain.
            return found
        model_id, version, key = model.id, model.version, model.artifact_key
        metrics = dict(model.metrics)
    lora = LoraVersion(name=f"subject_{subject_id}", version=version,
                       path=_local_copy(ctx, model_id, key))
    phrase = subject_phrase(str(metrics.get("token", DEFAULT_TOKEN)),
                            str(metrics.get("class", DEFAULT_CLASS)))
    return replace(found, loras=(*found.loras, lora), subject_phrase=phrase)


def _local_copy(ctx: JobContext, model_id: str, key: str) -> str:
    path = Path(ctx.settings.model_cache_dir) / LORA_KIND / f"{model_id}.safetensors"
    if not path.exists():
        write_atomic(path, ctx.store.get(key))
    return str(path)


def _latest(session: Session, state: str) -> ModelVersion | None:
    order = ModelVersion.promoted_at if state == PROMOTED else ModelVersion.created_at
    return session.scalars(
        select(ModelVersion)
        .where(ModelVersion.kind == LORA_KIND, ModelVersion.state == state)
        .order_by(order.desc())
        .limit(1)
    ).first()
