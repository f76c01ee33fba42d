"""Asking for a LoRA fine-tune: register a ``lora`` version in state ``queued`` (the database
is the source of truth; a message carries only its id) and hand it over: to Celery's ``gpu``
queue in the scale-out deployment, or run it in this process in the embedded one.

Apart from ``training`` (which runs it, and which the Celery worker imports), so the worker's
module and the one that sends to it do not import each other.
"""

from __future__ import annotations

from sleeve.db.engine import transaction
from sleeve.jobs import registry
from sleeve.jobs.context import JobContext
from sleeve.jobs.retrain import RetrainResult, new_version
from sleeve.jobs.training import LORA_KIND, QUEUED, rated_covers, run_lora_training


def request_lora_training(ctx: JobContext, *, actor: str = registry.SYSTEM,
                          reason: str = "") -> RetrainResult:
    """Register a training request for the well-rated covers there are, and hand it over."""
    if not ctx.settings.sdxl_model:
        return RetrainResult(LORA_KIND, "skipped", reason="no SDXL model configured "
                             "(SLEEVE_SDXL_MODEL)")
    count = len(rated_covers(ctx))
    needed = ctx.settings.lora_min_covers
    if count < needed:
        return RetrainResult(LORA_KIND, "skipped",
                             reason=f"{count} covers rated >= 4; training needs {needed}")
    version = new_version()
    metrics = {"examples": count}
    with transaction(ctx.sessions) as session:
        model = registry.register(session, LORA_KIND, version, state=QUEUED, metrics=metrics,
                                  actor=actor, reason=reason or "training requested")
        model_id = model.id
    if ctx.settings.queue == "celery":
        from sleeve.jobs.celery_app import send_training

        send_training(ctx.settings, model_id)
        return RetrainResult(LORA_KIND, "queued", model_id, version, "sent to the gpu queue",
                             metrics)
    return run_lora_training(ctx, model_id)
