"""Readiness: can this process reach its database, blob store and queue, and which engines
can it run?"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from sleeve.core.availability import Availability
from sleeve.db.engine import transaction
from sleeve.engines import engine_status
from sleeve.jobs import lifecycle
from sleeve.service.context import Services


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]  # {"database": "ok" | reason, "storage", "queue", "engine"}
    engines: dict[str, dict[str, object]]  # every engine: available, and why not

    @property
    def ready(self) -> bool:
        return all(v == "ok" for v in self.checks.values())


def readiness(services: Services) -> Readiness:
    """Dependencies reachable, and the default engine able to run (engines probed once)."""
    checks: dict[str, str] = {}
    try:
        with transaction(services.sessions) as session:
            session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
    try:
        services.store.ping()
        checks["storage"] = "ok"
    except Exception as exc:
        checks["storage"] = f"unreachable: {type(exc).__name__}"
    try:
        services.queue.ping()
        checks["queue"] = "ok"
    except Exception as exc:
        checks["queue"] = f"unreachable: {type(exc).__name__}: {exc}"[:200]
    engines = engine_status(services.settings)
    for name in services.queue.warming_engines():
        engines[name] = Availability(False, "warming: a worker is loading and compiling it")
    default = engines.get(services.settings.engine)
    if default is None:
        checks["engine"] = f"unknown engine {services.settings.engine!r}"
    else:
        checks["engine"] = "ok" if default.available else f"unavailable: {default.reason}"
    report = {name: {"available": e.available, "reason": e.reason} for name, e in engines.items()}
    return Readiness(checks, report)


def job_counts(services: Services) -> dict[str, int]:
    with transaction(services.sessions) as session:
        return lifecycle.count_by_state(session)
