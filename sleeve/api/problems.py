"""Every error as ``application/problem+json`` (RFC 9457)."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from sleeve.errors import field_message, field_name
from sleeve.service.errors import RateLimited, ServiceError

PROBLEM_JSON = "application/problem+json"
_FIELD_FIRST = re.compile(r"^([A-Za-z_][\w-]*(?:\.[\w-]+)*): (.+)$", re.DOTALL)
TITLES = {
    400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
    405: "Method not allowed", 409: "Conflict", 413: "Content too large",
    415: "Unsupported media type", 422: "Invalid request", 429: "Too many requests",
    431: "Request header fields too large",
    500: "Internal server error", 503: "Service unavailable",
}


_FASTAPI_UNREADABLE = "There was an error parsing the body"
UNREADABLE_JSON = ("the body could not be read as JSON: it must be UTF-8 text, nested at most "
                   "a few hundred levels deep")
UNREADABLE_FORM = "the body could not be read as a multipart form"


def problem_body(status: int, detail: str, instance: str = "", **extra: Any) -> bytes:
    body: dict[str, Any] = {
        "type": "about:blank", "title": TITLES.get(status, "Error"), "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    # "replace": a lone surrogate echoed from the request must not turn a 4xx into a 500.
    return json.dumps(body, ensure_ascii=False).encode("utf-8", "replace")


def problem(status: int, detail: str, instance: str = "",
            headers: dict[str, str] | None = None, **extra: Any) -> Response:
    return Response(problem_body(status, detail, instance, **extra), status_code=status,
                    media_type=PROBLEM_JSON, headers=headers)


def _located(request: Request, name: str) -> str:
    """``cursor`` → ``query.cursor``: where a field named by a use case came from, in the
    same form as the request validation errors."""
    if name in request.path_params:
        return f"path.{name}"
    if name in request.query_params:
        return f"query.{name}"
    if name.lower() in request.headers:
        return f"header.{name.lower()}"
    return f"body.{name}"


async def _service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, RateLimited) else None
    if exc.status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    extra: dict[str, Any] = {}
    if exc.reason is not None:
        extra["reason"] = exc.reason
    # Use cases name the field first ("size: choose one of ..."), as validation errors do.
    named = _FIELD_FIRST.match(exc.detail) if exc.status == 422 else None
    if named:
        extra["errors"] = [{"field": _located(request, named[1]), "message": named[2]}]
    return problem(exc.status, exc.detail, request.url.path, headers, **extra)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": field_name(tuple(e["loc"])), "message": field_message(dict(e))}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(422, detail, request.url.path, errors=errors)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "Error")
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no route {request.url.path}"
    elif exc.status_code == 400 and detail == _FASTAPI_UNREADABLE:
        # FastAPI's words for any body json.loads cannot take (bytes that are not UTF-8,
        # nesting past the parser's depth): say which of those it can be.
        form = request.headers.get("content-type", "").startswith("multipart/")
        detail = UNREADABLE_FORM if form else UNREADABLE_JSON
    return problem(exc.status_code, detail, request.url.path, dict(exc.headers or {}))


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
