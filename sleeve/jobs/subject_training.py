"""Run one claimed ``subject_training`` job: a subject's DreamBooth-LoRA, on the gpu queue.

The job row says which subject; the subject's accepted photos (face crops) are the instance
images. Class images for prior preservation are made by the base model and kept under
``subjects/{id}/class-images/`` (made once per subject; a retrain reuses them). Training
reports progress every step and checks for a cancel (or its time limit,
``SLEEVE_DREAMBOOTH_TIMEOUT_S``) between steps. The weights go to
``subjects/{id}/lora/{model_id}.safetensors``, registered as a ``subject_lora`` model version
bound to the subject (state ``ready``; an older one of the subject is retired), and the
subject's state follows: queued → training → trained | failed. Diffusion jobs with that
subject load it (``sleeve.jobs.adapters``).
"""

from __future__ import annotations

import io
import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from PIL import Image
from sqlalchemy import select, update

from sleeve.config import Settings
from sleeve.core import job_states
from sleeve.core.job_states import JobStage
from sleeve.db.engine import transaction
from sleeve.db.models import Job, ModelVersion, Subject
from sleeve.jobs import lifecycle, registry
from sleeve.jobs.context import JobContext
from sleeve.jobs.retrain import new_version
from sleeve.jobs.runner import (
    JobStopped,
    check_still_wanted,
    end,
    give_up,
    percent,
    record_progress,
)
from sleeve.jobs.subject_loras import (
    READY,
    SUBJECT_LORA_KIND,
    class_image_key,
    lora_key,
    ready_lora,
)
from sleeve.jobs.subjects import load_photos

if TYPE_CHECKING:
    from sleeve.diffusion.dreambooth import DreamBoothTraining

log = logging.getLogger("sleeve.jobs")

# The subject's state (Subject.state).
NEW, QUEUED, TRAINING, TRAINED, FAILED = "new", "queued", "training", "trained", "failed"
CLASS_SHARE: Final = 0.1  # of the progress bar, for making the class images

PhotoSource = Callable[[JobContext, str], list[Image.Image]]


def training_options(settings: Settings, seed: int = 0) -> DreamBoothTraining:
    """The run ``SLEEVE_DREAMBOOTH_*`` and ``SLEEVE_SDXL_*`` describe."""
    from sleeve.diffusion.dreambooth import DreamBoothTraining
    from sleeve.diffusion.train_lora import LoraTraining

    return DreamBoothTraining(
        lora=LoraTraining(
            steps=settings.dreambooth_steps, rank=settings.dreambooth_rank,
            learning_rate=settings.dreambooth_learning_rate,
            resolution=settings.sdxl_resolution, seed=seed, device=settings.sdxl_device,
            dtype=settings.sdxl_dtype, adam_8bit=settings.dreambooth_8bit_adam,
            gradient_checkpointing=settings.dreambooth_gradient_checkpointing),
        prior_weight=settings.dreambooth_prior_weight,
    )


def accepted_photos(ctx: JobContext, subject_id: str) -> list[Image.Image]:
    """The subject's accepted photos: the square crops around the face that photo intake
    stored (the face fills them, which is what the identifier token should learn)."""
    with transaction(ctx.sessions) as session:
        subject = session.get(Subject, subject_id)
        stored = load_photos(session, ctx.store, subject) if subject is not None else []
    if not stored:
        raise LookupError(f"subject {subject_id}: no accepted photos to train on")
    return [Image.open(io.BytesIO(photo.crop)).convert("RGB") for photo in stored]


@dataclass(frozen=True)
class _Training:
    job_id: str
    subject_id: str
    seed: int
    attempts: int
    crashes: int


def _load(ctx: JobContext, job_id: str) -> _Training | None:
    with transaction(ctx.sessions) as session:
        job = session.get(Job, job_id)
        if job is None or job.state != lifecycle.RUNNING or job.subject_id is None:
            return None
        return _Training(job.id, job.subject_id, job.seed, job.attempts, job.crashes)


