"""``/v1/me``: the caller and their API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from sleeve.core.fields import Name, StrictBody
from sleeve.schemas.base import View


class UserView(View):
    id: str
    email: str | None
    display_name: str
    role: Literal["user", "admin"]
    created_at: datetime


class TokenView(View):
    id: str
    name: str
    prefix: str = Field(description="The first characters of the token, to recognise it.")
    created_at: datetime
    expires_at: datetime | None


class NewTokenView(TokenView):
    token: str = Field(description="The secret; shown only once.")


class NewToken(StrictBody):
    name: Annotated[Name, Field(min_length=1, max_length=100)]
