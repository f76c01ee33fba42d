"""Fixtures for the API tests beyond the shared ones (tests/service/fixtures.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from sleeve.db.engine import transaction
from sleeve.db.models import Job
from sleeve.db.types import utcnow
from tests.api.oauth_provider import oauth_provider  # noqa: F401 - fixture
from tests.service.fixtures import new_user


@pytest.fixture
def idle_client(
    make_client: Callable[..., TestClient],
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """An app without job workers (jobs are stored, never rendered) and a user's bearer
    headers. Afterwards that user's jobs still queued are cancelled, so that no later test
    (a sweep, a queue-depth count) finds them in the shared database."""
    client = make_client(embedded_worker=False)
    auth = new_user(client)
    me = client.get("/v1/me", headers=auth).json()["id"]
    yield client, auth
    with transaction(client.app.state.services.sessions) as session:  # type: ignore[attr-defined]
        session.execute(update(Job).where(Job.user_id == me, Job.state == "queued")
                        .values(state="cancelled", finished_at=utcnow()))