def _start(ctx: JobContext, work: _Training, options: DreamBoothTraining) -> str:
    """Register the version being trained and mark the subject as training."""
    metrics = {"job_id": work.job_id, "token": options.token, "class": options.class_noun,
               "steps": options.lora.steps, "rank": options.lora.rank,
               "prior_weight": options.prior_weight}
    with transaction(ctx.sessions) as session:
        model = registry.register(session, SUBJECT_LORA_KIND, new_version(),
                                  state=registry.TRAINING, metrics=metrics,
                                  reason=f"DreamBooth training of subject {work.subject_id}")
        model.subject_id = work.subject_id
        _set_subject_state(session, work.subject_id, TRAINING)
        return model.id


def _set_subject_state(session: Any, subject_id: str, state: str) -> None:
    session.execute(update(Subject).where(Subject.id == subject_id).values(state=state)
                    .execution_options(synchronize_session=False))


def _finish(ctx: JobContext, work: _Training, model_id: str, outcome: str, reason: str,
            metrics: dict[str, Any] | None = None) -> bool:
    """Record how training ended on the version and the subject; False when the subject is
    gone."""
    with transaction(ctx.sessions) as session:
        model = session.get(ModelVersion, model_id)
        if model is None:
            # The subject was deleted while it trained (its versions went with it): what this
            # run stored after its files were erased must not outlive it.
            _discard(ctx, work.subject_id, model_id)
            return False
        if outcome == READY:
            for older in session.scalars(select(ModelVersion).where(
                    ModelVersion.kind == SUBJECT_LORA_KIND, ModelVersion.state == READY,
                    ModelVersion.subject_id == work.subject_id)):
                registry.retire(session, older, registry.SYSTEM, "a newer LoRA was trained")
            model.state, model.artifact_key = READY, lora_key(work.subject_id, model_id)
            model.metrics = {**model.metrics, **(metrics or {})}
            registry.record(session, model, SUBJECT_LORA_KIND, "ready", registry.SYSTEM,
                            reason, metrics)
            state = TRAINED
        else:
            model.state = registry.FAILED
            model.metrics = {**model.metrics, **(metrics or {})}
            registry.record(session, model, SUBJECT_LORA_KIND, "fail", registry.SYSTEM, reason,
                            metrics)
            previous = ready_lora(session, work.subject_id) is not None
            state = TRAINED if previous else (NEW if outcome == lifecycle.CANCELLED else FAILED)
        _set_subject_state(session, work.subject_id, state)
    return True


def _discard(ctx: JobContext, subject_id: str, model_id: str) -> None:
    ctx.store.delete(lora_key(subject_id, model_id))
    for index in range(ctx.settings.dreambooth_class_images):
        ctx.store.delete(class_image_key(subject_id, index))


def _base_pipeline(settings: Settings, options: DreamBoothTraining) -> Any:
    from sleeve.diffusion.device import pick_device, resolve_dtype
    from sleeve.diffusion.loader import load_pipeline, locate

    assert settings.sdxl_model, "the engine check admits no training without SLEEVE_SDXL_MODEL"
    device = pick_device(options.lora.device)
    source = locate(settings.sdxl_model, allow_download=settings.sdxl_allow_download)
    pipe = load_pipeline(source, dtype=resolve_dtype(options.lora.dtype, device),
                         allow_download=settings.sdxl_allow_download)
    return pipe.to(device)


def _class_images(ctx: JobContext, pipe: Any, work: _Training, options: DreamBoothTraining,
                  on_image: Callable[[int, int], None]) -> list[Image.Image]:
    """The subject's class images: those stored, plus the missing ones made and stored."""
    from sleeve.diffusion.dreambooth import class_images

    count = ctx.settings.dreambooth_class_images if options.prior_weight > 0 else 0
    images = []
    for index in range(count):
        key = class_image_key(work.subject_id, index)
        if ctx.store.exists(key):
            with Image.open(io.BytesIO(ctx.store.get(key))) as stored:
                image = stored.convert("RGB")
        else:
            image = class_images(pipe, options.class_prompt, 1,
                                 resolution=options.lora.resolution,
                                 steps=ctx.settings.sdxl_steps, seed=index)[0]
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            ctx.store.put(key, buffer.getvalue())
        images.append(image)
        on_image(index + 1, count)
    return images


