"""A worker's engine heartbeat survives its database: a failed beat is logged, never raised, so
a database blip (or an unmigrated one at start) cannot stop or hang the Celery worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from sleeve.config import Settings
from sleeve.db.engine import make_engine, make_session_factory, transaction
from sleeve.db.migrate import upgrade_database
from sleeve.db.models import WorkerEngine
from sleeve.jobs.worker_engines import EngineHeartbeat


def test_a_beat_that_cannot_write_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"  # no tables: every write fails
    heartbeat = EngineHeartbeat(make_session_factory(make_engine(url)), "w@host",
                                {"procedural": "cpu"}, interval_s=0.05)
    heartbeat.start()
    heartbeat.stop()
    assert "could not record this worker's engines" in caplog.text


def test_beats_record_the_engines_once_the_database_answers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sleeve.db'}"
    sessions = make_session_factory(make_engine(url))
    heartbeat = EngineHeartbeat(sessions, "w@host", {"procedural": "cpu"}, interval_s=0.05)
    heartbeat.start()  # before the schema exists: logged, and the worker carries on
    upgrade_database(Settings(database_url=url))
    heartbeat.beat()
    with transaction(sessions) as session:
        assert [(r.engine, r.queue) for r in session.scalars(select(WorkerEngine))] == [
            ("procedural", "cpu")]
    heartbeat.stop()
    with transaction(sessions) as session:
        assert session.scalars(select(WorkerEngine)).all() == []
