"""Jobs over HTTP: create, progress, covers, idempotency, cancel, rate limit, ownership."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from fastapi.testclient import TestClient

from sleeve.engines import Availability
from sleeve.service.engine_check import LocalEngines
from tests.service.fixtures import RENDER_SIZE, finished_job, job_body, new_user, wait_for_job


def test_job_runs_to_covers(client: TestClient, auth: dict[str, str]) -> None:
    body = job_body(count=2)
    del body["style"]
    created = client.post("/v1/jobs", json=body, headers=auth)
    assert created.status_code == 202
    job = created.json()
    assert created.headers["location"] == f"/v1/jobs/{job['id']}"
    assert job["state"] in {"queued", "running"} and job["brief"]["title"] == "Midnight Rain"
    done = wait_for_job(client, job["id"], auth)
    assert done["state"] == "succeeded" and done["progress"] == 100 and done["error"] is None
    assert [c["position"] for c in done["covers"]] == [0, 1]
    assert [c["seed"] for c in done["covers"]] == [7, 8]
    cover = client.get(f"/v1/covers/{done['covers'][0]['id']}", headers=auth).json()
    assert cover["size"] == RENDER_SIZE and cover["plan"]["title"] == "Midnight Rain"
    assert cover["engine"] == "procedural" and cover["style"] == cover["plan"]["style"]


def test_other_users_get_404(client: TestClient, auth: dict[str, str]) -> None:
    job = finished_job(client, auth, count=1)
    cover_id = job["covers"][0]["id"]
    other = new_user(client)
    for path in (f"/v1/jobs/{job['id']}", f"/v1/covers/{cover_id}",
                 f"/v1/covers/{cover_id}/image", f"/v1/jobs/{job['id']}/events"):
        response = client.get(path, headers=other)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
    assert client.post(f"/v1/jobs/{job['id']}/cancel", headers=other).status_code == 404
    assert client.post(f"/v1/covers/{cover_id}/reviews", json={"rating": 5},
                       headers=other).status_code == 404
    assert client.get(f"/v1/jobs/{job['id']}").status_code == 401


def test_idempotency_key(client: TestClient, auth: dict[str, str]) -> None:
    headers = {**auth, "Idempotency-Key": "abc-123"}
    first = client.post("/v1/jobs", json=job_body(count=1), headers=headers)
    again = client.post("/v1/jobs", json=job_body(count=1), headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    changed = client.post("/v1/jobs", json=job_body(count=2), headers=headers)
    assert changed.status_code == 409
    assert changed.headers["content-type"] == "application/problem+json"
    # Keys belong to a user: the same key from someone else is a new job.
    other = client.post("/v1/jobs", json=job_body(count=1),
                        headers={**new_user(client), "Idempotency-Key": "abc-123"})
    assert other.status_code == 202 and other.json()["id"] != first.json()["id"]


def test_cancel_queued_job(make_client: Callable[..., TestClient]) -> None:
    client = make_client(embedded_worker=False)  # nothing runs: the job stays queued
    auth = new_user(client)
    job = client.post("/v1/jobs", json=job_body(count=1), headers=auth).json()
    cancelled = client.post(f"/v1/jobs/{job['id']}/cancel", headers=auth)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert client.get(f"/v1/jobs/{job['id']}", headers=auth).json()["state"] == "cancelled"


def test_cancel_finished_job_conflicts(client: TestClient, auth: dict[str, str]) -> None:
    job = finished_job(client, auth, count=1)
    assert client.post(f"/v1/jobs/{job['id']}/cancel", headers=auth).status_code == 409


def test_rate_limit(make_client: Callable[..., TestClient]) -> None:
    client = make_client(embedded_worker=False, rate_limit_jobs_per_minute=2)
    auth = new_user(client)
    for _ in range(2):
        assert client.post("/v1/jobs", json=job_body(), headers=auth).status_code == 202
    limited = client.post("/v1/jobs", json=job_body(), headers=auth)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    # The limit is per user.
    assert client.post("/v1/jobs", json=job_body(), headers=new_user(client)).status_code == 202


def test_validation_lists_each_field(client: TestClient, auth: dict[str, str]) -> None:
    body = job_body(count=9, style="no-such-style")
    body["brief"]["title"] = ""
    response = client.post("/v1/jobs", json=body, headers=auth)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"body.count", "body.style", "body.brief.title"} <= fields


def test_a_job_no_worker_can_run_is_refused_with_409(client: TestClient,
                                                      auth: dict[str, str]) -> None:
    # No diffusion weights on this host: refused when asked, with the reason.
    bad = client.post("/v1/jobs", json=job_body(count=1, engine="diffusion"), headers=auth)
    assert bad.status_code == 409, bad.text
    assert bad.headers["content-type"] == "application/problem+json"
    assert "diffusion" in bad.json()["detail"] and "cannot run" in bad.json()["detail"]


def test_engine_failure_fails_job_and_worker_survives(client: TestClient,
                                                      auth: dict[str, str]) -> None:
    # The engine looked able to run when the job was accepted (the weights went away since):
    # the job fails with the reason, and the next one runs.
    services = client.app.state.services  # type: ignore[attr-defined]
    client.app.state.services = dataclasses.replace(  # type: ignore[attr-defined]
        services, engines=LocalEngines(probe=lambda _settings: {
            "procedural": Availability(True), "diffusion": Availability(True, "it was")}))
    bad = client.post("/v1/jobs", json=job_body(count=1, engine="diffusion"), headers=auth)
    assert bad.status_code == 202, bad.text
    failed = wait_for_job(client, bad.json()["id"], auth)
    assert failed["state"] == "failed" and "diffusion" in failed["error"]
    assert finished_job(client, auth, count=1)["state"] == "succeeded"


def test_events_stream_progress(client: TestClient, auth: dict[str, str]) -> None:
    job = client.post("/v1/jobs", json=job_body(count=2), headers=auth).json()
    with client.stream("GET", f"/v1/jobs/{job['id']}/events", headers=auth) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    events = [block for block in text.split("\n\n") if block.startswith("event:")]
    assert events[-1].startswith("event: done") and '"state":"succeeded"' in events[-1]
    assert all(e.startswith("event: progress") for e in events[:-1])


def test_a_title_no_font_can_draw_is_refused_with_422(client: TestClient,
                                                       auth: dict[str, str]) -> None:
    body = job_body(count=1)
    body["brief"]["title"] = "Night \U00020c44"
    refused = client.post("/v1/jobs", json=body, headers=auth)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "no installed font can draw" in refused.text and "U+20C44" in refused.text
