"""The model registry over HTTP: anyone logged in lists, only admins promote; one live per kind."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi.testclient import TestClient

from sleeve.config import Settings
from sleeve.db.engine import make_engine, make_session_factory, transaction
from sleeve.db.models import ModelVersion
from tests.service.fixtures import new_user


def test_promote_and_roll_back(make_client: Callable[..., TestClient], settings: Settings) -> None:
    admin_email = f"admin{uuid.uuid4().hex[:8]}@example.com"
    client = make_client(admin_emails=f"someone@example.com, {admin_email.upper()}")
    kind = f"policy-{uuid.uuid4().hex[:6]}"
    sessions = make_session_factory(make_engine(settings.database_url))
    with transaction(sessions) as session:
        old = ModelVersion(kind=kind, version="1", state="promoted")
        new = ModelVersion(kind=kind, version="2", state="evaluated", metrics={"ndcg": 0.8})
        session.add_all([old, new])
    client.post("/v1/auth/register", json={"email": admin_email, "password": "password123"})
    admin = {"Authorization": "Bearer " + client.post("/v1/auth/login", json={
        "email": admin_email, "password": "password123"}).json()["access_token"]}
    client.cookies.clear()
    someone = new_user(client)
    listed = client.get("/v1/models", params={"kind": kind}, headers=someone).json()
    assert {m["version"]: m["state"] for m in listed} == {"1": "promoted", "2": "evaluated"}
    assert client.post(f"/v1/models/{new.id}/promote", headers=someone).status_code == 403
    promoted = client.post(f"/v1/models/{new.id}/promote", headers=admin)
    assert promoted.status_code == 200 and promoted.json()["state"] == "promoted"
    states = {m["version"]: m["state"] for m in client.get(
        "/v1/models", params={"kind": kind}, headers=admin).json()}
    assert states == {"1": "retired", "2": "promoted"}
    # Rollback: promote the old one again.
    client.post(f"/v1/models/{old.id}/promote", headers=admin)
    states = {m["version"]: m["state"] for m in client.get(
        "/v1/models", params={"kind": kind}, headers=admin).json()}
    assert states == {"1": "promoted", "2": "retired"}
    assert client.post("/v1/models/nope/promote", headers=admin).status_code == 404
