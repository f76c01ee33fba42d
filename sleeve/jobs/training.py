"""Fine-tuning the diffusion engine on well-rated covers: a LoRA trained as a ``gpu`` task.

``training_requests.request_lora_training`` registers a ``lora`` version in state ``queued``
and hands it over; ``run_lora_training`` claims the version with a conditional UPDATE (so a
redelivered message never trains twice), builds the training set, trains, stores the weights
and puts the new version in the canary (``sleeve.jobs.canary``).
"""

from __future__ import annotations

import io
import logging
import tempfile
from pathlib import Path
from typing import Any

from PIL import Image
from pydantic import ValidationError
from sqlalchemy import CursorResult, select, update

from sleeve.core.bounds import MIN_SIZE
from sleeve.core.plan import CoverPlan
from sleeve.db.engine import transaction
from sleeve.db.models import Cover, ModelVersion
from sleeve.jobs import registry
from sleeve.jobs.context import JobContext
from sleeve.jobs.retrain import RetrainResult
from sleeve.pipeline import render_plan
from sleeve.storage import BlobNotFoundError

log = logging.getLogger("sleeve.jobs")
LORA_KIND = "lora"
QUEUED = "queued"
GOOD_RATING = 4.0


def lora_key(model_id: str) -> str:
    return f"models/lora/{model_id}.safetensors"


def rated_covers(ctx: JobContext, limit: int = 5000) -> list[Cover]:
    """Covers whose mean rating is at least 4, best first."""
    with transaction(ctx.sessions) as session:
        covers = list(session.scalars(
            select(Cover).where(Cover.rating_count > 0, Cover.rating_avg >= GOOD_RATING)
            .order_by(Cover.rating_avg.desc(), Cover.id).limit(limit)))
        for cover in covers:
            session.expunge(cover)
    return covers


def training_image(ctx: JobContext, cover: Cover, resolution: int) -> Image.Image:
    """A procedural cover's artwork is drawn again without its lettering (pure in plan and
    seed), so the LoRA does not learn to scribble text; a diffusion cover's art is only kept
    as the finished master, lettering included."""
    if cover.engine == "procedural":
        plan = CoverPlan.model_validate(cover.plan)
        art = render_plan(plan, cover.seed, size=max(MIN_SIZE, resolution), text=False,
                          settings=ctx.settings).image
    else:
        with Image.open(io.BytesIO(ctx.store.get(cover.blob_key))) as master:
            art = master.convert("RGB")
    return art if art.width == resolution else art.resize(
        (resolution, resolution), Image.Resampling.LANCZOS)


def training_set(ctx: JobContext, resolution: int) -> tuple[list[Any], int]:
    """(image, prompt) pairs of the well-rated covers, and how many could not be used (a
    master gone from the store, a plan from an older Sleeve)."""
    from sleeve.diffusion.train_lora import TrainingExample

    examples, skipped = [], 0
    for cover in rated_covers(ctx):
        try:
            image = training_image(ctx, cover, resolution)
        except (BlobNotFoundError, ValidationError, ValueError):
            log.warning("cover left out of LoRA training", extra={"cover_id": cover.id})
            skipped += 1
            continue
        examples.append(TrainingExample(image, str(cover.plan.get("prompt", ""))))
    return examples, skipped


def _claim(ctx: JobContext, model_id: str) -> str | None:
    with transaction(ctx.sessions) as session:
        result = session.execute(
            update(ModelVersion)
            .where(ModelVersion.id == model_id, ModelVersion.state == QUEUED)
            .values(state=registry.TRAINING)
            .execution_options(synchronize_session=False)
        )
        claimed = isinstance(result, CursorResult) and result.rowcount > 0
        model = session.get(ModelVersion, model_id)
        return model.version if claimed and model is not None else None


def run_lora_training(ctx: JobContext, model_id: str) -> RetrainResult:
    """Train the queued version ``model_id`` (once, whoever calls first) into the canary."""
    version = _claim(ctx, model_id)
    if version is None:
        return RetrainResult(LORA_KIND, "skipped", model_id, reason="not queued")
    try:
        metrics = _train(ctx, model_id)
    except Exception as exc:
        log.exception("LoRA training failed", extra={"model_id": model_id})
        why = f"{type(exc).__name__}: {exc}"[:2000]
        with transaction(ctx.sessions) as session:
            model = session.get(ModelVersion, model_id)
            assert model is not None
            model.state = registry.FAILED
            registry.record(session, model, LORA_KIND, "fail", registry.SYSTEM, why)
        return RetrainResult(LORA_KIND, "failed", model_id, version, why)
    with transaction(ctx.sessions) as session:
        model = session.get(ModelVersion, model_id)
        assert model is not None
        model.state, model.artifact_key = registry.CANARY, lora_key(model_id)
        model.metrics = {**model.metrics, **metrics}
        registry.record(session, model, LORA_KIND, "canary", registry.SYSTEM,
                        f"trained; serves {ctx.settings.canary_share:.0%} of diffusion jobs",
                        metrics)
    return RetrainResult(LORA_KIND, "trained", model_id, version, "in the canary", metrics)


def _train(ctx: JobContext, model_id: str) -> dict[str, Any]:
    from sleeve.diffusion.train_lora import LoraTraining, train_lora

    settings = ctx.settings
    assert settings.sdxl_model
    options = LoraTraining(steps=settings.lora_steps, rank=settings.lora_rank,
                           learning_rate=settings.lora_learning_rate,
                           resolution=settings.sdxl_resolution, device=settings.sdxl_device,
                           dtype=settings.sdxl_dtype)
    examples, skipped = training_set(ctx, options.resolution)
    with tempfile.TemporaryDirectory(prefix="sleeve-lora-") as tmp:
        result = train_lora(settings.sdxl_model, examples, Path(tmp), options)
        ctx.store.put(lora_key(model_id), result.path.read_bytes())
    return {"examples": len(examples), "skipped": skipped, "steps": options.steps,
            "rank": options.rank,
            "final_loss": round(result.losses[-1], 5),
            "eval_loss_before": round(result.eval_loss_before, 5),
            "eval_loss_after": round(result.eval_loss_after, 5)}
