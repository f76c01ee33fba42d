"""``/v1/gallery``: public covers, top-rated or newest first, searched and filtered."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from sleeve.api.deps import ServicesDep
from sleeve.api.listing import ListParamsDep
from sleeve.core.fields import Line
from sleeve.schemas.gallery import Page
from sleeve.service import listing

router = APIRouter(prefix="/v1/gallery", tags=["covers"])


@router.get("")
def gallery(
    services: ServicesDep, params: ListParamsDep,
    sort: Annotated[listing.Sort, Query(description=(
        "`top`: best rated first; `new`: newest first."))] = "top",
    artist: Annotated[Line | None, Query(max_length=200, description=(
        "An artist's page: only covers credited to exactly this artist."))] = None,
) -> Page:
    return listing.gallery(services, params.filters(sort, artist), params.cursor, params.limit)