class _Progress:
    """The job's bar, and the check for a cancel or the time limit, between any two steps."""

    def __init__(self, ctx: JobContext, job_id: str, limit_s: float) -> None:
        self.ctx, self.job_id, self.limit_s = ctx, job_id, limit_s
        self.started = time.monotonic()
        self.shown = -1
        self.stage: JobStage | None = None
        self.steps_done = 0

    def advance(self, share: float, stage: JobStage) -> None:
        check_still_wanted(self.ctx, self.job_id, self.started, limit_s=self.limit_s)
        value = percent(share, 1)
        changed = stage if stage != self.stage else None
        if value > self.shown or changed:
            record_progress(self.ctx, self.job_id, value, changed)
            self.shown, self.stage = max(self.shown, value), stage

    def step(self, done: int, total: int) -> None:
        self.steps_done = done
        self.advance(CLASS_SHARE + (1 - CLASS_SHARE) * done / total, job_states.TRAINING)


def run_subject_training(ctx: JobContext, job_id: str,
                         photos: PhotoSource = accepted_photos) -> str | None:
    """Train the claimed job's subject; returns the job's final state (None: not runnable)."""
    work = _load(ctx, job_id)
    if work is None:
        return None
    if reason := lifecycle.exhausted(work.attempts, work.crashes):
        return give_up(ctx, job_id, reason)
    progress = _Progress(ctx, job_id, ctx.settings.dreambooth_timeout_s)
    options = training_options(ctx.settings, work.seed)
    model_id = _start(ctx, work, options)
    try:
        metrics = _train(ctx, work, model_id, options, photos, progress)
    except JobStopped as stop:
        _finish(ctx, work, model_id, stop.state, stop.reason or stop.state,
                {"steps_done": progress.steps_done})
        return end(ctx, job_id, stop.state, stop.reason)
    except Exception as exc:  # a training failure fails the job, never the worker
        log.exception("subject training failed", extra={"job_id": job_id})
        why = f"{type(exc).__name__}: {exc}"[:2000]
        _finish(ctx, work, model_id, lifecycle.FAILED, why, {"steps_done": progress.steps_done})
        return end(ctx, job_id, lifecycle.FAILED, why)
    if not _finish(ctx, work, model_id, READY, "trained", metrics):
        return end(ctx, job_id, lifecycle.CANCELLED, "the subject was deleted")
    return end(ctx, job_id, lifecycle.SUCCEEDED, None)


def _train(ctx: JobContext, work: _Training, model_id: str, options: DreamBoothTraining,
           photos: PhotoSource, progress: _Progress) -> dict[str, Any]:
    from sleeve.diffusion.device import free_memory
    from sleeve.diffusion.dreambooth import train_dreambooth

    instances = photos(ctx, work.subject_id)
    if not instances:
        raise LookupError(f"subject {work.subject_id} has no accepted photos")
    progress.advance(0.0, job_states.LOADING)
    steps = options.lora.steps
    pipe = _base_pipeline(ctx.settings, options)
    try:
        priors = _class_images(ctx, pipe, work, options,
                               lambda done, total: progress.advance(CLASS_SHARE * done / total,
                                                                   job_states.CLASS_IMAGES))
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="sleeve-dreambooth-") as tmp:
            result = train_dreambooth(
                ctx.settings.sdxl_model or "", instances, priors, Path(tmp), options,
                pipe=pipe, on_step=lambda done, _loss: progress.step(done, steps))
            ctx.store.put(lora_key(work.subject_id, model_id), result.path.read_bytes())
        seconds = time.perf_counter() - t0
    finally:
        # The training copy of the weights goes; the worker's engine (if warm) keeps its own.
        device = str(pipe.device.type)
        del pipe
        free_memory(device)
    return {"photos": len(instances), "class_images": len(priors), "steps_done": steps,
            "train_seconds": round(seconds, 2),
            "final_loss": round(result.losses[-1], 5),
            "eval_loss_before": round(result.eval_loss_before, 5),
            "eval_loss_after": round(result.eval_loss_after, 5)}
