"""A ``motion`` job end to end: asked for through the API, run by the cpu worker with
progress per frame, its MP4 served to the owner only."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import av
from fastapi.testclient import TestClient
from sqlalchemy import update

from sleeve.db.engine import transaction
from sleeve.db.models import Cover
from sleeve.jobs import lifecycle
from sleeve.jobs.context import JobContext
from sleeve.jobs.dispatch import run_claimed
from sleeve.jobs.motion import run_motion
from sleeve.service.context import Services
from tests.service.fixtures import finished_job, job_body, new_user, wait_for_job


def test_motion_job_makes_a_loop_of_the_owners_cover(
        make_client: Callable[..., TestClient]) -> None:
    client = make_client(motion_scale=0.1)
    auth = new_user(client)
    cover = finished_job(client, auth, count=1)["covers"][0]
    stranger = new_user(client)
    url = f"/v1/covers/{cover['id']}/motion"
    assert client.post(url, json={"preset": "canvas"}, headers=stranger).status_code == 404
    bad = client.post(url, json={"preset": "canvas", "seconds": 12}, headers=auth)
    assert bad.status_code == 422
    assert client.post(url, json={"preset": "vhs"}, headers=auth).status_code == 422

    made = client.post(url, json={"preset": "canvas", "seconds": 3}, headers=auth)
    assert made.status_code == 202, made.text
    job: dict[str, Any] = made.json()
    assert job["kind"] == "motion" and job["motion"]["preset"] == "canvas"
    assert made.headers["location"] == f"/v1/jobs/{job['id']}"
    done = wait_for_job(client, job["id"], auth, timeout=120)
    assert done["state"] == "succeeded", done
    assert done["progress"] == 100
    video_url = done["motion"]["video_url"]
    assert video_url == f"/v1/jobs/{job['id']}/video"

    assert client.get(video_url, headers=stranger).status_code == 404
    video = client.get(video_url, headers=auth)
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    with av.open(io.BytesIO(video.content)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (108, 192)
        assert not container.streams.audio
        assert sum(1 for _ in container.decode(video=0)) == 90


def test_a_plan_with_a_tempo_gets_a_loop_of_whole_beats(
        make_client: Callable[..., TestClient]) -> None:
    # The jobs are run here, as a worker would run them (the app runs none).
    client = make_client(motion_scale=0.1, embedded_worker=False)
    auth = new_user(client)
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    ctx = JobContext(services.sessions, services.store, services.settings)
    job_id = client.post("/v1/jobs", json=job_body(count=1), headers=auth).json()["id"]
    with transaction(services.sessions) as session:
        assert lifecycle.claim_job(session, job_id, 30.0)
    assert run_claimed(ctx, job_id) == lifecycle.SUCCEEDED
    cover = client.get(f"/v1/jobs/{job_id}", headers=auth).json()["covers"][0]
    plan = client.get(f"/v1/covers/{cover['id']}", headers=auth).json()["plan"]
    with transaction(services.sessions) as session:  # as a plan made with --audio carries it
        session.execute(update(Cover).where(Cover.id == cover["id"]).values(
            plan={**plan, "motion_tempo_bpm": 70.0}))

    made = client.post(f"/v1/covers/{cover['id']}/motion",
                       json={"preset": "canvas", "seconds": 5}, headers=auth)
    assert made.status_code == 202, made.text
    seconds = made.json()["motion"]["seconds"]
    assert abs(seconds - 6 * 60 / 70) < 1e-4  # six beats at 70 bpm, the nearest to 5 s
    with transaction(services.sessions) as session:
        assert lifecycle.claim_job(session, made.json()["id"], 30.0)
    assert run_motion(ctx, made.json()["id"]) == lifecycle.SUCCEEDED
    done = client.get(f"/v1/jobs/{made.json()['id']}", headers=auth).json()
    assert done["motion"]["seconds"] == seconds
    video = client.get(done["motion"]["video_url"], headers=auth)
    with av.open(io.BytesIO(video.content)) as container:
        assert sum(1 for _ in container.decode(video=0)) == round(seconds * 30)
