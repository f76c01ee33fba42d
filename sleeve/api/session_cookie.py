"""Setting and clearing the web session cookie (shared by password and OAuth login)."""

from __future__ import annotations

from starlette.responses import Response

from sleeve.service import accounts
from sleeve.service.context import Services


def start_session(services: Services, user_id: str, response: Response) -> None:
    settings = services.settings
    issued = accounts.start_session(services, user_id)
    response.set_cookie(
        settings.session_cookie, issued.token, max_age=settings.session_max_age_s,
        httponly=True, samesite="lax", secure=settings.cookie_secure, path="/",
    )


def end_session(services: Services, response: Response) -> None:
    response.delete_cookie(services.settings.session_cookie, path="/")
