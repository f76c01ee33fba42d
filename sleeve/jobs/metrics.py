"""Job metrics recorded where jobs run (API process or Celery worker)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

RENDER_SECONDS = Histogram(
    "sleeve_render_seconds",
    "Seconds to render, typeset and encode one cover.",
    ["engine"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120),
)
JOBS_FINISHED = Counter("sleeve_jobs_finished_total", "Jobs finished by a worker.", ["state"])
