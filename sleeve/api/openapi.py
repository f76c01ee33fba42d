"""The OpenAPI document tells the truth about errors and auth.

FastAPI documents the happy path. This fills in, for every operation, the error responses the
server really sends (all ``application/problem+json`` with one ``Problem`` schema), which
operations need credentials (bearer token or session cookie) and which merely accept them.
What a route can answer beyond the generic rules below it declares itself with ``problems()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from sleeve.api.deps import admin_user, current_user, optional_user
from sleeve.api.problems import PROBLEM_JSON, TITLES

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error (RFC 9457).",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "On 422: each invalid field and what is wrong with it.",
            "items": {"type": "object", "required": ["field", "message"], "properties": {
                "field": {"type": "string"}, "message": {"type": "string"}}},
        },
        "error_id": {"type": "string", "description": "On 500: quote it when reporting."},
        "reason": {"type": "string", "description": (
            "The rule that refused the request, as one word (a refused photo: too-large, "
            "unsupported, too-many-pixels, damaged, no-face, several-faces, face-too-small).")},
    },
    "additionalProperties": True,
}
DESCRIPTIONS = {
    400: "The body could not be read (not UTF-8 JSON, or a malformed multipart form).",
    401: "No valid credentials.",
    403: "Not allowed (admins only, or a cross-site write).",
    404: "No such resource (or not yours).", 409: "Conflicts with the current state.",
    413: "Request body (or an uploaded file) too large.",
    415: "The body, or an uploaded file, is not of a type this route takes.",
    422: "Invalid input; `errors` names each field.", 429: "Too many requests; see Retry-After.",
    503: "A dependency is unavailable.",
}
SECURITY_SCHEMES: dict[str, Any] = {
    "bearerToken": {"type": "http", "scheme": "bearer",
                    "description": "A token from /v1/auth/login or /v1/me/tokens."},
    "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "sleeve_session",
                      "description": "The web session set by /v1/auth/login."},
}
REQUIRED_AUTH: list[dict[str, list[str]]] = [{"bearerToken": []}, {"sessionCookie": []}]
OPTIONAL_AUTH: list[dict[str, list[str]]] = [{}, *REQUIRED_AUTH]
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def problem_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": DESCRIPTIONS.get(status, TITLES.get(status, "Error")),
        "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
    }
    if status == 429:
        response["headers"] = {"Retry-After": {
            "description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 1}}}
    return response


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: the errors only it can answer."""
    return {status: problem_response(status) for status in statuses}


def dependency_calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dep in dependant.dependencies:
        if dep.call is not None:
            yield dep.call
        yield from dependency_calls(dep)


def _errors_for(route: APIRoute, method: str) -> tuple[set[int], list[dict[str, list[str]]] | None]:
    calls = set(dependency_calls(route.dependant))
    statuses: set[int] = set()
    security = None
    if current_user in calls or admin_user in calls:
        statuses.add(401)
        security = REQUIRED_AUTH
        if admin_user in calls or method in _UNSAFE:
            statuses.add(403)
    elif optional_user in calls:
        security = OPTIONAL_AUTH
        if method in _UNSAFE:
            statuses.add(403)
    dependant = route.dependant
    if dependant.path_params:
        statuses.add(404)
    params = (dependant.path_params or dependant.query_params or dependant.header_params
              or dependant.cookie_params)
    if params or dependant.body_params:
        statuses.add(422)
    if dependant.body_params:
        statuses |= {400, 413, 415}
    return statuses, security


def install_openapi(app: FastAPI, max_body_bytes: int) -> None:
    """``max_body_bytes``: the limit the request middleware enforces, stated on every 413."""
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version,
                             description=app.description, routes=app.routes)
        components = schema.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        schemas["Problem"] = PROBLEM_SCHEMA
        components["securitySchemes"] = SECURITY_SCHEMES
        for context in iter_route_contexts(app.routes):
            route = context.original_route
            if not isinstance(route, APIRoute) or not route.include_in_schema:
                continue
            path = getattr(context, "path_format", route.path_format)
            for method in route.methods or ():
                operation = schema["paths"].get(path, {}).get(method.lower())
                if operation is None:
                    continue
                statuses, security = _errors_for(route, method)
                responses = operation.setdefault("responses", {})
                for status in statuses:
                    responses.setdefault(str(status), problem_response(status))
                if "413" in responses:
                    responses["413"]["description"] = (
                        f"Request body over {max_body_bytes} bytes.")
                # FastAPI's own 422 says application/json and HTTPValidationError.
                if "422" in responses:
                    responses["422"] = problem_response(422)
                if security is not None:
                    operation["security"] = security
                else:
                    operation.pop("security", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
