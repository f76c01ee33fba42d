"""Setting and clearing the web session cookie (shared by password and OAuth login)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from sleeve.service import accounts
from sleeve.service.context import Services


def start_session(services: Services, user_id: str, request: Request,
                  response: Response) -> None:
    settings = services.settings
    issued = accounts.start_session(services, user_id)
    # Secure whenever this request came over TLS (directly, or through a proxy uvicorn trusts
    # for X-Forwarded-Proto), and always when the operator says the site is HTTPS-only.
    response.set_cookie(
        settings.session_cookie, issued.token, max_age=settings.session_max_age_s,
        httponly=True, samesite="lax", path="/",
        secure=settings.cookie_secure or request.url.scheme == "https",
    )


def end_session(services: Services, response: Response) -> None:
    response.delete_cookie(services.settings.session_cookie, path="/")
