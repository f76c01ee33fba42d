"""Backup and restore: the database and every blob it points at, in one tar file.

The archive is dialect-neutral (one gzipped JSON-lines file per table, the blobs under their
own keys, a manifest with the schema revision and a SHA-256 for every member), so a backup of
the embedded SQLite database restores into PostgreSQL as well.

Consistency while the server runs: the rows are read inside one snapshot (a read transaction
on SQLite's WAL, REPEATABLE READ on PostgreSQL), and only then are the blobs those rows name
copied. Writers store a blob before committing the row that names it, and deleters commit the
row's removal before deleting the blob, so every blob named in the snapshot exists unless its
row was deleted after the snapshot was taken; when that happens the snapshot is simply taken
again.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, MetaData, Table, inspect, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from sleeve.db.models import Base
from sleeve.storage import BlobNotFoundError, BlobStore

FORMAT = 1
MANIFEST = "manifest.json"
_TAG = "__sleeve__"  # marks a value JSON cannot carry as itself (a date, bytes, a decimal)
_SNAPSHOT_TRIES = 3
_BATCH = 500

# (stage, done, total): for a progress bar.
Progress = Callable[[str, int, int], None]


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class BackupSummary:
    path: str
    revision: str
    rows: dict[str, int]
    blobs: int
    bytes: int
    # Named by a row that still exists, yet not in the store: damage that predates the backup.
    missing_blobs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RestoreSummary:
    revision: str
    rows: dict[str, int]
    blobs: int
    replaced: bool


def blob_columns() -> dict[str, list[str]]:
    """Which columns name blobs: the models mark them with ``info={"blob": True}``."""
    found: dict[str, list[str]] = {}
    for table in Base.metadata.sorted_tables:
        names = [c.name for c in table.columns if c.info.get("blob")]
        if names:
            found[table.name] = names
    return found


def _keys_in(value: Any) -> Iterator[str]:
    if isinstance(value, str) and value:
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _keys_in(item)


# -- values ----------------------------------------------------------------------------------

def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # SQLite keeps UTC without its label
            value = value.replace(tzinfo=UTC)
        return {_TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {_TAG: "date", "v": value.isoformat()}
    if isinstance(value, bytes | memoryview):
        return {_TAG: "bytes", "v": bytes(value).hex()}
    if isinstance(value, Decimal):
        return {_TAG: "decimal", "v": str(value)}
    return value


def _decode(value: Any, dialect: str) -> Any:
    if not (isinstance(value, dict) and _TAG in value):
        return value
    kind, raw = value[_TAG], value["v"]
    if kind == "datetime":
        moment = datetime.fromisoformat(raw).astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect == "sqlite" else moment
    if kind == "date":
        return date.fromisoformat(raw)
    if kind == "bytes":
        return bytes.fromhex(raw)
    if kind == "decimal":
        return Decimal(raw)
    raise BackupError(f"archive holds a value of unknown kind {kind!r}")


# -- snapshots -------------------------------------------------------------------------------

@contextlib.contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see the database as of one moment."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True) as connection, \
                connection.begin():
            yield connection
        return
    with engine.connect() as connection:
        # The driver opens no transaction for reads; in WAL mode an explicit one pins the
        # snapshot at its first read and does not block writers.
        connection.exec_driver_sql("BEGIN DEFERRED")
        try:
            yield connection
        finally:
            connection.exec_driver_sql("ROLLBACK")


def _reflect(connection: Connection) -> tuple[MetaData, list[Table]]:
    metadata = MetaData()
    metadata.reflect(connection)
    tables = [t for t in metadata.tables.values() if t.name != "alembic_version"]
    return metadata, _insertion_order(tables)


def _insertion_order(tables: list[Table]) -> list[Table]:
    """Every table after the tables its required foreign keys name. Nullable foreign keys do
    not count: they break cycles (jobs ↔ covers) and are filled in after all rows exist."""
    needs = {t.name: {k.column.table.name for k in t.foreign_keys
                      if not k.parent.nullable and k.column.table.name != t.name}
             for t in tables}
    by_name = {t.name: t for t in tables}
    ordered: list[Table] = []
    while needs:
        ready = sorted(n for n, wanted in needs.items() if not wanted & needs.keys())
        if not ready:
            raise BackupError(f"required foreign keys form a cycle among {sorted(needs)}")
        for name in ready:
            ordered.append(by_name[name])
            del needs[name]
    return ordered


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value) if value is not None else None


@dataclass
class _Dump:
    revision: str
    files: dict[str, Path]
    rows: dict[str, int]
    keys: set[str]


def _dump_tables(connection: Connection, work: Path) -> _Dump:
    revision = _revision(connection)
    if revision is None:
        raise BackupError("the database has no Sleeve schema; run `sleeve db upgrade` first")
    _, tables = _reflect(connection)
    marked = blob_columns()
    files: dict[str, Path] = {}
    rows: dict[str, int] = {}
    keys: set[str] = set()
    for table in tables:
        path = work / f"{table.name}.jsonl.gz"
        order = list(table.primary_key.columns) or list(table.columns)
        count = 0
        with gzip.open(path, "wt", encoding="utf-8") as out:
            result = connection.execution_options(stream_results=True, yield_per=_BATCH).execute(
                select(table).order_by(*order))
            for row in result.mappings():
                out.write(json.dumps({k: _encode(v) for k, v in row.items()},
                                     ensure_ascii=False) + "\n")
                for column in marked.get(table.name, []):
                    keys.update(_keys_in(row.get(column)))
                count += 1
        files[table.name], rows[table.name] = path, count
    return _Dump(revision, files, rows, keys)


# -- backup ----------------------------------------------------------------------------------

def _add(archive: tarfile.TarFile, name: str, data: IO[bytes], size: int,
         sums: dict[str, str]) -> None:
    digest = hashlib.sha256()
    for piece in iter(lambda: data.read(1 << 20), b""):
        digest.update(piece)
    data.seek(0)
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o644, 0
    archive.addfile(info, data)
    sums[name] = digest.hexdigest()


def backup(engine: Engine, store: BlobStore, out: Path,
           progress: Progress | None = None) -> BackupSummary:
    """Write the database and its blobs to ``out`` (all or nothing: a partial file is never
    left under that name)."""
    report = progress or (lambda *_: None)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sleeve-backup-", dir=out.parent) as scratch:
        work = Path(scratch)
        dump, blobs, missing = _consistent_dump(engine, store, work, report)
        partial = work / "archive.tar"
        sums: dict[str, str] = {}
        total = 0
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            for name, path in dump.files.items():
                with path.open("rb") as data:
                    _add(archive, f"db/{name}.jsonl.gz", data, path.stat().st_size, sums)
            for done, key in enumerate(sorted(blobs), 1):
                blob = blobs[key].read_bytes()
                total += len(blob)
                _add(archive, f"blobs/{key}", io.BytesIO(blob), len(blob), sums)
                report("archive", done, len(blobs))
            manifest = json.dumps({
                "format": FORMAT, "revision": dump.revision,
                "created_at": datetime.now(UTC).isoformat(), "dialect": engine.dialect.name,
                "rows": dump.rows, "blobs": sorted(blobs), "missing_blobs": missing,
                "sha256": sums,
            }, indent=1).encode()
            _add(archive, MANIFEST, io.BytesIO(manifest), len(manifest), {})
        os.chmod(partial, 0o600)  # it holds password hashes and every user's data
        os.replace(partial, out)
    return BackupSummary(str(out), dump.revision, dump.rows, len(blobs), total, missing)


def _consistent_dump(engine: Engine, store: BlobStore, work: Path,
                     report: Progress) -> tuple[_Dump, dict[str, Path], list[str]]:
    blob_dir = work / "blobs"
    blob_dir.mkdir()
    blobs: dict[str, Path] = {}
    for attempt in range(1, _SNAPSHOT_TRIES + 1):
        with _snapshot(engine) as connection:
            dump = _dump_tables(connection, work)
        missing = []
        wanted = sorted(dump.keys)
        for done, key in enumerate(wanted, 1):
            if key not in blobs:
                try:
                    copy = blob_dir / f"{len(blobs)}"
                    with copy.open("wb") as sink:
                        for piece in store.chunks(key):
                            sink.write(piece)
                    blobs[key] = copy
                except BlobNotFoundError:
                    missing.append(key)
            report("blobs", done, len(wanted))
        if not missing or attempt == _SNAPSHOT_TRIES:
            # Blobs copied for an earlier snapshot whose rows are gone stay out of the archive.
            return dump, {k: blobs[k] for k in wanted if k in blobs}, missing
    raise AssertionError("unreachable")


# -- restore ---------------------------------------------------------------------------------

def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("not a Sleeve backup: it has no manifest.json")
    try:
        manifest: dict[str, Any] = json.loads(member.read())
    except ValueError as exc:
        raise BackupError("the backup's manifest is not valid JSON") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not one this Sleeve "
                          f"reads ({FORMAT})")
    return manifest


def _verify(archive: tarfile.TarFile, manifest: dict[str, Any], report: Progress) -> None:
    sums: dict[str, str] = manifest.get("sha256", {})
    expected = {f"db/{t}.jsonl.gz" for t in manifest.get("rows", {})} | {
        f"blobs/{k}" for k in manifest.get("blobs", [])}
    if not expected <= sums.keys():
        raise BackupError("the backup's manifest does not list a checksum for every member")
    for done, name in enumerate(sorted(sums), 1):
        try:
            member = archive.extractfile(name)
        except KeyError:
            member = None
        if member is None:
            raise BackupError(f"the backup is incomplete: {name} is missing")
        digest = hashlib.sha256()
        for piece in iter(lambda m=member: m.read(1 << 20), b""):  # type: ignore[misc]
            digest.update(piece)
        if digest.hexdigest() != sums[name]:
            raise BackupError(f"the backup is damaged: {name} does not match its checksum")
        report("verify", done, len(sums))


def _known_revision(revision: str) -> None:
    from alembic.script import ScriptDirectory

    from sleeve.db.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        found = scripts.get_revision(revision)
    except Exception:
        found = None
    if found is None:
        raise BackupError(f"the backup's schema {revision} is newer than this Sleeve knows; "
                          "restore it with the Sleeve version that made it or a newer one")


def _migrate(engine: Engine, revision: str, downgrade: bool = False) -> None:
    from alembic import command

    from sleeve.db.migrate import alembic_config

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if downgrade else command.upgrade)(config, revision)


def _has_rows(connection: Connection, tables: Iterable[Table]) -> bool:
    return any(connection.execute(select(t).limit(1)).first() is not None for t in tables)


def _deferred(tables: list[Table]) -> dict[str, list[str]]:
    """Foreign keys that point forward in insertion order (the jobs ↔ covers cycle, or a table
    naming itself): such columns are written after every row exists."""
    position = {t.name: i for i, t in enumerate(tables)}
    found: dict[str, list[str]] = {}
    for table in tables:
        for key in table.foreign_keys:
            target = key.column.table.name
            if position.get(target, -1) >= position[table.name] and key.parent.nullable:
                found.setdefault(table.name, []).append(key.parent.name)
    return found


def _rows(archive: tarfile.TarFile, table: str, dialect: str) -> Iterator[dict[str, Any]]:
    member = archive.extractfile(f"db/{table}.jsonl.gz")
    assert member is not None  # verified before
    with gzip.open(member, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield {k: _decode(v, dialect) for k, v in json.loads(line).items()}


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _clear(connection: Connection, tables: list[Table], deferred: dict[str, list[str]],
           marked: dict[str, list[str]]) -> set[str]:
    """Delete every row (for ``--force``); the blob keys they named are returned."""
    keys: set[str] = set()
    for table in tables:
        for column in marked.get(table.name, []):
            for value in connection.execute(select(table.c[column])).scalars():
                keys.update(_keys_in(value))
    by_name = {t.name: t for t in tables}
    for name, columns in deferred.items():
        connection.execute(update(by_name[name]).values({c: None for c in columns}))
    for table in reversed(tables):
        connection.execute(table.delete())
    return keys


def _load(connection: Connection, archive: tarfile.TarFile, tables: list[Table],
          rows: dict[str, int], report: Progress) -> None:
    dialect = connection.dialect.name
    deferred = _deferred(tables)
    later: list[tuple[Table, dict[str, Any], dict[str, Any]]] = []
    loaded = 0
    total = sum(rows.values())
    for table in tables:
        if table.name not in rows:
            continue  # a table newer than the backup's schema (cannot happen at one revision)
        forward = deferred.get(table.name, [])
        for batch in _batches(_rows(archive, table.name, dialect)):
            for row in batch:
                values = {c: row.pop(c) for c in forward if row.get(c) is not None}
                if values:
                    row.update(dict.fromkeys(values))
                    keys = {c.name: row[c.name] for c in table.primary_key.columns}
                    later.append((table, keys, values))
            connection.execute(table.insert(), batch)
            loaded += len(batch)
            report("rows", loaded, total)
    for table, keys, values in later:
        condition = [table.c[k] == v for k, v in keys.items()]
        connection.execute(update(table).where(*condition).values(values))
    if dialect == "postgresql":
        _reset_sequences(connection, tables)


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """Serial keys continue after the restored rows instead of colliding with them."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = connection.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                          {"t": table.name, "c": column.name}).scalar()
            if sequence:
                connection.execute(text(
                    f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") FROM '
                    f'"{table.name}"), 0) + 1, false)'), {"s": sequence})


