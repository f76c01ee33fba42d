"""``/v1/check``: the store-rule report for an uploaded cover."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from starlette.concurrency import run_in_threadpool

from sleeve.api.deps import UserDep
from sleeve.api.openapi import problems
from sleeve.api.uploads import read_upload
from sleeve.core.fields import Line
from sleeve.photos import PHOTO_LIMITS
from sleeve.schemas.check import CheckView
from sleeve.service.check import check_upload

router = APIRouter(prefix="/v1/check", tags=["check"])


@router.post("", responses=problems(400, 413, 415, 503))
async def check(
    user: UserDep,
    file: Annotated[UploadFile, File(description="The cover: JPEG, PNG or WebP, ≤ 15 MB.")],
    title: Annotated[Line | None, Form(max_length=200)] = None,
    artist: Annotated[Line | None, Form(max_length=200)] = None,
) -> CheckView:
    """Every store rule for the image (200 whether it passes or not; see ``passed``)."""
    data = await read_upload(file, "file", PHOTO_LIMITS.max_bytes)
    return await run_in_threadpool(check_upload, data, title, artist)
