"""``/v1/gallery``: public covers, top-rated first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from sleeve.api.deps import ServicesDep
from sleeve.core.fields import Line
from sleeve.schemas.gallery import Page
from sleeve.service import covers
from sleeve.service.cursor import CURSOR_HELP, CURSOR_PATTERN

router = APIRouter(prefix="/v1/gallery", tags=["covers"])


@router.get("")
def gallery(
    services: ServicesDep,
    cursor: Annotated[str | None, Query(max_length=500, pattern=CURSOR_PATTERN,
                                        description=CURSOR_HELP)] = None,
    limit: Annotated[int, Query(ge=1, le=covers.MAX_PAGE)] = 24,
    genre: Annotated[Line | None, Query(max_length=50)] = None,
) -> Page:
    return covers.gallery(services, cursor, limit, genre)
