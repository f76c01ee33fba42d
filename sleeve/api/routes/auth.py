"""``/v1/auth``: register, log in (bearer token + session cookie), log out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field

from sleeve.api.deps import ServicesDep, UserDep
from sleeve.api.openapi import problems
from sleeve.api.session_cookie import end_session, start_session
from sleeve.core.fields import Email, Line, StrictBody
from sleeve.service import accounts
from sleeve.service.views import UserView

router = APIRouter(prefix="/v1/auth", tags=["auth"])


class NewAccount(StrictBody):
    email: Email
    password: Annotated[Line, Field(min_length=accounts.MIN_PASSWORD,
                                    max_length=accounts.MAX_PASSWORD)]


class Credentials(StrictBody):
    email: Email
    password: Annotated[Line, Field(min_length=1, max_length=accounts.MAX_PASSWORD)]


class LoginResult(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime | None
    user: UserView


@router.post("/register", status_code=status.HTTP_201_CREATED, responses=problems(409))
def register(body: NewAccount, services: ServicesDep) -> UserView:
    return accounts.sign_up(services, body.email, body.password)


@router.post("/login", responses=problems(401, 429))
def login(body: Credentials, services: ServicesDep, request: Request,
          response: Response) -> LoginResult:
    address = request.client.host if request.client else "unknown"
    user, issued = accounts.log_in(services, body.email, body.password, address)
    start_session(services, user.id, request, response)
    return LoginResult(access_token=issued.token, expires_at=issued.expires_at, user=user)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(user: UserDep, services: ServicesDep, response: Response) -> None:
    accounts.log_out(services, user.token)
    end_session(services, response)