def restore(engine: Engine, store: BlobStore, archive_path: Path, *, force: bool = False,
            progress: Progress | None = None) -> RestoreSummary:
    """Load a backup into the database and store. The database must hold no data unless
    ``force`` (which replaces it). Rows go in one transaction: a failure leaves the database as
    it was and removes the blobs this restore wrote."""
    report = progress or (lambda *_: None)
    try:
        archive = tarfile.open(archive_path, "r:")  # noqa: SIM115 - closed by the with below
    except FileNotFoundError as exc:
        raise BackupError(f"{archive_path} does not exist") from exc
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{archive_path} is not a Sleeve backup ({exc})") from exc
    with archive:
        manifest = _read_manifest(archive)
        _verify(archive, manifest, report)
        revision = str(manifest["revision"])
        _known_revision(revision)
        _prepare_schema(engine, revision, force)
        written = _put_blobs(archive, store, manifest.get("blobs", []), report)
        try:
            with engine.begin() as connection:
                _, tables = _reflect(connection)
                old_keys: set[str] = set()
                if force:
                    old_keys = _clear(connection, tables, _deferred(tables), blob_columns())
                _load(connection, archive, tables, manifest.get("rows", {}), report)
        except (SQLAlchemyError, ValueError) as exc:
            for key in written:
                store.delete(key)
            raise BackupError(f"the backup could not be loaded; nothing was changed ({exc})"
                              ) from exc
    for key in old_keys - set(manifest.get("blobs", [])):
        store.delete(key)
    _migrate(engine, "head")  # an older backup is brought to this version's schema
    return RestoreSummary(revision, dict(manifest.get("rows", {})),
                          len(manifest.get("blobs", [])), force)


