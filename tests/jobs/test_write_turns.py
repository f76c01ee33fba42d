"""SQLite writers take turns on a lock file beside the database (sleeve.db.engine), so a
process waiting to write wakes when the write lock is free instead of polling for it."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from sleeve.db.engine import SessionFactory, make_engine, make_session_factory, transaction


@pytest.fixture
def db(tmp_path: Path) -> Iterator[tuple[SessionFactory, Path]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'turns.db'}")
    sessions = make_session_factory(engine)
    with transaction(sessions) as session:
        session.execute(text("CREATE TABLE t (x INTEGER)"))
    yield sessions, tmp_path / "turns.db-writer"
    engine.dispose()


@contextmanager
def held_elsewhere(lock_file: Path) -> Iterator[None]:
    """The writer's turn, held as another process would (its own open file)."""
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def free(lock_file: Path) -> bool:
    fd = os.open(lock_file, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def test_a_writer_waits_for_its_turn_and_gives_it_back(
        db: tuple[SessionFactory, Path]) -> None:
    sessions, lock_file = db
    wrote = threading.Event()

    def write() -> None:
        with transaction(sessions) as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
        wrote.set()

    with held_elsewhere(lock_file):
        writer = threading.Thread(target=write)
        writer.start()
        assert not wrote.wait(0.3)
    assert wrote.wait(10)
    writer.join()
    assert free(lock_file)


def test_readers_do_not_wait_for_the_writers_turn(db: tuple[SessionFactory, Path]) -> None:
    sessions, lock_file = db
    with held_elsewhere(lock_file), transaction(sessions) as session:
        assert session.scalar(text("SELECT count(*) FROM t")) == 0


def test_a_failed_write_gives_its_turn_back(db: tuple[SessionFactory, Path]) -> None:
    sessions, lock_file = db
    with pytest.raises(RuntimeError), transaction(sessions) as session:
        session.execute(text("INSERT INTO t VALUES (1)"))
        assert not free(lock_file)
        raise RuntimeError("boom")
    assert free(lock_file)
    with transaction(sessions) as session:
        assert session.scalar(text("SELECT count(*) FROM t")) == 0
