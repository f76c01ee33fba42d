"""A ``motion`` job end to end: asked for through the API, run by the cpu worker with
progress per frame, its MP4 served to the owner only."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import av
from fastapi.testclient import TestClient

from tests.service.fixtures import finished_job, new_user, wait_for_job


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
