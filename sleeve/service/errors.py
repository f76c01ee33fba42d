"""Errors a use case raises; the API maps each to an HTTP status and a problem document."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    title = "Bad request"

    def __init_subclass__(cls, *, status: int | None = None, title: str | None = None,
                          **kwargs: Any) -> None:
        # Each kind of error is declared in one line: its HTTP status and problem title.
        super().__init_subclass__(**kwargs)
        cls.status = cls.status if status is None else status
        cls.title = cls.title if title is None else title

    def __init__(self, detail: str, reason: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        # A word naming the rule that refused the request, for clients to act on (and pages
        # to translate): a refused photo says "no-face", "several-faces", ...
        self.reason = reason


class NotFound(ServiceError, status=404, title="Not found"):
    pass


class Conflict(ServiceError, status=409, title="Conflict"):
    pass


class Unauthorized(ServiceError, status=401, title="Unauthorized"):
    pass


class Forbidden(ServiceError, status=403, title="Forbidden"):
    pass


class Invalid(ServiceError, status=422, title="Invalid request"):
    pass


class Unavailable(ServiceError, status=503, title="Service unavailable"):
    pass


class RateLimited(ServiceError, status=429, title="Too many requests"):
    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class TooLarge(ServiceError, status=413, title="Content too large"):
    pass


class Unsupported(ServiceError, status=415, title="Unsupported media type"):
    pass
