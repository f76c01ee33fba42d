"""Task runs (weekly report, retrains, checks), newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from sleeve.db.engine import transaction
from sleeve.db.models import Run
from sleeve.service.context import Services
from sleeve.service.views import View


class RunView(View):
    id: str
    kind: str
    slot: str | None  # the scheduled time it filled; none for manual runs
    trigger: str  # manual | schedule | beat
    outcome: str  # running | succeeded | failed
    details: dict[str, Any]
    started_at: datetime
    finished_at: datetime | None


def list_runs(services: Services, kind: str | None = None, limit: int = 50) -> list[RunView]:
    query = select(Run).order_by(Run.started_at.desc(), Run.id).limit(limit)
    if kind:
        query = query.where(Run.kind == kind)
    with transaction(services.sessions) as session:
        return [RunView.of(run) for run in session.scalars(query)]
