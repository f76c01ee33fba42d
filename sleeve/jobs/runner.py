"""Run one claimed job: plan, render each cover, store it, record progress.

Every cover is stored and recorded (blob first, then one transaction for the cover row and
the job's progress) before the next is started, so a job interrupted by a crash resumes at the
first missing cover. Any error fails the job with its reason; it never escapes to the worker.

Progress moves within a cover too (one conditional UPDATE per render stage), so a slow cover
does not leave the bar standing still: ``STAGE_SHARE`` is how much of a cover's share of the
bar each finished stage is worth. Only a successful finish writes 100. The same UPDATE writes
the job's ``stage``, what the worker does next (``sleeve.core.job_states``), which is what
the API and the web page show. Each stage is also where a cancel or a timeout stops the cover
being rendered (``check_still_wanted``).

Delivery is at least once, so a job may run again after a crash, or (a lease expired under a
live worker) twice at once. Three things keep that harmless: each claim counts an attempt and
a worker whose attempt is no longer the job's stops (a fencing token); a cover's id, hence its
blob keys, is derived from job, position and attempt, so the blobs a killed attempt wrote before
recording them are known and removed when the job ends; the unique (job, position) row decides
which attempt's cover is kept. The worker's small writes outlive a database blip
(``transient.retrying``); a longer fault ends the attempt with ``TransientJobError``.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Final

from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError

from sleeve.core.bounds import cover_seed
from sleeve.core.brief import Brief
from sleeve.core.job_states import ARTWORK, SAVING, TYPOGRAPHY, JobStage
from sleeve.core.plan import AudioFeatures, CoverPlan
from sleeve.core.portrait import FacePhoto
from sleeve.db.engine import transaction
from sleeve.db.models import BriefRow, Cover, Job
from sleeve.jobs import lifecycle, variants
from sleeve.jobs.adapters import Adapters, adapters_for
from sleeve.jobs.context import JobContext
from sleeve.jobs.metrics import JOBS_FINISHED, RENDER_SECONDS
from sleeve.jobs.policies import Decision, decide_styles
from sleeve.jobs.portrait import featured_photos
from sleeve.jobs.transient import TransientJobError, describe, is_transient, retrying
from sleeve.pipeline import direct, feature, render_plan

log = logging.getLogger("sleeve.jobs")

STAGE_SHARE: Final = {"artwork": 0.6, "typography": 0.8}
# The render step ``render_plan`` reports done → what the worker does next.
NEXT_STAGE: Final[dict[str, JobStage]] = {"artwork": TYPOGRAPHY, "typography": SAVING}


class Superseded(Exception):
    """Another worker claimed the job since this one did: this attempt stops without a word."""


class JobStopped(Exception):
    """Cancelled by its owner or past its time limit; carries the final state and reason."""

    def __init__(self, state: str, reason: str | None) -> None:
        super().__init__(reason or state)
        self.state = state
        self.reason = reason


@dataclass(frozen=True)
class _Work:
    job_id: str
    user_id: str
    brief_id: str
    brief: Brief
    count: int
    seed: int
    size: int
    engine: str
    style: str | None
    attempts: int
    crashes: int
    done: frozenset[int]
    audio: AudioFeatures | None
    subject_id: str | None = None  # the musician featured on every cover


def cover_prefix(cover_id: str) -> str:
    """The folder of everything of a cover: master, variants, kit, motion loops."""
    return f"covers/{cover_id}/"


def master_key(cover_id: str) -> str:
    return f"{cover_prefix(cover_id)}master.jpg"


def cover_id_for(job_id: str, position: int, attempt: int) -> str:
    """The id the cover at ``position`` gets in ``attempt``: known before its blobs are written,
    so an attempt killed between blob and row leaves keys that can be found again."""
    return hashlib.sha256(f"{job_id}:{position}:{attempt}".encode()).hexdigest()[:32]


def _load(ctx: JobContext, job_id: str) -> _Work | None:
    with transaction(ctx.sessions) as session:
        job = session.get(Job, job_id)
        if job is None or job.state != lifecycle.RUNNING or job.brief_id is None:
            return None
        row = session.get(BriefRow, job.brief_id)
        assert row is not None
        brief = row.to_brief()
        done = session.scalars(select(Cover.position).where(Cover.job_id == job_id)).all()
        return _Work(job_id, job.user_id, job.brief_id, brief, job.count, job.seed, job.size,
                     job.engine, job.style, job.attempts, job.crashes, frozenset(done),
                     AudioFeatures.model_validate(job.audio) if job.audio else None,
                     job.subject_id)


def check_still_wanted(ctx: JobContext, job_id: str, started: float,
                       attempt: int | None = None, limit_s: float | None = None) -> None:
    """Raise JobStopped when the job was cancelled, taken from this worker or ran longer than
    ``limit_s`` (default: ``SLEEVE_JOB_TIMEOUT_S``); Superseded when another worker's claim (a
    later ``attempt``) has it now."""

    def read() -> tuple[str, bool, int] | None:
        with transaction(ctx.sessions) as session:
            job = session.get(Job, job_id)
            return None if job is None else (job.state, job.cancel_requested, job.attempts)

    found = retrying(read, "reading the job")
    if found is None or found[0] != lifecycle.RUNNING:
        raise JobStopped(found[0] if found else lifecycle.CANCELLED, None)
    if attempt is not None and found[2] != attempt:
        raise Superseded(job_id)
    if found[1]:
        raise JobStopped(lifecycle.CANCELLED, "cancelled by the owner")
    limit = ctx.settings.job_timeout_s if limit_s is None else limit_s
    if time.monotonic() - started > limit:
        raise JobStopped(lifecycle.FAILED, f"timed out after {limit:g} s")


def percent(covers_done: float, count: int) -> int:
    """The bar for ``covers_done`` (fractional within a cover) of ``count``; 100 is left to the
    successful finish, so a job at 100 is always a finished one."""
    return min(99, math.floor(100 * covers_done / count))


def record_progress(ctx: JobContext, job_id: str, value: int,
                    stage: JobStage | None = None) -> None:
    """One small conditional UPDATE, only while running: progress only ever grows, and
    ``stage`` (when given) is what the worker does from now on."""
    where = [Job.id == job_id, Job.state == lifecycle.RUNNING]
    values: dict[str, object] = {"progress": case((Job.progress < value, value),
                                                  else_=Job.progress)}
    if stage is None:
        where.append(Job.progress < value)
    else:
        values["stage"] = stage

    def write() -> None:
        with transaction(ctx.sessions) as session:
            session.execute(update(Job).where(*where).values(**values)
                            .execution_options(synchronize_session=False))

    retrying(write, "recording progress")


def _store_cover(ctx: JobContext, work: _Work, position: int, plan: CoverPlan,
                 stored: int, adapters: Adapters, decision: Decision,
                 photos: list[FacePhoto], started: float,
                 between_stages: Callable[[str], object] | None) -> None:
    """Render, store and record cover ``position``; ``stored`` covers of the job already are."""
    seed = cover_seed(work.seed, position)

    def on_stage(done: str) -> None:
        if between_stages is not None:
            between_stages(done)
        share = STAGE_SHARE.get(done)
        if share is not None:
            record_progress(ctx, work.job_id, percent(stored + share, work.count),
                            NEXT_STAGE[done])
        # Between stages a cancel or a timeout stops this cover, not only the next one.
        check_still_wanted(ctx, work.job_id, started, work.attempts)

    record_progress(ctx, work.job_id, percent(stored, work.count), ARTWORK)

    t0 = time.perf_counter()
    subject = photos[plan.portrait.photo] if plan.portrait is not None else None
    def on_step(_done: int, _total: int) -> None:
        # Diffusion: a cancel or a timeout stops the cover between its denoising steps.
        check_still_wanted(ctx, work.job_id, started, work.attempts)

    cover = render_plan(plan, seed, size=work.size, engine=work.engine, on_stage=on_stage,
                        loras=adapters.loras, settings=ctx.settings, subject=subject,
                        on_step=on_step)
    data = cover.encode("jpeg")
    cover_id = cover_id_for(work.job_id, position, work.attempts)
    extra = variants.job_time_variants(cover, cover_id, work.size)
    seconds = time.perf_counter() - t0
    RENDER_SECONDS.labels(work.engine).observe(seconds)
    # The last look before writing: a worker that lost the job must not store into it.
    check_still_wanted(ctx, work.job_id, started, work.attempts)
    for key, blob in [(master_key(cover_id), data),
                      *((variant.blob_key, variant_data) for variant, variant_data in extra)]:
        retrying(partial(ctx.store.put, key, blob), "storing a blob")

    def record() -> None:
        with transaction(ctx.sessions) as session:
            if session.get(Cover, cover_id) is not None:
                return  # recorded by an earlier try whose commit's answer was lost
            session.add(Cover(
                id=cover_id, user_id=work.user_id, job_id=work.job_id, brief_id=work.brief_id,
                position=position, engine=work.engine, style=cover.style,
                genre=plan.genre_family, seed=seed, size=work.size,
                plan=plan.model_dump(mode="json"), blob_key=master_key(cover_id),
                digest=hashlib.sha256(data).hexdigest(),
                model_version_id=adapters.model_version_id,
                choice=decision.log(position),
            ))
            session.flush()  # the cover row before its variants' (foreign key)
            session.add_all(variant for variant, _ in extra)
            job = session.get(Job, work.job_id)
            assert job is not None
            job.progress = max(job.progress, percent(stored + 1, work.count))
            job.render_seconds += seconds

    try:
        retrying(record, "recording a cover")
    except IntegrityError:
        # Another attempt stored this position first (a lease expired under a slow render);
        # these blob keys are this attempt's own, so no one else's cover loses its image.
        ctx.store.delete_prefix(cover_prefix(cover_id))


def remove_unrecorded_blobs(ctx: JobContext, job_id: str, count: int, attempts: int) -> int:
    """Delete the blobs of covers some attempt of the job wrote but never recorded (its worker
    was killed in between, or it lost the race for the position); returns how many covers'."""
    with transaction(ctx.sessions) as session:
        recorded = set(session.scalars(select(Cover.id).where(Cover.job_id == job_id)))
    removed = 0
    for attempt in range(1, attempts + 1):
        for position in range(count):
            cover_id = cover_id_for(job_id, position, attempt)
            if cover_id in recorded or not ctx.store.exists(cover_prefix(cover_id)):
                continue
            # The folder, not the keys: a write cut short leaves a temporary file there too.
            ctx.store.delete_prefix(cover_prefix(cover_id))
            removed += 1
    return removed


