"""``/v1/gallery`` and ``/v1/me/covers``: pages of covers."""

from __future__ import annotations

from pydantic import Field

from sleeve.schemas.base import View
from sleeve.schemas.covers import CoverView


class Page(View):
    items: list[CoverView]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")
