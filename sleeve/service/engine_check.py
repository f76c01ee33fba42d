"""Can a job for this engine run at all? Asked before a job is accepted (409 if not).

With the embedded queue the workers run on this host with these settings, so the engine's
own availability check answers. With Celery the workers are elsewhere: they record the engines
they can run, with heartbeats, and only a worker heard from recently counts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from sqlalchemy.orm import Session

from sleeve.config import Settings
from sleeve.engines import Availability, engine_status
from sleeve.jobs import worker_engines
from sleeve.jobs.queue import queue_for_engine
from sleeve.service.errors import Conflict

# The local answer changes only when the host does (weights copied in, an extra installed).
LOCAL_TTL_S = 10.0


Probe = Callable[[Settings], Mapping[str, Availability]]


class LocalEngines:
    """This host's engine availability, re-checked at most every ``ttl_s`` seconds."""

    def __init__(self, ttl_s: float = LOCAL_TTL_S, probe: Probe = engine_status) -> None:
        self.ttl_s = ttl_s
        self.probe = probe
        self._checked: tuple[float, dict[str, tuple[bool, str]]] | None = None
        self._lock = threading.Lock()

    def status(self, settings: Settings) -> dict[str, tuple[bool, str]]:
        with self._lock:
            if self._checked is None or time.monotonic() - self._checked[0] > self.ttl_s:
                found = {n: (s.available, s.reason) for n, s in self.probe(settings).items()}
                self._checked = (time.monotonic(), found)
            return self._checked[1]


def check_engine(session: Session, settings: Settings, local: LocalEngines, engine: str) -> None:
    """Raises Conflict (409) with the reason when no live worker can run ``engine``."""
    if settings.queue == "celery":
        queue = settings.celery_queue_prefix + queue_for_engine(engine)
        if not worker_engines.is_live(session, engine, queue,
                                      worker_engines.stale_after_s(settings)):
            raise Conflict(f"engine {engine!r}: no live worker on the {queue!r} queue can run "
                           "it now; start one with `sleeve worker`, or choose another engine")
        return
    available, reason = local.status(settings).get(engine, (False, "unknown engine"))
    if not available:
        raise Conflict(f"engine {engine!r} cannot run on this server: {reason}")
