"""``/v1/auth``: register, log in (bearer token + session cookie), log out."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from sleeve.api.deps import ServicesDep, UserDep
from sleeve.api.openapi import problems
from sleeve.api.session_cookie import end_session, start_session
from sleeve.schemas.accounts import UserView
from sleeve.schemas.auth import Credentials, LoginResult, NewAccount
from sleeve.service import accounts

router = APIRouter(prefix="/v1/auth", tags=["auth"])


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
