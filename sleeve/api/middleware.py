"""One pure-ASGI middleware for what every request needs: request id, access log, latency
metric, body limit (413), content type (415) and the last-resort 500 with an error id.

Pure ASGI rather than ``BaseHTTPMiddleware`` because it adds far less latency per request.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sleeve.api.metrics import REQUEST_SECONDS
from sleeve.api.problems import PROBLEM_JSON, problem_body
from sleeve.logs import request_id

log = logging.getLogger("sleeve.api")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_BODY_METHODS = {"POST", "PUT", "PATCH"}


class BodyTooLarge(Exception):
    pass


# On every response, unless the route set its own (the page sets a CSP that lets it load its
# scripts and styles): API answers and images load nothing, and nothing may frame them.
_BASELINE: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


def security_headers(scope: Scope, headers: list[tuple[bytes, bytes]]
                     ) -> list[tuple[bytes, bytes]]:
    """``headers`` plus the baseline the response lacks; HSTS only over TLS (a browser ignores
    it on plain HTTP, and sending it there would pin a development host to HTTPS)."""
    present = {name.lower() for name, _ in headers}
    wanted = [*_BASELINE, _HSTS] if scope.get("scheme") in {"https", "wss"} else _BASELINE
    return [*headers, *((name, value) for name, value in wanted if name not in present)]


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _is_json(content_type: str | None) -> bool:
    if content_type is None:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _is_multipart(content_type: str | None) -> bool:
    return content_type is not None and content_type.split(";", 1)[0].strip().lower() == (
        "multipart/form-data")


def _path_pattern(path: str) -> re.Pattern[str]:
    parts = ("[^/]+" if part.startswith("{") and part.endswith("}") else re.escape(part)
             for part in path.split("/"))
    return re.compile("^" + "/".join(parts) + "$")


class RequestMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int,
                 uploads: Mapping[str, int] | None = None) -> None:
        """``uploads``: the paths that take multipart bodies, each with its own byte limit."""
        self.app = app
        self.max_body = max_body_bytes
        self.uploads = dict(uploads or {})
        # Paths with ``{id}`` segments (``/v1/subjects/{id}/photos``) match any one segment.
        self._patterns = [
            (_path_pattern(path), limit) for path, limit in self.uploads.items() if "{" in path]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        rid = incoming if incoming and _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500
        response_started = False
        overflow = False
        limit = self._limit(scope)

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if overflow:
                # The app answered a body it could not read whole (FastAPI says 400); the
                # real reason is the size, so that is what the client gets.
                if message["type"] == "http.response.start" and not response_started:
                    await reply(413, f"request body over {limit} bytes")
                return
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message["headers"] = security_headers(scope, [
                    *message.get("headers", []), (b"x-request-id", rid.encode())])
            await send(message)

        async def reply(code: int, detail: str, **extra: object) -> None:
            nonlocal status, response_started
            body = problem_body(code, detail, scope["path"], **extra)
            status, response_started = code, True
            await send({"type": "http.response.start", "status": code,
                        "headers": security_headers(scope, [
                            (b"content-type", PROBLEM_JSON.encode()),
                            (b"content-length", str(len(body)).encode()),
                            (b"x-request-id", rid.encode())])})
            await send({"type": "http.response.body", "body": body})

        received = 0

        async def limited_receive() -> Message:
            nonlocal received, overflow
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    overflow = True
                    raise BodyTooLarge
            return message

        try:
            rejection = self._reject(scope, limit)
            if rejection is not None:
                await reply(*rejection)
            else:
                await self.app(scope, limited_receive, send_with_id)
        except BodyTooLarge:
            if not response_started:
                await reply(413, f"request body over {limit} bytes")
        except Exception:
            error_id = uuid.uuid4().hex
            log.exception("unexpected error", extra={"error_id": error_id})
            if not response_started:
                await reply(500, f"unexpected error; quote error id {error_id}",
                            error_id=error_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            REQUEST_SECONDS.labels(scope["method"], template, str(status)).observe(elapsed)
            log.info("request", extra={
                "method": scope["method"], "path": scope["path"], "route": template,
                "status": status, "duration_ms": round(elapsed * 1000, 2),
            })
            request_id.reset(token)

    def _upload_limit(self, path: str) -> int | None:
        """The byte limit of a path that takes multipart uploads; None for other paths."""
        if path in self.uploads:
            return self.uploads[path]
        return next((limit for pattern, limit in self._patterns if pattern.match(path)), None)

    def _limit(self, scope: Scope) -> int:
        upload = self._upload_limit(scope["path"])
        if upload is not None and _is_multipart(_header(scope, b"content-type")):
            return upload
        return self.max_body

    def _reject(self, scope: Scope, limit: int) -> tuple[int, str] | None:
        length = _header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return 413, f"request body over {limit} bytes"
        has_body = (length is not None and length != "0") or (
            _header(scope, b"transfer-encoding") is not None)
        content_type = _header(scope, b"content-type")
        if (scope["method"] in _BODY_METHODS and has_body and scope["path"].startswith("/v1/")
                and not _is_json(content_type)):
            if self._upload_limit(scope["path"]) is not None:
                if not _is_multipart(content_type):
                    return 415, "send the body as application/json or multipart/form-data"
            else:
                return 415, "send the body as application/json"
        return None
