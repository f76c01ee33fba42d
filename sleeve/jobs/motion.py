"""Run one claimed ``motion`` job: a seamless loop of a cover, stored as an MP4.

The same lifecycle as a cover job (``sleeve.jobs.runner``): the job's row says what to make,
progress grows with every frame (one conditional UPDATE per percent), cancellation and the
time limit are checked as frames are made, any error fails the job with its reason, and
only a successful finish records the video and writes 100.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from sleeve.core.job_states import FRAMES, SAVING
from sleeve.core.motion_presets import get_preset
from sleeve.core.plan import CoverPlan
from sleeve.db.engine import transaction
from sleeve.db.models import Cover, Job
from sleeve.jobs import lifecycle
from sleeve.jobs.context import JobContext
from sleeve.jobs.metrics import RENDER_SECONDS
from sleeve.jobs.runner import (
    JobStopped,
    check_still_wanted,
    end,
    give_up,
    percent,
    record_progress,
)
from sleeve.pipeline import fonts_for
from sleeve.render.motion import frames
from sleeve.render.video import encode_mp4

log = logging.getLogger("sleeve.jobs")
CHECK_EVERY = 10  # frames between checks for a cancel or the time limit


@dataclass(frozen=True)
class _Motion:
    job_id: str
    cover_id: str
    plan: CoverPlan
    seed: int
    preset: str
    seconds: float
    attempts: int
    crashes: int


def video_key(cover_id: str, job_id: str) -> str:
    return f"covers/{cover_id}/motion/{job_id}.mp4"


def _load(ctx: JobContext, job_id: str) -> _Motion | None:
    with transaction(ctx.sessions) as session:
        job = session.get(Job, job_id)
        if job is None or job.state != lifecycle.RUNNING or job.cover_id is None:
            return None
        cover = session.get(Cover, job.cover_id)
        if cover is None:
            return None
        preset = job.motion_preset or "canvas"
        plan = CoverPlan.model_validate(cover.plan)
        spec = get_preset(preset)
        # Recorded beat-locked when the job was made; locking again keeps older jobs in step.
        seconds = spec.loop_seconds(float(job.motion_seconds or spec.seconds),
                                    plan.motion_tempo_bpm)
        return _Motion(job.id, cover.id, plan, cover.seed, preset, seconds, job.attempts,
                       job.crashes)


def run_motion(ctx: JobContext, job_id: str) -> str | None:
    work = _load(ctx, job_id)
    if work is None:
        return None
    if reason := lifecycle.exhausted(work.attempts, work.crashes):
        return give_up(ctx, job_id, reason)
    started = time.monotonic()
    shown = -1

    def on_frame(done: int, total: int) -> None:
        nonlocal shown
        if done % CHECK_EVERY == 0:
            check_still_wanted(ctx, job_id, started)
        value = percent(done, total)
        if value > shown:
            record_progress(ctx, job_id, value, FRAMES)
            shown = value

    try:
        preset = get_preset(work.preset)
        t0 = time.perf_counter()
        scale = ctx.settings.motion_scale
        record_progress(ctx, job_id, 0, FRAMES)
        data = encode_mp4(frames(work.plan, work.seed, preset, work.seconds, scale=scale,
                                 on_frame=on_frame, fonts=fonts_for(ctx.settings)),
                          *preset.size(scale), preset.fps)
        check_still_wanted(ctx, job_id, started)
        record_progress(ctx, job_id, shown, SAVING)
        seconds = time.perf_counter() - t0
        RENDER_SECONDS.labels("motion").observe(seconds)
        key = video_key(work.cover_id, job_id)
        ctx.store.put(key, data)
        with transaction(ctx.sessions) as session:
            job = session.get(Job, job_id)
            assert job is not None
            job.result_key = key
            job.render_seconds += seconds
        return end(ctx, job_id, lifecycle.SUCCEEDED, None)
    except JobStopped as stop:
        return end(ctx, job_id, stop.state, stop.reason)
    except Exception as exc:  # a render failure fails the job, never the worker
        log.exception("motion job failed", extra={"job_id": job_id})
        return end(ctx, job_id, lifecycle.FAILED, f"{type(exc).__name__}: {exc}"[:2000])
