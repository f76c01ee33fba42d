"""``/v1/covers``: a cover, its image (cached variants, ETag/304), publishing, reviews."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import Field

from sleeve.api.deps import MaybeUserDep, RowId, ServicesDep, UserDep
from sleeve.core.fields import StrictBody, Text, WholeNumber
from sleeve.service import covers
from sleeve.service.covers import ImageFormat
from sleeve.service.views import CoverDetailView, CoverView, ReviewView

router = APIRouter(prefix="/v1/covers", tags=["covers"])


class CoverUpdate(StrictBody):
    is_public: bool


class ReviewBody(StrictBody):
    rating: Annotated[int, Field(ge=1, le=5), WholeNumber]
    comment: Annotated[Text, Field(max_length=covers.MAX_COMMENT)] = ""


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
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}, 304: {}},
)
def cover_image(
    cover_id: RowId, request: Request, user: MaybeUserDep, services: ServicesDep,
    size: Annotated[int | None, Query(ge=16, le=4096, description=(
        "Width and height in pixels: one of 64, 128, 256, 512, 600, 1024, 1500, 2048, 3000 "
        "up to the master's, or the master's own size (the default)."))] = None,
    format: Annotated[ImageFormat, Query()] = "jpeg",
) -> Response:
    cover, size, etag = covers.image_lookup(services, user.id if user else None, cover_id,
                                            size, format)
    # Public covers may sit in shared caches; private ones only in the owner's browser.
    headers = {"ETag": etag, "Cache-Control": (
        "public, max-age=86400" if cover.is_public else "private, max-age=86400")}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    blob = covers.cover_image(services, cover, size, format)
    return Response(blob.data, media_type=blob.media_type, headers=headers)


@router.post("/{cover_id}/reviews", status_code=status.HTTP_201_CREATED)
def review_cover(cover_id: RowId, body: ReviewBody, user: UserDep,
                 services: ServicesDep) -> ReviewView:
    return covers.review_cover(services, user.id, cover_id, body.rating, body.comment)
