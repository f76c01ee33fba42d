"""The registry over HTTP and the CLI: admins promote and roll back any kind, others get 403,
and every change is an event with its metrics."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from sleeve.cli import app
from sleeve.config import Settings, get_settings
from sleeve.db.engine import SessionFactory, transaction
from sleeve.db.models import ModelEvent, ModelVersion
from tests.learning.conftest import admin_email_of, new_admin, new_user

runner = CliRunner()


def _versions(sessions: SessionFactory, kind: str, *states: str) -> list[str]:
    with transaction(sessions) as session:
        rows = [ModelVersion(kind=kind, version=str(i + 1), state=state)
                for i, state in enumerate(states)]
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


def _events(sessions: SessionFactory, model_id: str) -> list[ModelEvent]:
    with transaction(sessions) as session:
        events = list(session.scalars(select(ModelEvent).where(
            ModelEvent.model_version_id == model_id).order_by(ModelEvent.created_at)))
        for e in events:
            session.expunge(e)
        return events


def test_admins_promote_and_roll_back_others_are_refused(
    make_client: Callable[..., TestClient], sessions: SessionFactory,
) -> None:
    client, admin = new_admin(make_client)
    kind = f"lora-{uuid.uuid4().hex[:6]}"
    first, second = _versions(sessions, kind, "candidate", "candidate")
    someone = new_user(client)
    for action in ("promote", "rollback"):
        refused = client.post(f"/v1/models/{first}/{action}", headers=someone)
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"

    assert client.post(f"/v1/models/{first}/promote", headers=admin).json()["state"] == "promoted"
    promoted = client.post(f"/v1/models/{second}/promote", headers=admin,
                           json={"reason": "better on the panel"})
    assert promoted.status_code == 200 and promoted.json()["state"] == "promoted"
    states = {m["id"]: m["state"] for m in client.get(
        "/v1/models", params={"kind": kind}, headers=admin).json()}
    assert states == {first: "retired", second: "promoted"}

    rolled = client.post(f"/v1/models/{second}/rollback", headers=admin,
                         json={"reason": "artefacts in faces"})
    assert rolled.status_code == 200 and rolled.json()["state"] == "rolled-back"
    states = {m["id"]: m["state"] for m in client.get(
        "/v1/models", params={"kind": kind}, headers=admin).json()}
    assert states == {first: "promoted", second: "rolled-back"}
    # Only the live version can be rolled back; unknown ids are 404.
    assert client.post(f"/v1/models/{second}/rollback", headers=admin).status_code == 409
    assert client.post("/v1/models/nope/rollback", headers=admin).status_code == 404

    email = admin_email_of(client, admin)
    actions = [(e.action, e.actor, e.reason) for e in _events(sessions, second)]
    assert actions[0] == ("promote", email, "better on the panel")
    assert actions[1][:3] == ("rollback", email, "artefacts in faces")
    rollback = _events(sessions, second)[1]
    assert rollback.metrics["restored"] == first
    listed = client.get("/v1/models/events", params={"kind": kind}, headers=admin).json()
    assert [e["action"] for e in listed][:2] == ["rollback", "promote"]
    assert client.get("/v1/models/events", headers=someone).status_code == 403


def test_the_cli_lists_promotes_and_rolls_back(settings: Settings, sessions: SessionFactory,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLEEVE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SLEEVE_STORAGE_URL", settings.storage_url)
    get_settings.cache_clear()
    try:
        kind = f"policy-{uuid.uuid4().hex[:6]}"
        (model_id,) = _versions(sessions, kind, "candidate")
        listed = runner.invoke(app, ["models", "list", "--kind", kind, "--json"])
        assert listed.exit_code == 0, listed.output
        assert [m["state"] for m in json.loads(listed.stdout)] == ["candidate"]
        done = runner.invoke(app, ["models", "promote", model_id, "--by", "ops@example.com",
                                   "--reason", "manual check", "--json"])
        assert done.exit_code == 0 and json.loads(done.stdout)[0]["state"] == "promoted"
        back = runner.invoke(app, ["models", "rollback", model_id, "--json"])
        assert back.exit_code == 0 and json.loads(back.stdout)[0]["state"] == "rolled-back"
        assert next((e.action, e.actor) for e in _events(sessions, model_id)) == (
            "promote", "ops@example.com")
        missing = runner.invoke(app, ["models", "promote", "nope"])
        assert missing.exit_code == 2 and "no model nope" in missing.output
        forced = runner.invoke(app, ["retrain", "--kind", "policy", "--force"])
        assert forced.exit_code == 2 and "--reason" in forced.output
        bad = runner.invoke(app, ["retrain", "--kind", "weights"])
        assert bad.exit_code == 2 and "policy, lora" in bad.output
    finally:
        get_settings.cache_clear()