def give_up(ctx: JobContext, job_id: str, reason: str, work: _Work | None = None) -> str | None:
    """Fail a job that used up its attempts (``lifecycle.exhausted`` says why)."""
    return end(ctx, job_id, lifecycle.FAILED, reason, work)


def run_job(ctx: JobContext, job_id: str,
            between_covers: Callable[[], object] | None = None, *,
            between_stages: Callable[[str], object] | None = None,
            transient_escapes: bool = False) -> str | None:
    """Run a covers job this worker has claimed; returns its final state (None if not
    runnable, or if another worker took it over). Workers call ``dispatch.run_claimed``, which
    picks the runner by job kind.

    ``between_covers`` runs before each cover: a worker serves short waiting work there (image
    variants someone is waiting for) instead of only after the whole job; ``between_stages``
    likewise within a cover, after each render stage (before the cancel/timeout check). With
    ``transient_escapes`` a transient fault that outlasts the in-place retries raises
    ``TransientJobError`` (the job is left running, for the caller to retry or release);
    without it the job fails with the fault's reason."""
    work = _load(ctx, job_id)
    if work is None:
        return None
    if reason := lifecycle.exhausted(work.attempts, work.crashes):
        return give_up(ctx, job_id, reason, work)
    started = time.monotonic()
    try:
        decision = decide_styles(ctx, work.brief, work.count, work.seed, work.style, work.audio)
        plans = direct(work.brief, count=work.count, seed=work.seed, style=work.style,
                       styles=decision.styles, settings=ctx.settings, audio=work.audio)
        # The procedural engine prints the subject's photos into its art; the diffusion
        # engine features a subject through its trained LoRA (adapters_for).
        photos = (featured_photos(ctx, work.subject_id, work.user_id)
                  if work.subject_id is not None and work.engine == "procedural" else [])
        plans = feature(plans, work.seed, len(photos))
        adapters = adapters_for(ctx, work.engine, work.job_id, work.subject_id)
        plans = [adapters.prompted(plan) for plan in plans]
        stored = len(work.done)
        for position, plan in enumerate(plans):
            if position in work.done:
                continue
            if between_covers is not None:
                between_covers()
            check_still_wanted(ctx, work.job_id, started, work.attempts)
            _store_cover(ctx, work, position, plan, stored, adapters, decision, photos,
                         started, between_stages)
            stored += 1
        return end(ctx, job_id, lifecycle.SUCCEEDED, None, work)
    except Superseded:
        log.warning("another worker took this job over; leaving it", extra={"job_id": job_id})
        return None
    except JobStopped as stop:
        return end(ctx, job_id, stop.state, stop.reason, work)
    except Exception as exc:  # an engine failure fails the job, never the worker
        if transient_escapes and is_transient(exc):
            raise TransientJobError(exc) from exc
        log.exception("job failed", extra={"job_id": job_id})
        return end(ctx, job_id, lifecycle.FAILED, _reason(ctx, exc), work)


def _reason(ctx: JobContext, exc: BaseException) -> str:
    if type(exc).__name__ == "SoftTimeLimitExceeded":  # Celery's backstop for a stuck stage
        return f"timed out after {ctx.settings.job_timeout_s:g} s (time limit)"
    if is_transient(exc):
        return describe(exc)
    return f"{type(exc).__name__}: {exc}"[:2000]


def end(ctx: JobContext, job_id: str, state: str, reason: str | None,
        work: _Work | None = None) -> str:
    """Move the job to its final state; first remove what its attempts left unrecorded (before,
    so that a worker killed in between leaves the job running and the next attempt does it)."""
    if work is not None:
        retrying(lambda: remove_unrecorded_blobs(ctx, job_id, work.count, work.attempts),
                 "removing unrecorded blobs")

    def write() -> None:
        with transaction(ctx.sessions) as session:
            lifecycle.finish(session, job_id, state, reason)

    retrying(write, "finishing the job")
    JOBS_FINISHED.labels(state).inc()
    log.info("job finished", extra={"job_id": job_id, "state": state})
    return state
