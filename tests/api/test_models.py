"""The model registry over HTTP: anyone logged in lists, only admins promote; one live per kind.

Admins are made only by the operator's CLI against the database (``sleeve users grant-admin``),
never by an e-mail address: formerly privileged addresses registering or logging in through
OAuth get 403 on every admin route.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from sleeve.api.deps import admin_user
from sleeve.api.openapi import dependency_calls
from sleeve.config import Settings
from sleeve.db.engine import make_engine, make_session_factory, transaction
from sleeve.db.models import ModelVersion
from sleeve.service.roles import role_history
from tests.api.oauth_provider import Provider, login_through_provider, oauth_settings
from tests.service.fixtures import new_user


def admin_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every route behind the admin dependency (whichever branch added it)."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and admin_user in set(dependency_calls(route.dependant)):
            found += [(method, route.path_format) for method in sorted(route.methods or ())]
    return found


REPO = Path(__file__).resolve().parents[2]


def sleeve_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in a process of its own, against the test database (this checkout's code)."""
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "SLEEVE_DATABASE_URL": settings.database_url, "PYTHONPATH": path}
    return subprocess.run([sys.executable, "-m", "sleeve", *args], env=env, text=True,
                          capture_output=True, timeout=60, check=False)


def _login(client: TestClient, email: str) -> dict[str, str]:
    client.post("/v1/auth/register", json={"email": email, "password": "password123"})
    token = client.post("/v1/auth/login", json={
        "email": email, "password": "password123"}).json()["access_token"]
    client.cookies.clear()
    return {"Authorization": f"Bearer {token}"}


def _models(settings: Settings, kind: str) -> tuple[ModelVersion, ModelVersion]:
    sessions = make_session_factory(make_engine(settings.database_url))
    with transaction(sessions) as session:
        old = ModelVersion(kind=kind, version="1", state="promoted")
        new = ModelVersion(kind=kind, version="2", state="evaluated", metrics={"ndcg": 0.8})
        session.add_all([old, new])
    return old, new


def test_promote_and_roll_back(client: TestClient, settings: Settings) -> None:
    admin_email = f"admin{uuid.uuid4().hex[:8]}@example.com"
    kind = f"policy-{uuid.uuid4().hex[:6]}"
    old, new = _models(settings, kind)
    admin = _login(client, admin_email)
    someone = new_user(client)
    listed = client.get("/v1/models", params={"kind": kind}, headers=someone).json()
    assert {m["version"]: m["state"] for m in listed} == {"1": "promoted", "2": "evaluated"}
    assert client.post(f"/v1/models/{new.id}/promote", headers=admin).status_code == 403
    granted = sleeve_cli(settings, "users", "grant-admin", admin_email.upper(), "--json")
    assert granted.returncode == 0, granted.stderr
    assert json.loads(granted.stdout) == {"email": admin_email, "old_role": "user",
                                          "role": "admin", "changed": True}
    assert client.get("/v1/me", headers=admin).json()["role"] == "admin"
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
    # Revoked: refused at once (the role is read from the database on every admin request).
    assert sleeve_cli(settings, "users", "revoke-admin", admin_email).returncode == 0
    assert client.post(f"/v1/models/{new.id}/promote", headers=admin).status_code == 403
    history = role_history(make_session_factory(make_engine(settings.database_url)),
                           admin_email)
    assert [(e.old_role, e.new_role) for e in history] == [("user", "admin"), ("admin", "user")]
    assert all(e.actor.startswith("cli:") and e.created_at for e in history)


def test_role_cli_refuses_unknown_accounts(settings: Settings) -> None:
    missing = sleeve_cli(settings, "users", "grant-admin", "nobody-here@example.com")
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1 and "nobody-here@example.com" in missing.stderr


def test_no_email_address_grants_admin(
    make_client: Callable[..., TestClient],
    oauth_provider: tuple[Provider, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The formerly privileged addresses (SLEEVE_ADMIN_EMAILS is gone and grants nothing, even
    if still set) get 403 on every admin route, registered by password or logged in by OAuth."""
    by_password_email, by_oauth_email = "boss@example.com", "admin@example.com"
    monkeypatch.setenv("SLEEVE_ADMIN_EMAILS", f"{by_password_email},{by_oauth_email}")
    client = make_client(**oauth_settings(oauth_provider))
    by_password = _login(client, by_password_email)
    provider, _ = oauth_provider
    provider.user = {"id": 777, "kakao_account": {"email": by_oauth_email}}
    assert login_through_provider(client).status_code == 302
    assert client.get("/v1/me").json()["email"] == by_oauth_email
    by_oauth = dict(client.cookies)
    client.cookies.clear()
    routes = admin_routes(client.app)  # type: ignore[arg-type]
    assert ("POST", "/v1/models/{model_id}/promote") in routes
    for method, path in routes:
        url = re.sub(r"\{\w+_id\}", uuid.uuid4().hex, path)
        assert "{" not in url, f"give {path} an id"
        assert client.request(method, url, headers=by_password).status_code == 403, url
        client.cookies.update(by_oauth)
        assert client.request(method, url).status_code == 403, url
        client.cookies.clear()
