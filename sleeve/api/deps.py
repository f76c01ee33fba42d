"""Dependencies: the per-process services and the calling user (bearer token or cookie)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Path, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from sleeve.core.fields import Line
from sleeve.service import accounts, roles
from sleeve.service.context import Services
from sleeve.service.errors import Forbidden, Invalid, Unauthorized

_bearer = HTTPBearer(auto_error=False, description="A token from /v1/auth/login or /v1/me/tokens")
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class CurrentUser:
    id: str
    email: str | None
    token: str  # the secret that authenticated this request
    via: str  # "bearer" | "cookie"


def _query_params(dependant: Dependant) -> Iterator[str]:
    yield from (param.alias for param in dependant.query_params)
    for sub in dependant.dependencies:
        yield from _query_params(sub)


_QUERY_NAMES: dict[int, frozenset[str]] = {}


def _query_names(route: APIRoute) -> frozenset[str]:
    # Keyed by identity: routes live as long as the app (and are not hashable).
    names = _QUERY_NAMES.get(id(route))
    if names is None:
        names = _QUERY_NAMES[id(route)] = frozenset(_query_params(route.dependant))
    return names


async def single_query_values(request: Request) -> None:
    """Every query parameter this API declares takes one value: ``?kind=a&kind=b`` is a 422
    rather than silently the last one (on every route, as an app dependency)."""
    route = request.scope.get("route")
    items = request.query_params.multi_items()
    if not isinstance(route, APIRoute) or len(items) < 2:
        return
    names, seen = _query_names(route), set()
    for key, _value in items:
        if key in names and key in seen:
            raise Invalid(f"{key}: give it once")
        seen.add(key)


async def get_services(request: Request) -> Services:
    # async: a sync dependency would cost a thread-pool hop on every request.
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]
# Every ``{..._id}`` in a path: an id this API gave out (anything else is simply not found).
RowId = Annotated[Line, Path(min_length=1, max_length=32, description="An id from this API.")]


# The page sends this on every call. A cross-site form cannot set a header at all, and a
# cross-site script can only with a CORS preflight, which this API never grants.
CSRF_HEADER = "X-Requested-With"
CSRF_VALUE = "sleeve"


def _cross_site_reason(request: Request) -> str | None:
    """Why a cookie-authenticated write is refused as possible CSRF, or None (three checks,
    each enough alone: SameSite=Lax on the cookie, the origin, the page's own header)."""
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host", ""):
        return "cross-site request refused"
    if request.headers.get("sec-fetch-site") in {"cross-site", "same-site"}:
        return "cross-site request refused"
    if request.headers.get(CSRF_HEADER) != CSRF_VALUE:
        return (f"cookie-authenticated writes need the {CSRF_HEADER}: {CSRF_VALUE} header "
                "(or use a bearer token)")
    return None


async def _resolve(request: Request, services: Services,
                   credentials: HTTPAuthorizationCredentials | None) -> CurrentUser | None:
    if credentials is not None:
        token, via = credentials.credentials, "bearer"
    else:
        cookie = request.cookies.get(services.settings.session_cookie)
        if not cookie:
            return None
        token, via = cookie, "cookie"
    # A cache hit answers on the event loop; only a miss pays a thread-pool hop and a query.
    identity = services.identities.get(token) or await run_in_threadpool(
        accounts.identify, services, token)
    if identity is None:
        return None
    found = CurrentUser(identity[0], identity[1], token, via)
    if via == "cookie" and request.method in _UNSAFE and (
            reason := _cross_site_reason(request)) is not None:
        raise Forbidden(reason)
    return found


async def optional_user(
    request: Request, services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> CurrentUser | None:
    return await _resolve(request, services, credentials)


async def current_user(
    request: Request, services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> CurrentUser:
    user = await _resolve(request, services, credentials)
    if user is None:
        raise Unauthorized("log in, or send a bearer token")
    return user


UserDep = Annotated[CurrentUser, Depends(current_user)]
MaybeUserDep = Annotated[CurrentUser | None, Depends(optional_user)]


async def admin_user(user: UserDep, services: ServicesDep) -> CurrentUser:
    """The one admin check: the role as stored in the database now (granted only by the
    operator's CLI), read afresh so that a revoked admin is refused at once."""
    role = await run_in_threadpool(roles.role_of, services.sessions, user.id)
    if role != roles.ADMIN:
        raise Forbidden("administrators only")
    return user


AdminDep = Annotated[CurrentUser, Depends(admin_user)]
