"""A real Sleeve server for browser tests: ``sleeve serve`` in a subprocess on a free port,
with its own SQLite database, blob store and in-process queue."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SleeveServer:
    def __init__(self, data_dir: Path, extra_env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.extra_env = extra_env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLEEVE_")}
        env.update({
            "SLEEVE_DATABASE_URL": f"sqlite:///{self.data_dir / 'sleeve.db'}",
            "SLEEVE_STORAGE_URL": f"file://{self.data_dir / 'blobs'}",
            "SLEEVE_QUEUE": "local",
            "SLEEVE_ENGINE": "procedural",
            "SLEEVE_CONCURRENCY": "2",
            "SLEEVE_JOB_POLL_S": "0.1",
            "SLEEVE_RATE_LIMIT_JOBS_PER_MINUTE": "1000",
            "SLEEVE_LOG_LEVEL": "WARNING",
        })
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sleeve", "serve", "--host", "127.0.0.1",
             "--port", str(self.port)],
            env=self.env(), stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sleeve serve exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"sleeve serve not up in {START_TIMEOUT_S} s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
