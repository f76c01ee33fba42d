"""Shared fixtures for service, API and job tests: both databases, settings, an app client.

PostgreSQL: one fresh schema per test session (unique name, dropped at the end), so concurrent
runs never collide. Tests keep out of each other's way by creating their own users (and, for
the gallery, their own genre).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from sleeve.api.app import create_app
from sleeve.config import Settings
from sleeve.db.migrate import upgrade_database

PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
RENDER_SIZE = 256
TERMINAL = {"succeeded", "failed", "cancelled"}


def _postgres_schema() -> Iterator[str]:
    schema = f"sleeve_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"PostgreSQL unreachable at {PG_ADMIN_URL} under CI") from exc
        pytest.skip(f"PostgreSQL unreachable at {PG_ADMIN_URL}: {type(exc).__name__}")
    try:
        yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def migrated_database(kind: str, directory: Path) -> Iterator[str]:
    """A database at the latest schema: SQLite in ``directory``, or a fresh PostgreSQL schema
    (dropped when the generator closes)."""
    if kind == "sqlite":
        url = f"sqlite:///{directory / 'sleeve.db'}"
        upgrade_database(Settings(database_url=url))
        yield url
        return
    for url in _postgres_schema():
        upgrade_database(Settings(database_url=url))
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from migrated_database(request.param, tmp_path_factory.mktemp("db"))


@pytest.fixture
def own_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database of this test's own (same kind as ``database_url``), for a test that counts
    rows across a whole database (a sweep, a requeue): other tests leave jobs behind in the
    shared one."""
    yield from migrated_database("sqlite" if database_url.startswith("sqlite") else "postgresql",
                                 tmp_path)


TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def require_redis() -> str:
    """The tests' Redis URL, once it answers; skipped without it, failed under CI."""
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"Redis unreachable at {TEST_REDIS_URL} under CI") from exc
        pytest.skip(f"Redis unreachable at {TEST_REDIS_URL}")
    return TEST_REDIS_URL


TEST_RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


def require_rabbitmq() -> str:
    """The tests' RabbitMQ URL, once it answers; skipped without it, failed under CI."""
    from kombu import Connection

    try:
        with Connection(TEST_RABBITMQ_URL, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"RabbitMQ unreachable at {TEST_RABBITMQ_URL} under CI") from exc
        pytest.skip(f"RabbitMQ unreachable at {TEST_RABBITMQ_URL}")
    return TEST_RABBITMQ_URL


BROKERS: dict[str, Callable[[], str]] = {"redis": require_redis, "rabbitmq": require_rabbitmq}


def drop_celery_queues(broker_url: str, names: list[str]) -> None:
    """Delete a test's own queues (RabbitMQ keeps declared queues; Redis lists vanish empty)."""
    from kombu import Connection

    with Connection(broker_url, connect_timeout=2) as connection:
        channel = connection.default_channel
        for name in names:
            try:
                channel.queue_delete(name)
            except Exception:  # already gone
                channel = connection.channel()


@pytest.fixture(params=sorted(BROKERS))
def celery_broker(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """(broker URL, queue-name prefix unique to this test): every Celery job test runs on Redis
    and on RabbitMQ; concurrent runs share both brokers, so each test has its own queues."""
    url = BROKERS[request.param]()
    prefix = f"sleeve-test-{uuid.uuid4().hex[:8]}-"
    yield url, prefix
    drop_celery_queues(url, [prefix + "cpu", prefix + "gpu"])


@pytest.fixture
def make_settings(database_url: str, tmp_path: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": database_url, "storage_url": f"file://{tmp_path / 'blobs'}",
            "concurrency": 1, "job_poll_s": 0.05, "job_lease_s": 5.0,
            "rate_limit_jobs_per_minute": 1000,
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def make_client(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., TestClient]]:
    """A client for an app built from settings overrides; the app's lifespan runs."""
    opened: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        client = TestClient(create_app(make_settings(**overrides)),
                            raise_server_exceptions=False)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def new_user(client: TestClient | httpx.Client) -> dict[str, str]:
    """Registers a fresh user and returns bearer headers for it."""
    email = f"u{uuid.uuid4().hex[:12]}@example.com"
    password = "correct horse battery"
    assert client.post("/v1/auth/register",
                       json={"email": email, "password": password}).status_code == 201
    login = client.post("/v1/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    # Bearer tests must not be helped by the session cookie the login also set.
    client.cookies.clear()
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


@pytest.fixture
def auth(client: TestClient) -> dict[str, str]:
    return new_user(client)


def job_body(count: int = 2, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "brief": {"title": "Midnight Rain", "artist": "Luna Vale", "genre": "ballad",
                  "lyrics": "Rain on the window, the city asleep"},
        # A fixed style keeps these service tests independent of the art director's choice;
        # test_job_runs_to_covers leaves it to the art director.
        "count": count, "size": RENDER_SIZE, "seed": 7, "style": "swiss",
    }
    body.update(overrides)
    return body


def wait_for_job(client: TestClient | httpx.Client, job_id: str, headers: dict[str, str],
                 timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/v1/jobs/{job_id}", headers=headers).json()
        if job.get("state") in TERMINAL:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {job.get('state')} after {timeout} s")
        time.sleep(0.05)


def finished_job(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    created = client.post("/v1/jobs", json=job_body(**body), headers=headers)
    assert created.status_code == 202, created.text
    job = wait_for_job(client, created.json()["id"], headers)
    assert job["state"] == "succeeded", job
    return job


def new_admin(make_client: Callable[..., TestClient],
              **overrides: Any) -> tuple[TestClient, dict[str, str]]:
    """A client and the bearer headers of an administrator (the one place tests make admins):
    registered like anyone, then granted the role as the operator's CLI does."""
    from sleeve.service.roles import ADMIN, set_role

    email = f"admin{uuid.uuid4().hex[:10]}@example.com"
    client = make_client(**overrides)
    password = "correct horse battery"
    assert client.post("/v1/auth/register",
                       json={"email": email, "password": password}).status_code == 201
    set_role(client.app.state.services.sessions, email, ADMIN,  # type: ignore[attr-defined]
             "tests")
    login = client.post("/v1/auth/login", json={"email": email, "password": password})
    client.cookies.clear()
    return client, {"Authorization": f"Bearer {login.json()['access_token']}"}
