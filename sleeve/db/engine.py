"""Engine and session factory for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SessionFactory = sessionmaker[Session]
# ~40 MB of 4 KiB pages.
WAL_TRUNCATE_FRAMES = 10_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers (API) run while a worker thread writes; NORMAL sync is durable across
    # process crashes (only an OS crash may lose the last commits).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    # Checkpoints (which fsync the database file) run in a background thread, not inside
    # whichever request's commit happens to cross the WAL threshold.
    cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def _checkpoint_forever(engine_ref: weakref.ref[Engine], interval_s: float) -> None:
    while True:
        time.sleep(interval_s)
        engine = engine_ref()
        if engine is None:
            return
        try:
            with engine.connect() as connection:
                row = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
                if row[1] >= WAL_TRUNCATE_FRAMES:
                    # Under steady load a passive checkpoint may never find a moment without a
                    # reader, and the WAL file keeps growing: take a turn on the lock and empty it.
                    with _sqlite_locks.setdefault(id(engine), threading.RLock()):
                        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception:  # a busy or closed database: try again next time
            pass
        del engine


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        threading.Thread(target=_checkpoint_forever, args=(weakref.ref(engine), 1.0),
                         name="sqlite-checkpoint", daemon=True).start()
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def make_session_factory(engine: Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)


# SQLite allows one writer; a thread that loses the race sleeps in SQLite's busy handler
# (1, 2, 5 … 100 ms back-off), which dominated tail latency under load. Taking turns on an
# in-process lock costs microseconds instead. Other processes still meet busy_timeout.
_sqlite_locks: dict[int, threading.RLock] = {}


def _lock_for(factory: SessionFactory) -> AbstractContextManager[object]:
    bind = factory.kw.get("bind")
    if bind is None or bind.dialect.name != "sqlite":
        return nullcontext()
    return _sqlite_locks.setdefault(id(bind), threading.RLock())


@contextmanager
def transaction(factory: SessionFactory) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on any error."""
    with _lock_for(factory), factory() as session, session.begin():
        yield session
