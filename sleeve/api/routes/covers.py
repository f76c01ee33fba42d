"""``/v1/covers``: a cover, its image (variants made by workers, ETag/304), publishing, reviews."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from sleeve.api.deps import MaybeUserDep, RowId, ServicesDep, UserDep
from sleeve.api.openapi import problems
from sleeve.core.formats import ImageFormat
from sleeve.schemas.covers import (
    CoverDetailView,
    CoverUpdate,
    CoverView,
    MotionRequest,
    ReviewBody,
    ReviewView,
)
from sleeve.schemas.jobs import JobView
from sleeve.service import covers, kit, motion

router = APIRouter(prefix="/v1/covers", tags=["covers"])


@router.get("/{cover_id}")
def get_cover(cover_id: RowId, user: MaybeUserDep, services: ServicesDep) -> CoverDetailView:
    return covers.get_cover(services, user.id if user else None, cover_id)


@router.patch("/{cover_id}")
def update_cover(cover_id: RowId, body: CoverUpdate, user: UserDep,
                 services: ServicesDep) -> CoverView:
    return covers.set_public(services, user.id, cover_id, body.is_public)


@router.get(
    "/{cover_id}/image",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}, "image/png": {}}},
        202: {"description": "The image is being made by a worker: ask again after "
                             "Retry-After seconds.",
              "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
        304: {},
    },
)
async def cover_image(
    cover_id: RowId, request: Request, user: MaybeUserDep, services: ServicesDep,
    size: Annotated[int | None, Query(ge=16, le=4096, description=(
        "Width and height in pixels: one of 64, 128, 256, 512, 600, 1024, 1500, 2048, 3000 "
        "up to the master's, or the master's own size (the default)."))] = None,
    format: Annotated[ImageFormat, Query()] = "jpeg",
) -> Response:
    cover, pixels, etag = await run_in_threadpool(
        covers.image_lookup, services, user.id if user else None, cover_id, size, format)
    # Public covers may sit in shared caches; private ones only in the owner's browser.
    headers = {"ETag": etag, "Cache-Control": (
        "public, max-age=86400" if cover.is_public else "private, max-age=86400")}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    found = await covers.wait_for_image(services, cover, pixels, format)
    if isinstance(found, covers.Pending):
        return _come_back(found)
    return Response(found.data, media_type=found.media_type, headers=headers)


def attachment(filename: str) -> str:
    """``Content-Disposition`` for a download (RFC 6266): the exact name as UTF-8 (RFC 8187)
    with an ASCII one for old clients. Headers are Latin-1, so a Hangul name sent as is
    failed the whole response."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                       for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _come_back(pending: covers.Pending) -> JSONResponse:
    """202: a worker is making what was asked for; ask again after Retry-After seconds."""
    return JSONResponse({"state": "pending", "retry_after_s": pending.retry_after_s},
                        status_code=status.HTTP_202_ACCEPTED,
                        headers={"Retry-After": str(pending.retry_after_s),
                                 "Cache-Control": "no-store"})


@router.get(
    "/{cover_id}/kit",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/zip": {}},
              "description": "Every format of the release kit (JPEG), streamed"},
        202: {"description": "The kit is being made by a worker: ask again after "
                             "Retry-After seconds.",
              "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
        **problems(409),
    },
)
async def cover_kit(cover_id: RowId, user: MaybeUserDep, services: ServicesDep) -> Response:
    """The release kit: the cover re-composed for 1:1, 4:5, 9:16, 16:9 and 3:1, as a ZIP."""
    cover = await run_in_threadpool(kit.kit_lookup, services, user.id if user else None,
                                    cover_id)
    found = await kit.wait_for_kit(services, cover)
    if isinstance(found, covers.Pending):
        return _come_back(found)
    chunks = await run_in_threadpool(kit.kit_chunks, services, found)
    return StreamingResponse(chunks, media_type="application/zip", headers={
        "Content-Disposition": attachment(kit.kit_filename(cover)),
        "Cache-Control": "public, max-age=86400" if cover.is_public else "private, no-store",
    })


@router.post("/{cover_id}/motion", status_code=status.HTTP_202_ACCEPTED,
             responses=problems(409, 429))
def cover_motion(cover_id: RowId, body: MotionRequest, user: UserDep, services: ServicesDep,
                 response: Response) -> JobView:
    """A motion loop of the cover: a ``motion`` job; its MP4 is at the job's ``video_url``."""
    job = motion.create_motion_job(services, user.id, cover_id, body)
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return job


@router.post("/{cover_id}/reviews", status_code=status.HTTP_201_CREATED)
def review_cover(cover_id: RowId, body: ReviewBody, user: UserDep,
                 services: ServicesDep) -> ReviewView:
    return covers.review_cover(services, user.id, cover_id, body.rating, body.comment)
