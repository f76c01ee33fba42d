"""The query parameters every list of covers takes (``/v1/gallery``, ``/v1/me/covers``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from sleeve.core.fields import Line
from sleeve.service.cursor import CURSOR_HELP, CURSOR_PATTERN
from sleeve.service.listing import MAX_PAGE, MAX_QUERY, Filters, Sort


@dataclass(frozen=True)
class ListParams:
    q: str | None
    genre: str | None
    style: str | None
    cursor: str | None
    limit: int

    def filters(self, sort: Sort, artist: str | None = None) -> Filters:
        return Filters.of(sort, q=self.q, genre=self.genre, style=self.style, artist=artist)


def list_params(
    q: Annotated[Line | None, Query(max_length=MAX_QUERY, description=(
        "Search: part of the title or the artist's name, in any case (any language)."))] = None,
    genre: Annotated[Line | None, Query(max_length=50, description="A genre family.")] = None,
    style: Annotated[Line | None, Query(max_length=50, description="A style name.")] = None,
    cursor: Annotated[str | None, Query(max_length=500, pattern=CURSOR_PATTERN, description=(
        f"{CURSOR_HELP} A cursor holds to the sort and filters it was made with: with others "
        "it is a 422."))] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 24,
) -> ListParams:
    return ListParams(q=q, genre=genre, style=style, cursor=cursor, limit=limit)


ListParamsDep = Annotated[ListParams, Depends(list_params)]
