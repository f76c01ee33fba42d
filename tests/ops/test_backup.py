"""`sleeve backup` / `sleeve restore`: a round trip through the CLI on SQLite and PostgreSQL (and
from SQLite into PostgreSQL), taken while the service is writing, with refusals that change
nothing."""

from __future__ import annotations

import json
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, create_engine, delete, insert, select

from sleeve.api.app import create_app
from sleeve.config import Settings
from sleeve.db.engine import make_engine
from sleeve.db.migrate import head_revision
from sleeve.db.models import Cover
from sleeve.ops.backup import (
    BackupError,
    BackupSummary,
    RestoreSummary,
    backup,
    blob_columns,
    restore,
)
from sleeve.storage import BlobStore
from tests.ops.process import sleeve
from tests.service.fixtures import (
    _postgres_schema,
    finished_job,
    job_body,
    migrated_database,
    new_user,
    wait_for_job,
)

PASSWORD = "correct horse battery"


def _database(kind: str, directory: Path) -> Iterator[str]:
    """An empty database that no migration has touched (restore brings it to the schema)."""
    if kind == "sqlite":
        directory.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{directory / 'sleeve.db'}"
        return
    yield from _postgres_schema()


@pytest.fixture
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    source_kind, target_kind = request.param
    source = migrated_database(source_kind, tmp_path / "source-db")
    target = _database(target_kind, tmp_path / "target-db")
    try:
        yield next(source), next(target)
    finally:
        source.close()
        target.close()


def _settings(url: str, blobs: Path) -> Settings:
    return Settings(database_url=url, storage_url=f"file://{blobs}", concurrency=1,
                    job_poll_s=0.05, job_lease_s=5.0, rate_limit_jobs_per_minute=1000)


def _env(settings: Settings) -> dict[str, str]:
    return {"SLEEVE_DATABASE_URL": settings.database_url,
            "SLEEVE_STORAGE_URL": settings.storage_url}


def _client(settings: Settings) -> TestClient:
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    client.__enter__()
    return client


