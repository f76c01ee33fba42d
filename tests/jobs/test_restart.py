"""A job is never lost: SIGKILL the real server mid-job, start it again, every job finishes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.service.fixtures import job_body, new_user, wait_for_job

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (the forkserver and the workers it forked)."""
    found: set[int] = set()
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:  # gone
        return found
    for child in map(int, children):
        found |= {child} | _descendants(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except OSError:
        return False


class Server:
    def __init__(self, tmp: Path) -> None:
        self.port = _free_port()
        self.env = {
            **os.environ,
            "SLEEVE_DATABASE_URL": f"sqlite:///{tmp / 'sleeve.db'}",
            "SLEEVE_STORAGE_URL": f"file://{tmp / 'blobs'}",
            "SLEEVE_QUEUE": "local",
            "SLEEVE_CONCURRENCY": "2",
            "SLEEVE_JOB_LEASE_S": "3",
            "SLEEVE_JOB_POLL_S": "0.1",
            "SLEEVE_LOG_LEVEL": "WARNING",
        }
        self.log = tmp / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "sleeve.api.server", "--port", str(self.port)],
                env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError("server did not start:\n" + self.log.read_text())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path)
    yield running
    running.stop()


def test_sigkill_mid_job_then_restart_finishes_every_job(server: Server) -> None:
    server.start()
    with httpx.Client(base_url=server.url, timeout=10) as client:
        auth = new_user(client)
        ids = [client.post("/v1/jobs", json=job_body(count=4, size=768, seed=s),
                           headers=auth).json()["id"] for s in range(4)]
        # Kill once a job is part-way (some covers stored, some not), or at worst while one is
        # running, if covers come too fast to catch in between.
        deadline = time.monotonic() + 60
        first_running = None
        while True:
            jobs = [client.get(f"/v1/jobs/{i}", headers=auth).json() for i in ids]
            running = [j for j in jobs if j["state"] == "running"]
            if any(0 < j["progress"] < 100 for j in running):
                break
            if running and first_running is None:
                first_running = time.monotonic()
            if first_running is not None and time.monotonic() - first_running > 2:
                break
            assert time.monotonic() < deadline, jobs
            time.sleep(0.02)
    assert server.process is not None
    below = _descendants(server.process.pid)
    assert len(below) >= 3, below  # the forkserver and two workers
    server.kill()
    assert not all(j["state"] == "succeeded" for j in jobs)
    # No orphan goes on rendering or polling: the killed server's workers and forkserver end.
    deadline = time.monotonic() + 10
    while alive := [pid for pid in below if _alive(pid)]:
        assert time.monotonic() < deadline, f"left running after the server was killed: {alive}"
        time.sleep(0.1)

    server.start()
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for job_id in ids:
            job = wait_for_job(client, job_id, auth, timeout=120)
            assert job["state"] == "succeeded", job
            # Resumed, not restarted from scratch or duplicated: one cover per position.
            assert [c["position"] for c in job["covers"]] == [0, 1, 2, 3]
            for cover in job["covers"]:
                image = client.get(cover["image_url"], headers=auth)
                assert image.status_code == 200 and image.content[:2] == b"\xff\xd8"
