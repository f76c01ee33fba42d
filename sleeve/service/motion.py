"""Use cases for motion loops: ask for one of a cover (a ``motion`` job), fetch the MP4.

A loop is a job on the ``cpu`` queue like any render (the database holds its state; the
queue carries only its id), so it survives restarts, shows progress per frame and can be
cancelled through ``/v1/jobs``. Only the cover's owner may ask for one: a loop costs minutes
of CPU, and the MP4 is theirs to publish.
"""

from __future__ import annotations

import logging

from sleeve.core.motion_presets import get_preset
from sleeve.db.engine import transaction
from sleeve.db.models import Cover, Job
from sleeve.db.types import new_id, utcnow
from sleeve.jobs import lifecycle
from sleeve.jobs.queue import CPU_QUEUE
from sleeve.schemas.covers import AppleMotion, CanvasMotion
from sleeve.schemas.jobs import JobView
from sleeve.service.context import Services
from sleeve.service.errors import Conflict, NotFound
from sleeve.service.job_queries import gate_new_job, job_view, owned_job, take_turns
from sleeve.service.ownership import get_owned

log = logging.getLogger("sleeve.service")


def loop_length(request: CanvasMotion | AppleMotion) -> float:
    """The asked length, or the preset's default."""
    preset = get_preset(request.preset)
    return preset.seconds if request.seconds is None else request.seconds


def _tempo(plan: dict[str, object]) -> float | None:
    """The beat the plan's track gives its motion (``motion_tempo_bpm``), if any."""
    bpm = plan.get("motion_tempo_bpm")
    return float(bpm) if isinstance(bpm, int | float) and bpm > 0 else None


def create_motion_job(services: Services, user_id: str, cover_id: str,
                      request: CanvasMotion | AppleMotion) -> JobView:
    """Store a ``motion`` job for the user's own cover, then hand its id to the cpu queue."""
    preset = get_preset(request.preset)
    with transaction(services.sessions) as session:
        take_turns(session, user_id)
        gate_new_job(session, user_id, None, "", services.settings.rate_limit_jobs_per_minute)
        cover = get_owned(session, Cover, cover_id, user_id, "cover")
        if cover.engine != "procedural":
            raise Conflict(f"cover {cover_id} was made by the {cover.engine} engine; motion "
                           "loops are drawn by the procedural styles")
        job = Job(
            id=new_id(), user_id=user_id, brief_id=cover.brief_id, state=lifecycle.QUEUED,
            progress=0, count=1, engine="procedural", style=cover.style, seed=cover.seed,
            size=max(preset.width, preset.height), queue=CPU_QUEUE, created_at=utcnow(),
            attempts=0, crashes=0, cancel_requested=False, render_seconds=0.0, kind="motion",
            cover_id=cover.id, motion_preset=preset.name,
            motion_seconds=preset.loop_seconds(loop_length(request), _tempo(cover.plan)),
        )
        session.add(job)
        session.flush()
        view = job_view(session, job)
    try:
        services.queue.submit(view.id, CPU_QUEUE)
    except Exception:
        # The job is stored: the queue's sweeper hands it over once the broker is back.
        log.exception("could not hand the job to the queue", extra={"job_id": view.id})
    return view


def motion_video(services: Services, user_id: str, job_id: str) -> bytes:
    """The MP4 a finished ``motion`` job of ``user_id`` made; 404 otherwise."""
    with transaction(services.sessions) as session:
        job, _brief = owned_job(session, user_id, job_id)
        key = job.result_key if job.kind == "motion" else None
    if key is None:
        raise NotFound(f"job {job_id} has no video (not a finished motion job)")
    return services.store.get(key)
