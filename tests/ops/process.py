"""Running `sleeve` as an operator does: a real process, a clean environment, a fresh directory."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def environment(**settings: str) -> dict[str, str]:
    """The test runner's environment without its SLEEVE_* variables, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLEEVE_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(settings)
    return env


def sleeve(*args: str, cwd: Path, timeout: float = 60, **settings: str,
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sleeve", *args], cwd=cwd,
                          env=environment(**settings), capture_output=True, text=True,
                          timeout=timeout, check=False)


def start(*args: str, cwd: Path, **settings: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sleeve", *args], cwd=cwd,
                            env=environment(**settings), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def log_events(stderr: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


def plain_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip() and not line.startswith("{")]
