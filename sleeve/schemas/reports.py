"""``/v1/reports``: the weekly reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sleeve.schemas.base import View


class ReportView(View):
    id: str
    run_id: str | None
    since: datetime
    until: datetime
    slack: str
    created_at: datetime
    html_url: str
    charts: list[str]
    data: dict[str, Any]
