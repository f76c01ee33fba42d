"""The embedded queue renders in worker processes at a lower priority, and replaces one that
dies: a job whose worker is SIGKILLed still finishes, each cover stored once."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from sleeve.jobs import lifecycle
from sleeve.jobs.local import LocalQueue
from tests.service.fixtures import job_body, new_user, wait_for_job


def _queue(client: TestClient) -> LocalQueue:
    queue = client.app.state.services.queue  # type: ignore[attr-defined]
    assert isinstance(queue, LocalQueue)
    return queue


def _live_pids(queue: LocalQueue, count: int, timeout: float = 20.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while len(pids := queue.worker_pids()) < count:
        assert time.monotonic() < deadline, pids
        time.sleep(0.05)
    return pids


def test_workers_are_processes_at_lower_priority(make_client: Callable[..., TestClient]) -> None:
    queue = _queue(make_client(concurrency=2))
    pids = _live_pids(queue, 2)
    assert os.getpid() not in pids
    own = os.getpriority(os.PRIO_PROCESS, 0)
    # The child sets its niceness as it starts; give it a moment.
    deadline = time.monotonic() + 10
    while not all(os.getpriority(os.PRIO_PROCESS, pid) >= own + 10 for pid in pids):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_killed_worker_is_replaced_and_its_job_finishes(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(concurrency=1)
    queue = _queue(client)
    auth = new_user(client)
    job_id = client.post("/v1/jobs", json=job_body(count=3, size=768), headers=auth).json()["id"]
    deadline = time.monotonic() + 60
    while client.get(f"/v1/jobs/{job_id}", headers=auth).json()["state"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    [victim] = _live_pids(queue, 1)
    os.kill(victim, signal.SIGKILL)
    job = wait_for_job(client, job_id, auth, timeout=90)
    assert job["state"] == "succeeded", job
    assert [c["position"] for c in job["covers"]] == [0, 1, 2]
    [replacement] = _live_pids(queue, 1)
    assert replacement != victim


def test_a_job_whose_worker_keeps_dying_under_it_fails_with_the_reason(
    make_client: Callable[..., TestClient],
) -> None:
    """A worker process that dies while the queue lives on counts against its job: after
    MAX_CRASHES the job fails, saying why, instead of killing workers for ever."""
    client = make_client(concurrency=1)
    queue = _queue(client)
    auth = new_user(client)
    job_id = client.post("/v1/jobs", json=job_body(count=8, size=1024),
                         headers=auth).json()["id"]
    killed: list[int] = []
    deadline = time.monotonic() + 120
    while len(killed) < lifecycle.MAX_CRASHES:
        assert time.monotonic() < deadline, killed
        job = client.get(f"/v1/jobs/{job_id}", headers=auth).json()
        pids = queue.worker_pids()
        # Running again, in a process not yet killed: the next crash.
        if job["state"] == "running" and pids and pids[0] not in killed:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])
        time.sleep(0.02)
    job = wait_for_job(client, job_id, auth, timeout=60)
    assert job["state"] == "failed", job
    assert f"died {lifecycle.MAX_CRASHES} times" in job["error"], job
    _live_pids(queue, 1)  # and the queue still has its worker


def test_only_the_first_worker_takes_gpu_jobs(make_client: Callable[..., TestClient]) -> None:
    # Each process that took GPU jobs would hold its own SDXL on the card.
    queue = _queue(make_client(concurrency=3))
    assert queue.worker_queues(0) == ("cpu", "gpu")
    assert queue.worker_queues(1) == queue.worker_queues(2) == ("cpu",)
    assert LocalQueue(queue.ctx, 2, ("gpu",)).worker_queues(1) == ("gpu",)


def test_readyz_says_warming_while_a_worker_loads_the_engine(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(concurrency=1)
    queue = _queue(client)
    _live_pids(queue, 1)
    assert queue._shared is not None
    queue._shared.warming.value = 1  # what the GPU worker sets while it warms up
    try:
        engines = client.get("/readyz").json()["engines"]
        assert engines["diffusion"]["available"] is False
        assert engines["diffusion"]["reason"].startswith("warming")
    finally:
        queue._shared.warming.value = 0
    assert not client.get("/readyz").json()["engines"]["diffusion"]["reason"].startswith(
        "warming")
