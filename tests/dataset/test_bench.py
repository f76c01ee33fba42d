"""The dataset benchmark runs and reports what it promises (tiny inputs)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_reports_images_per_second_on_one_and_all_cores() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "dataset.py"), "--count", "12", "--size", "96",
         "--workers", "2"], capture_output=True, text=True, timeout=120, check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["one_core"]["kept"] == report["all_cores"]["kept"] == 12
    assert report["one_core"]["images_per_s"] > 0 and report["all_cores"]["workers"] == 2