def _login(client: TestClient, email: str) -> dict[str, str]:
    login = client.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def _contents(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, comparable across dialects (datetimes as UTC instants)."""
    engine = create_engine(url)
    metadata = MetaData()
    try:
        with engine.connect() as connection:
            metadata.reflect(connection)
            tables = {}
            for table in metadata.tables.values():
                if table.name == "alembic_version":
                    continue
                rows = connection.execute(select(table)).mappings()
                tables[table.name] = sorted(
                    (tuple(sorted((k, _comparable(v)) for k, v in row.items())) for row in rows),
                    key=repr)
            return tables
    finally:
        engine.dispose()


def _comparable(value: Any) -> Any:
    from datetime import UTC, datetime

    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    if isinstance(value, str) and value[:1] in "[{":
        try:  # SQLite hands JSON back parsed only when the column says JSON; compare parsed
            return json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            return value
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def _populate(client: TestClient) -> dict[str, Any]:
    """A user with finished covers, a review, an API token, a public cover and an image variant."""
    headers = new_user(client)
    email = client.get("/v1/me", headers=headers).json()["email"]
    job = finished_job(client, headers, count=2)
    cover_id = job["covers"][0]["id"]
    assert client.post(f"/v1/covers/{cover_id}/reviews", json={"rating": 5},
                       headers=headers).status_code in (200, 201)
    assert client.patch(f"/v1/covers/{cover_id}", json={"is_public": True},
                        headers=headers).status_code == 200
    token = client.post("/v1/me/tokens", json={"name": "ci"}, headers=headers)
    assert token.status_code == 201, token.text
    image = None
    for _ in range(200):  # a thumbnail is made by a worker: the request may answer 202 first
        image = client.get(f"/v1/covers/{cover_id}/image?size=128", headers=headers)
        if image.status_code == 200:
            break
    assert image is not None and image.status_code == 200
    master = client.get(f"/v1/covers/{cover_id}/image", headers=headers)
    assert master.status_code == 200
    return {"email": email, "job": job, "cover_id": cover_id, "thumbnail": image.content,
            "master": master.content, "token": token.json()["token"]}


@pytest.mark.postgres
@pytest.mark.parametrize("databases", [("sqlite", "sqlite"), ("postgresql", "postgresql"),
                                       ("sqlite", "postgresql")], indirect=True,
                         ids=["sqlite", "postgresql", "sqlite-to-postgresql"])
def test_round_trip(databases: tuple[str, str], tmp_path: Path) -> None:
    source_url, target_url = databases
    source = _settings(source_url, tmp_path / "source-blobs")
    target = _settings(target_url, tmp_path / "target-blobs")
    client = _client(source)
    try:
        made = _populate(client)
    finally:
        client.__exit__(None, None, None)
    archive = tmp_path / "sleeve.backup"

    if source_url.startswith("sqlite") and target_url.startswith("sqlite"):  # through the CLI
        result = sleeve("backup", "--out", str(archive), "--json", cwd=tmp_path, **_env(source))
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout)
        result = sleeve("restore", str(archive), "--json", cwd=tmp_path, **_env(target))
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["rows"] == summary["rows"]
    else:
        summary = asdict(_backup(source, archive))
        assert asdict(_restore_into(target, archive))["rows"] == summary["rows"]
    assert summary["revision"] == head_revision() and summary["missing_blobs"] == []
    assert summary["rows"]["covers"] == 2 and summary["blobs"] >= 3  # two masters, a thumbnail
    assert archive.stat().st_mode & 0o077 == 0  # password hashes inside: owner only

    assert _contents(target_url) == _contents(source_url)
    restored = _client(target)
    try:
        headers = _login(restored, made["email"])  # the password hash came along
        job = restored.get(f"/v1/jobs/{made['job']['id']}", headers=headers).json()
        assert job["state"] == "succeeded"
        assert [c["id"] for c in job["covers"]] == [c["id"] for c in made["job"]["covers"]]
        assert job["covers"][0]["rating_avg"] == 5.0 and job["covers"][0]["is_public"]
        cover = made["cover_id"]
        assert restored.get(f"/v1/covers/{cover}/image", headers=headers).content == made["master"]
        assert restored.get(f"/v1/covers/{cover}/image?size=128",
                            headers=headers).content == made["thumbnail"]
        assert restored.get("/v1/me", headers={
            "Authorization": f"Bearer {made['token']}"}).status_code == 200
        # The restored service keeps working: new jobs, new covers.
        again = restored.post("/v1/jobs", json=job_body(count=1, seed=8), headers=headers)
        assert wait_for_job(restored, again.json()["id"], headers)["state"] == "succeeded"
    finally:
        restored.__exit__(None, None, None)


def _backup(settings: Settings, archive: Path) -> BackupSummary:
    engine = make_engine(settings.database_url)
    try:
        return backup(engine, BlobStore(settings.storage_url), archive)
    finally:
        engine.dispose()


def _restore_into(settings: Settings, archive: Path, force: bool = False) -> RestoreSummary:
    engine = make_engine(settings.database_url)
    try:
        return restore(engine, BlobStore(settings.storage_url), archive, force=force)
    finally:
        engine.dispose()


def _stored_keys(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_a_row_deleted_during_the_backup_is_not_left_dangling(tmp_path: Path) -> None:
    """A cover removed (row, then blob, as deletion does) after the snapshot was taken: the
    backup takes the snapshot again instead of archiving a row whose blob is gone."""
    url = next(migrated_database("sqlite", tmp_path))
    settings = _settings(url, tmp_path / "blobs")
    client = _client(settings)
    try:
        headers = new_user(client)
        finished_job(client, headers, count=3)
    finally:
        client.__exit__(None, None, None)
    engine, store = make_engine(url), BlobStore(settings.storage_url)
    removed: list[str] = []

    def delete_one_cover(stage: str, done: int, total: int) -> None:
        if stage == "blobs" and not removed:
            with engine.begin() as connection:
                cover_id, key = connection.execute(
                    select(Cover.id, Cover.blob_key).order_by(Cover.blob_key.desc())).first()
                connection.execute(delete(Cover).where(Cover.id == cover_id))
            store.delete(key)
            removed.append(key)

    try:
        summary = backup(engine, store, tmp_path / "b.tar", delete_one_cover)
    finally:
        engine.dispose()
    assert removed and summary.missing_blobs == [] and summary.rows["covers"] == 2
    with tarfile.open(tmp_path / "b.tar") as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert removed[0] not in manifest["blobs"]
    assert set(manifest["blobs"]) <= _stored_keys(tmp_path / "blobs")


@pytest.fixture
def backed_up(tmp_path: Path) -> tuple[Settings, Path, str]:
    """A SQLite service with one user's covers, and a backup of it."""
    url = next(migrated_database("sqlite", tmp_path / "db"))
    settings = _settings(url, tmp_path / "blobs")
    client = _client(settings)
    try:
        headers = new_user(client)
        email = client.get("/v1/me", headers=headers).json()["email"]
        finished_job(client, headers, count=1)
    finally:
        client.__exit__(None, None, None)
    _backup(settings, tmp_path / "b.tar")
    return settings, tmp_path / "b.tar", email


def test_restore_into_a_database_with_data_needs_force(
        backed_up: tuple[Settings, Path, str], tmp_path: Path) -> None:
    original, archive, email = backed_up
    url = next(migrated_database("sqlite", tmp_path / "other-db"))
    other = _settings(url, tmp_path / "other-blobs")
    client = _client(other)
    try:
        headers = new_user(client)
        finished_job(client, headers, count=1, seed=99)
        theirs = client.get("/v1/me", headers=headers).json()["email"]
    finally:
        client.__exit__(None, None, None)
    before, blobs_before = _contents(url), _stored_keys(tmp_path / "other-blobs")

    with pytest.raises(BackupError, match=r"already holds data.*--force"):
        _restore_into(other, archive)
    assert _contents(url) == before and _stored_keys(tmp_path / "other-blobs") == blobs_before

    assert _restore_into(other, archive, force=True).replaced
    assert _contents(url) == _contents(original.database_url)
    # The replaced data's blobs went with it; exactly the backup's blobs remain.
    assert _stored_keys(tmp_path / "other-blobs") == _stored_keys(tmp_path / "blobs")
    client = _client(other)
    try:
        _login(client, email)
        gone = client.post("/v1/auth/login", json={"email": theirs, "password": PASSWORD})
        assert gone.status_code == 401
    finally:
        client.__exit__(None, None, None)


def _damaged(archive: Path, member_prefix: str, out: Path) -> Path:
    with tarfile.open(archive) as source, tarfile.open(out, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith(member_prefix):
                data = data[:-1] + bytes([data[-1] ^ 1])
            copy.addfile(member, __import__("io").BytesIO(data))
    return out


@pytest.mark.parametrize("what", ["blobs/", "db/covers"])
def test_a_damaged_backup_is_refused_before_anything_changes(
        backed_up: tuple[Settings, Path, str], tmp_path: Path, what: str) -> None:
    _, archive, _ = backed_up
    bad = _damaged(archive, what, tmp_path / "bad.tar")
    target = _settings(f"sqlite:///{tmp_path / 'fresh' / 'sleeve.db'}", tmp_path / "fresh-blobs")
    with pytest.raises(BackupError, match=r"damaged: .* does not match its checksum"):
        _restore_into(target, bad)
    assert not (tmp_path / "fresh-blobs").exists() or not _stored_keys(tmp_path / "fresh-blobs")
    assert not (tmp_path / "fresh" / "sleeve.db").exists()


def test_not_a_backup(tmp_path: Path) -> None:
    target = _env(_settings(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "blobs"))
    (tmp_path / "notes.txt").write_text("hello")
    result = sleeve("restore", str(tmp_path / "notes.txt"), cwd=tmp_path, **target)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "not a Sleeve backup" in result.stderr
    with pytest.raises(BackupError, match="does not exist"):
        _restore_into(_settings(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path / "blobs"),
                      tmp_path / "missing.tar")
    usage = sleeve("backup", cwd=tmp_path, **target)
    assert usage.returncode == 2 and "--out" in usage.stderr


def test_backup_of_an_unmigrated_database_says_what_to_do(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        with pytest.raises(BackupError, match="sleeve db upgrade"):
            backup(engine, BlobStore(f"file://{tmp_path / 'blobs'}"), tmp_path / "b.tar")
    finally:
        engine.dispose()
    assert not (tmp_path / "b.tar").exists()


def test_every_column_that_names_a_blob_is_marked() -> None:
    """A new table keeping blob keys must mark them, or backups would leave its blobs out."""
    from sleeve.db.models import Base

    unmarked = [f"{t.name}.{c.name}" for t in Base.metadata.sorted_tables for c in t.columns
                if c.name.endswith(("_key", "_keys")) and c.name != "idempotency_key"
                and not c.info.get("blob")]
    assert unmarked == []
    assert blob_columns()["covers"] == ["blob_key"]




def test_the_snapshot_does_not_see_writes_made_while_it_is_read(database_url: str) -> None:
    """What makes a backup consistent while the server writes: every table is read as of one
    moment, on both databases."""
    from sleeve.db.models import WorkerEngine
    from sleeve.db.types import utcnow
    from sleeve.ops.backup import _snapshot

    engine, writer = make_engine(database_url), make_engine(database_url)
    worker = f"snapshot-{uuid.uuid4().hex}"
    mine = select(WorkerEngine).where(WorkerEngine.worker == worker)
    try:
        with _snapshot(engine) as connection:
            assert connection.execute(mine).first() is None
            with writer.begin() as other:
                other.execute(insert(WorkerEngine).values(
                    worker=worker, engine="procedural", queue="cpu", heartbeat_at=utcnow()))
            assert connection.execute(mine).first() is None
        with engine.connect() as connection:
            assert connection.execute(mine).first() is not None
    finally:
        with writer.begin() as other:
            other.execute(delete(WorkerEngine).where(WorkerEngine.worker == worker))
        engine.dispose()
        writer.dispose()
