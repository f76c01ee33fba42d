"""Every cover logs how its style was chosen; only its owner sees the log."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sleeve.core.styles import STYLE_NAMES
from tests.service.fixtures import finished_job, new_user


def test_a_policy_chosen_cover_logs_bucket_action_and_propensity(
    client: TestClient, auth: dict[str, str],
) -> None:
    job = finished_job(client, auth, count=3, style=None)
    seen = []
    for position, summary in enumerate(job["covers"]):
        cover = client.get(f"/v1/covers/{summary['id']}", headers=auth).json()
        choice = cover["choice"]
        assert choice["policy_id"] is None and choice["policy_version"] == "table"
        mood = cover["plan"]["mood"]["label"]
        assert choice["bucket"] == {"genre_family": "ballad", "mood": mood}
        assert choice["action"]["style"] == cover["style"] in STYLE_NAMES
        assert choice["action"]["palette_family"] == "ballad"
        assert 0 < choice["propensity"] < 1 and choice["fixed"] is False
        assert cover["position"] == position
        seen.append(cover["style"])
    assert len(set(seen)) == 3  # one batch, different styles


def test_a_fixed_style_logs_probability_one(client: TestClient, auth: dict[str, str]) -> None:
    job = finished_job(client, auth, count=1, style="riso")
    choice = client.get(f"/v1/covers/{job['covers'][0]['id']}", headers=auth).json()["choice"]
    assert choice["propensity"] == 1.0 and choice["fixed"] is True
    assert choice["policy_version"] == "fixed" and choice["action"]["style"] == "riso"


def test_only_the_owner_sees_the_choice(client: TestClient, auth: dict[str, str]) -> None:
    cover_id = finished_job(client, auth, count=1)["covers"][0]["id"]
    assert client.patch(f"/v1/covers/{cover_id}", json={"is_public": True},
                        headers=auth).status_code == 200
    other = new_user(client)
    assert client.get(f"/v1/covers/{cover_id}", headers=other).json()["choice"] is None
    assert client.get(f"/v1/covers/{cover_id}").json()["choice"] is None
    assert client.get(f"/v1/covers/{cover_id}", headers=auth).json()["choice"] is not None
