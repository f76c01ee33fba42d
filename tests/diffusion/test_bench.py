"""The GPU benchmark's harness runs (tiny SDXL on CPU) and reports what it promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_smoke_mode_reports_json() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "diffusion.py"), "--smoke", "--reps", "1",
         "--steps", "2,1", "--size", "32"],
        capture_output=True, text=True, timeout=300, check=False, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["device"] and report["dtype"] == "fp32" and report["size"] == 32
    assert [r["steps"] for r in report["results"]] == [2, 1]
    assert all(r["p50_s"] > 0 and r["compile"] is False for r in report["results"])
    assert report["targets_h100"]["steps_30_s"] == 1.5
