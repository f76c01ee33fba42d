"""Transient faults: errors a job should outlive (a dropped database connection, a broker or
blob store that is briefly unreachable) as opposed to ones that fail it (bad input, a bug).

A worker retries a small write a few times with backoff (``retrying``) so a blip of a second
or two costs nothing; a fault that outlasts those retries ends the attempt, and the queue runs
the job again later (Celery: ``task.retry`` with backoff). Storage that refuses writes
(read-only, full) is transient too: the operator fixes it and the job goes on, or it fails
with the reason once its retries are spent.
"""

from __future__ import annotations

import errno
import logging
import time
from collections.abc import Callable
from typing import Final, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

log = logging.getLogger("sleeve.jobs")
T = TypeVar("T")

# Errno values of an I/O fault that may clear by itself or by an operator's hand.
_IO_ERRNOS: Final = frozenset({
    errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EIO,
    errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.ETIMEDOUT, errno.EPIPE,
    errno.EHOSTUNREACH, errno.ENETUNREACH,
})
# Backoff of ``retrying``: 0.1, 0.2, 0.4, 0.8, 1.6 s (about 3 s in all), well inside a lease.
RETRY_DELAYS_S: Final = (0.1, 0.2, 0.4, 0.8, 1.6)


class TransientJobError(Exception):
    """An attempt of a job ended by a transient fault; the job itself is fine to run again."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(describe(cause))
        self.cause = cause


def describe(exc: BaseException) -> str:
    """One line for a job's ``error``: what failed, in the driver's or the OS's words."""
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"storage refuses writes ({exc.strerror}: {exc.filename or ''})".replace(
            ": )", ")")
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"storage is full ({exc.strerror})"
    if isinstance(exc, DBAPIError):
        first = (str(exc.orig).strip().splitlines() or [type(exc.orig).__name__])[0]
        return f"database unavailable: {first}"
    return f"{type(exc).__name__}: {exc}"[:300]


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, TransientJobError):
        return True
    if isinstance(exc, OperationalError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OSError) and exc.errno in _IO_ERRNOS:
        return True
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    # Broker and object-store clients raise their own connection errors.
    name = type(exc).__name__
    return name in {"OperationalError", "ConnectionError", "EndpointConnectionError",
                    "ConnectTimeoutError", "ReadTimeoutError"}


def retrying(action: Callable[[], T], what: str,
             delays: tuple[float, ...] = RETRY_DELAYS_S) -> T:
    """``action()``, again after each delay while it fails transiently; the last error
    propagates. For small idempotent steps (one transaction, one blob write)."""
    for delay in delays:
        try:
            return action()
        except Exception as exc:
            if not is_transient(exc):
                raise
            log.warning("%s failed (%s); retrying in %.1f s", what, describe(exc), delay)
            time.sleep(delay)
    return action()