def _prepare_schema(engine: Engine, revision: str, force: bool) -> None:
    """The database at the backup's revision, and empty unless ``force``."""
    with engine.connect() as connection:
        current = _revision(connection)
        _, tables = _reflect(connection)
        occupied = current is not None and _has_rows(connection, tables)
    if occupied and not force:
        raise BackupError("the database already holds data; restore into an empty database "
                          "or pass --force to replace everything in it")
    if current == revision:
        return
    if current is not None and occupied:
        raise BackupError(f"the database is at schema {current} and the backup at {revision}; "
                          "restore into an empty database")
    try:
        _migrate(engine, revision, downgrade=current is not None and current != revision
                 and _is_ancestor(revision, current))
    except Exception as exc:
        raise BackupError(f"could not bring the empty database to the backup's schema "
                          f"{revision}: {exc}") from exc


def _is_ancestor(older: str, newer: str) -> bool:
    from alembic.script import ScriptDirectory

    from sleeve.db.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return any(r.revision == older for r in scripts.iterate_revisions(newer, "base"))


def _put_blobs(archive: tarfile.TarFile, store: BlobStore, keys: list[str],
               report: Progress) -> list[str]:
    written: list[str] = []
    try:
        for done, key in enumerate(keys, 1):
            member = archive.extractfile(f"blobs/{key}")
            assert member is not None  # verified before
            existed = store.exists(key)
            store.put(key, member.read())
            if not existed:
                written.append(key)
            report("blobs", done, len(keys))
    except Exception:
        for key in written:
            store.delete(key)
        raise
    return written
