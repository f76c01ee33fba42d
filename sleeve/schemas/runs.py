"""``/v1/runs``: task runs (weekly report, retrains, checks)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sleeve.schemas.base import View


class RunView(View):
    id: str
    kind: str
    slot: str | None  # the scheduled time it filled; none for manual runs
    trigger: str  # manual | schedule | beat
    outcome: str  # running | succeeded | failed
    details: dict[str, Any]
    started_at: datetime
    finished_at: datetime | None
