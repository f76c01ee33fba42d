"""Chaos in the suite: jobs over two Celery worker processes on real Redis, then RabbitMQ,
and PostgreSQL, a worker SIGKILLed every few seconds and started again (``bench/chaos.py``
is the same harness at 1000 jobs). Every job must succeed with exactly its covers, and no blob
may be left that no row names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bench.chaos import chaos_settings, run_chaos
from tests.service.fixtures import BROKERS, drop_celery_queues, migrated_database

pytestmark = pytest.mark.slow

# The 200 jobs (a few tens of seconds per broker on a quiet 2-core host; 3–4 minutes on
# a busy one); `python -m bench.chaos --jobs 1000` runs the same harness at five times that.
JOBS = 200


@pytest.mark.parametrize("broker", sorted(BROKERS))
def test_jobs_survive_workers_killed_again_and_again(broker: str, tmp_path: Path) -> None:
    require: Callable[[], str] = BROKERS[broker]
    url = require()
    for database in migrated_database("postgresql", tmp_path):
        settings = chaos_settings(url, database, tmp_path / "blobs")
        with (tmp_path / "workers.log").open("wb") as log:
            result = run_chaos(settings, JOBS, workers=2, kill_every_s=2.0, timeout_s=600,
                               log=log)
        drop_celery_queues(url, [settings.celery_queue_prefix + q for q in ("cpu", "gpu")])
        assert result.kills >= 3, result  # the run really was under fire
        assert result.succeeded == JOBS and result.lost == 0, result
        assert result.covers == sum(1 + i % 2 for i in range(JOBS)), result
        assert result.duplicated == 0 and result.orphaned_blobs == 0, result
