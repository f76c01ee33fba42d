"""Finer progress: a job's bar moves within a cover (per render stage), only ever grows, and
reaches 100 only when the job succeeds."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from sleeve.jobs.runner import STAGE_SHARE, percent
from sleeve.pipeline import render_plan
from tests.render.conftest import build_plan
from tests.service.fixtures import job_body, new_user


def _watch(client: TestClient, job_id: str, headers: dict[str, str]) -> list[int]:
    """Every progress value a tight poll of GET /v1/jobs/{id} sees until the job ends."""
    seen: list[int] = []
    deadline = time.monotonic() + 120
    while True:
        job = client.get(f"/v1/jobs/{job_id}", headers=headers).json()
        if not seen or seen[-1] != job["progress"]:
            seen.append(job["progress"])
        if job["state"] in {"succeeded", "failed", "cancelled"}:
            assert job["state"] == "succeeded", job
            return seen
        assert time.monotonic() < deadline, seen
        time.sleep(0.005)


def test_running_job_reports_progress_within_a_cover(client: TestClient) -> None:
    # One large cover: whole-cover progress could only ever show 0 then 100.
    auth = new_user(client)
    job = client.post("/v1/jobs", json=job_body(count=1, size=2048), headers=auth).json()
    seen = _watch(client, job["id"], auth)
    assert seen == sorted(seen), seen
    assert seen[-1] == 100 and seen.count(100) == 1
    stages = {percent(share, 1) for share in STAGE_SHARE.values()}
    within = {p for p in seen if 0 < p < 100}
    assert within & stages, f"no progress inside the cover: {seen}"
    # 99: the cover is stored; 100 waits for the job's successful finish.
    assert within <= stages | {99}, seen


def test_stage_progress_sits_between_whole_covers() -> None:
    # Three covers: stage values are never multiples of a cover's share and never reach 100.
    values = [percent(done + share, 3) for done in range(3) for share in STAGE_SHARE.values()]
    assert values == sorted(values) and max(values) < 100
    assert not set(values) & {percent(done, 3) for done in range(4)}


def test_on_stage_reports_in_order_and_leaves_the_cover_unchanged() -> None:
    plan = build_plan(style="swiss")
    stages: list[str] = []
    watched = render_plan(plan, 5, size=256, on_stage=stages.append)
    plain = render_plan(plan, 5, size=256)
    assert stages == ["artwork", "typography"]
    assert watched.image.tobytes() == plain.image.tobytes()
    stages.clear()
    render_plan(plan, 5, size=256, text=False, on_stage=stages.append)
    assert stages == ["artwork"]
