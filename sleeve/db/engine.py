"""Engine and session factory for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import fcntl
import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

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
                    with _turn_of(engine).exclusive():
                        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except Exception:  # a busy or closed database: try again next time
            pass
        del engine


def make_engine(url: str) -> Engine:
    """``hide_parameters``: a database error names the statement but never the values bound to
    it (password hashes, token digests, lyrics), so logging the error leaks none of them."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10},
                               hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "before_cursor_execute", _take_turn_to_write)
        _turns[id(engine)] = _WriteTurn(
            f"{parsed.database}-writer" if parsed.database and parsed.database != ":memory:"
            else None)
        threading.Thread(target=_checkpoint_forever, args=(weakref.ref(engine), 1.0),
                         name="sqlite-checkpoint", daemon=True).start()
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20,
                         hide_parameters=True)


def make_session_factory(engine: Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)


# SQLite allows one writer, across every process using the file (the API and the embedded
# queue's workers). One that loses the race sleeps in SQLite's busy handler, polling with a
# growing back-off (1, 2, 5 … 25, 50, 100 ms): it wakes long after the lock is free, and the
# transactions queued behind it in its process wait as well. Under rendering that doubled or
# tripled job creation's tail. So writers take turns instead: threads of a process on an
# in-process lock (microseconds), processes on an flock(2) of a file beside the database, which
# the kernel hands to the next waiter the moment it is released. The file lock is taken just
# before a transaction's first write and given back after its commit, so it is held exactly
# while SQLite's write lock is, and readers never wait for it. A writer outside this scheme
# (the sqlite3 shell) still meets busy_timeout.
_WRITES: Final = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN", "CREATE", "DROP",
                            "ALTER"})


class _WriteTurn:
    """Whose turn it is to write to one SQLite database (see above)."""

    def __init__(self, path: str | None) -> None:
        self.local = threading.RLock()
        self._path = path
        self._fd: int | None = None
        self._fd_pid = 0
        self.owner: int | None = None  # the thread in transaction(), if any
        self._held = False

    def __del__(self) -> None:
        if self._fd is not None and self._fd_pid == os.getpid():
            os.close(self._fd)

    def take(self) -> None:
        """Wait for the file lock (once per transaction); a no-op for an in-memory database."""
        if self._held or self._path is None:
            return
        if self._fd is None or self._fd_pid != os.getpid():
            # A forked child opens its own: a descriptor inherited across fork() shares its
            # lock with the parent's.
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._fd_pid = os.getpid()
        fcntl.flock(self._fd, fcntl.LOCK_EX)  # releases the GIL while it waits
        self._held = True

    def give_back(self) -> None:
        if self._held and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._held = False

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self.local:
            self.take()
            try:
                yield
            finally:
                self.give_back()


_turns: dict[int, _WriteTurn] = {}


def _turn_of(engine: Engine) -> _WriteTurn:
    return _turns.setdefault(id(engine), _WriteTurn(None))


def _take_turn_to_write(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    turn = _turns.get(id(conn.engine))
    if turn is None or turn.owner != threading.get_ident():
        return  # not inside transaction(): SQLite's own busy handling
    words = statement.lstrip().split(None, 1)
    if words and words[0].upper() in _WRITES:
        turn.take()


@contextmanager
def transaction(factory: SessionFactory) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on any error."""
    bind = factory.kw.get("bind")
    if bind is None or bind.dialect.name != "sqlite":
        with factory() as session, session.begin():
            yield session
        return
    turn = _turn_of(bind)
    with turn.local:
        outer = turn.owner is None
        turn.owner = threading.get_ident()
        try:
            with factory() as session, session.begin():
                yield session
        finally:
            if outer:
                turn.owner = None
                turn.give_back()
