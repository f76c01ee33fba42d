"""The ``runs`` table: one row per run of a scheduled or manual task, with its outcome."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from sleeve.db.engine import SessionFactory, transaction
from sleeve.db.models import Run
from sleeve.db.types import utcnow

Trigger = Literal["manual", "schedule", "beat"]
RUNNING, SUCCEEDED, FAILED = "running", "succeeded", "failed"


@dataclass
class RunRecord:
    """The run in progress: what the task adds to ``details`` is stored when it ends."""

    id: str
    kind: str
    details: dict[str, Any] = field(default_factory=dict)


def start_run(sessions: SessionFactory, kind: str, slot: str | None = None,
              trigger: Trigger = "manual") -> RunRecord | None:
    """Inserts the run; ``None`` when another process already holds this (kind, slot)."""
    try:
        with transaction(sessions) as session:
            run = Run(kind=kind, slot=slot, trigger=trigger, outcome=RUNNING, details={})
            session.add(run)
            session.flush()
            return RunRecord(run.id, kind)
    except IntegrityError:
        return None


def finish_run(sessions: SessionFactory, record: RunRecord, outcome: str) -> None:
    with transaction(sessions) as session:
        session.execute(update(Run).where(Run.id == record.id).values(
            outcome=outcome, details=record.details, finished_at=utcnow()))


@contextmanager
def recorded_run(sessions: SessionFactory, kind: str) -> Iterator[RunRecord]:
    """A manual run: recorded as succeeded, or as failed (and re-raised) on any error."""
    record = start_run(sessions, kind)
    assert record is not None  # manual runs have no slot, so they never collide
    try:
        yield record
    except BaseException as exc:
        record.details.setdefault("error", f"{type(exc).__name__}: {exc}")
        finish_run(sessions, record, FAILED)
        raise
    finish_run(sessions, record, SUCCEEDED)
