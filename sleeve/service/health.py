"""Readiness: can this process reach its database, blob store and queue, and which engines
can it run?"""

from __future__ import annotations

from sqlalchemy import text

from sleeve.db.engine import transaction
from sleeve.engines import engine_status
from sleeve.jobs import lifecycle
from sleeve.service.context import Services


def readiness(services: Services) -> dict[str, str]:
    """``{"database": "ok" | reason, "storage": ..., "queue": ...}``."""
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
    default = engine_status(services.settings).get(services.settings.engine)
    if default is None:
        checks["engine"] = f"unknown engine {services.settings.engine!r}"
    else:
        checks["engine"] = "ok" if default.available else f"unavailable: {default.reason}"
    return checks


def engine_report(services: Services) -> dict[str, dict[str, object]]:
    """Every engine, whether it can run here, and why not (for ``/readyz``)."""
    return {
        name: {"available": status.available, "reason": status.reason}
        for name, status in engine_status(services.settings).items()
    }


def job_counts(services: Services) -> dict[str, int]:
    with transaction(services.sessions) as session:
        return lifecycle.count_by_state(session)
