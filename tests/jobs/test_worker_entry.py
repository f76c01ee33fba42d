"""``sleeve worker`` runs jobs without the web stack: FastAPI is never imported."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path


def test_sleeve_worker_does_not_import_fastapi(tmp_path: Path) -> None:
    env = {**os.environ, "SLEEVE_DATABASE_URL": f"sqlite:///{tmp_path / 'sleeve.db'}",
           "SLEEVE_STORAGE_URL": f"file://{tmp_path / 'blobs'}", "SLEEVE_QUEUE": "local",
           "SLEEVE_LOG_FORMAT": "text", "SLEEVE_CONCURRENCY": "1"}
    # -X importtime names every module the process imports, on stderr, as it imports it.
    worker = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "sleeve", "worker", "--queues", "cpu"],
        env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert worker.stderr is not None
    lines: list[str] = []
    try:
        for line in worker.stderr:  # until the worker says it is running jobs
            lines.append(line)
            if "worker started" in line:
                break
    finally:
        worker.send_signal(signal.SIGTERM)
        rest, _ = worker.communicate(timeout=60)
    assert any("worker started" in line for line in lines), "".join(lines[-20:]) + rest
    imported = [line.rsplit("|", 1)[-1].strip() for line in lines
                if line.startswith("import time:")]
    assert "sleeve.jobs.local" in imported  # the check sees the worker's own imports
    assert not [m for m in imported if m.split(".")[0] in {"fastapi", "starlette", "uvicorn"}]
    assert worker.returncode == 0, rest
