"""Task runs (weekly report, retrains, checks), newest first."""

from __future__ import annotations

from sqlalchemy import select

from sleeve.db.engine import transaction
from sleeve.db.models import Run
from sleeve.schemas.runs import RunView
from sleeve.service.context import Services


def list_runs(services: Services, kind: str | None = None, limit: int = 50) -> list[RunView]:
    query = select(Run).order_by(Run.started_at.desc(), Run.id).limit(limit)
    if kind:
        query = query.where(Run.kind == kind)
    with transaction(services.sessions) as session:
        return [RunView.of(run) for run in session.scalars(query)]
