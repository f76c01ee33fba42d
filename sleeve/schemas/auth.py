"""``/v1/auth``: register, log in."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from sleeve.core.fields import Email, Line, StrictBody
from sleeve.schemas.accounts import UserView

MIN_PASSWORD = 8
MAX_PASSWORD = 1024


class NewAccount(StrictBody):
    email: Email
    password: Annotated[Line, Field(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD)]


class Credentials(StrictBody):
    email: Email
    password: Annotated[Line, Field(min_length=1, max_length=MAX_PASSWORD)]


class LoginResult(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime | None
    user: UserView
