"""``/v1/auth/oauth/{provider}/login`` and ``/callback``: log in through a provider."""

from __future__ import annotations

import warnings
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sleeve.api.deps import ServicesDep
from sleeve.api.oauth import ProviderConfig, Providers, StarletteOAuth2App, pick
from sleeve.api.openapi import problems
from sleeve.api.session_cookie import start_session
from sleeve.core.fields import Line
from sleeve.service import accounts
from sleeve.service.errors import NotFound, Unauthorized

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from authlib.integrations.base_client import OAuthError

router = APIRouter(prefix="/v1/auth/oauth", tags=["auth"])
ProviderName = Annotated[Line, Path(min_length=1, max_length=50)]


def _client(request: Request, provider: str) -> tuple[StarletteOAuth2App, ProviderConfig]:
    providers: Providers = request.app.state.oauth
    client = providers.client(provider)
    if client is None:
        raise NotFound(f"no oauth provider {provider}")
    return client, providers.configs[provider]


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect would let anyone bounce users to a phishing page.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/{provider}/login", response_class=RedirectResponse, status_code=302)
async def oauth_login(
    provider: ProviderName, request: Request, services: ServicesDep,
    next: Annotated[Line | None, Query(max_length=500)] = None,
) -> Response:
    client, _config = _client(request, provider)
    base = services.settings.public_url.rstrip("/")
    callback = (f"{base}/v1/auth/oauth/{provider}/callback" if base
                else str(request.url_for("oauth_callback", provider=provider)))
    request.session["next"] = _safe_next(next)
    response: Response = await client.authorize_redirect(request, callback)
    return response


@router.get("/{provider}/callback", response_class=RedirectResponse, status_code=302,
            responses=problems(401))
async def oauth_callback(provider: ProviderName, request: Request,
                         services: ServicesDep) -> Response:
    client, config = _client(request, provider)
    try:
        token = await client.authorize_access_token(request)
        info = token.get("userinfo") or (await client.userinfo(token=token))
    except OAuthError as exc:
        raise Unauthorized(f"{provider} login failed: {exc.error}") from exc
    subject = pick(info, config.subject_key)
    if subject is None or str(subject) == "":
        raise Unauthorized(f"{provider} login failed: no {config.subject_key} in userinfo")
    email = pick(info, config.email_key)
    name = pick(info, config.name_key)
    user_id = await run_in_threadpool(
        accounts.oauth_log_in, services, provider, str(subject),
        email if isinstance(email, str) else None, name if isinstance(name, str) else "",
    )
    response = RedirectResponse(_safe_next(request.session.pop("next", None)), status_code=302)
    await run_in_threadpool(start_session, services, user_id, request, response)
    return response
