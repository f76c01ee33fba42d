"""``/v1/jobs``: create (202 + Location), read, stream progress (SSE), cancel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response, status
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from sleeve.api.deps import RowId, ServicesDep, UserDep
from sleeve.api.openapi import problems
from sleeve.api.uploads import inline_schema, json_or_multipart
from sleeve.audio import AUDIO_LIMITS
from sleeve.core.fields import Line
from sleeve.core.job_states import TERMINAL
from sleeve.schemas.jobs import JobRequest, JobView
from sleeve.service import jobs, motion
from sleeve.service.context import Services
from sleeve.service.uploads import analyze_track

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
EVENT_POLL_S = 0.5
KEEPALIVE_S = 15.0


_JOB_REQUEST = inline_schema(JobRequest)
# The body is JSON (a JobRequest), or multipart with that JSON in `request` and the track in
# `audio`: FastAPI declares one body type per route, so the route reads it itself.
_JOB_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": _JOB_REQUEST},
    "multipart/form-data": {"schema": {
        "type": "object", "required": ["request"], "additionalProperties": False,
        "properties": {
            "request": {**_JOB_REQUEST, "description": "The JobRequest, as JSON text."},
            "audio": {"type": "string", "format": "binary", "description":
                      "Optional: the track (WAV, FLAC, MP3, OGG; ≤ 50 MB, ≤ 15 min). Its "
                      "tempo, energy and mode steer the art; only those features are kept."},
        },
    }},
}}}


# These handlers are async and hand only the use case to the thread pool: FastAPI runs a sync
# handler in the pool and then validates its response in the pool *again*, and each hop is
# a wait for a thread and the GIL. Validating a JobView that is already one is a type check.
@router.post("", status_code=status.HTTP_202_ACCEPTED, openapi_extra=_JOB_BODY,
             responses=problems(400, 404, 409, 413, 415, 429))
async def create_job(
    request: Request, user: UserDep, services: ServicesDep, response: Response,
    idempotency_key: Annotated[Line | None, Header(min_length=1, max_length=200)] = None,
) -> JobView:
    body, track = await json_or_multipart(request, JobRequest, "request", "audio",
                                          AUDIO_LIMITS.max_bytes)
    audio = None if track is None else await run_in_threadpool(analyze_track, track)
    del track  # the audio is not kept: only its features go on
    job, _created = await run_in_threadpool(jobs.create_job, services, user.id, body,
                                            idempotency_key, audio)
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return job


@router.get("/{job_id}")
async def get_job(job_id: RowId, user: UserDep, services: ServicesDep) -> JobView:
    return await run_in_threadpool(jobs.get_job, services, user.id, job_id)


@router.post("/{job_id}/cancel", responses=problems(409))
async def cancel_job(job_id: RowId, user: UserDep, services: ServicesDep) -> JobView:
    return await run_in_threadpool(jobs.cancel_job, services, user.id, job_id)


async def _events(services: Services, user_id: str, first: JobView) -> AsyncIterator[str]:
    job, last, quiet = first, None, 0.0
    while True:
        seen = (job.state, job.stage, job.progress, len(job.covers))
        if seen != last:
            last, quiet = seen, 0.0
            name = "done" if job.state in TERMINAL else "progress"
            yield f"event: {name}\nid: {job.progress}\ndata: {job.model_dump_json()}\n\n"
            if job.state in TERMINAL:
                return
        elif quiet >= KEEPALIVE_S:
            quiet = 0.0
            yield ": keep-alive\n\n"
        await asyncio.sleep(EVENT_POLL_S)
        quiet += EVENT_POLL_S
        job = await run_in_threadpool(jobs.get_job, services, user_id, job.id)


@router.get(
    "/{job_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}},
                     "description": "`progress` events, then one `done` event (job JSON)."}},
)
def job_events(job_id: RowId, user: UserDep, services: ServicesDep) -> StreamingResponse:
    first = jobs.get_job(services, user.id, job_id)  # 404 before the stream starts
    return StreamingResponse(
        _events(services, user.id, first), media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get(
    "/{job_id}/video",
    response_class=Response,
    responses={200: {"content": {"video/mp4": {}}, "description": "A motion job's loop"},
               **problems(409)},
)
def job_video(job_id: RowId, user: UserDep, services: ServicesDep) -> Response:
    return Response(motion.motion_video(services, user.id, job_id), media_type="video/mp4",
                    headers={"Cache-Control": "private, max-age=86400"})
