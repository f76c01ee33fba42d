"""The benchmark times the engine itself: every named mode runs (tiny SDXL on CPU) and reports
what it promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_smoke_runs_every_mode_through_the_engine(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "diffusion.py"), "--smoke", "--out", str(out),
         "--work", str(tmp_path / "weights")],
        capture_output=True, text=True, timeout=300, check=False, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert json.loads(out.read_text()) == report
    assert "[bench" in result.stderr  # progress goes to stderr, JSON alone to stdout
    modes = {r["mode"]: r for r in report["results"]}
    assert list(modes) == ["base30", "base-refiner", "lcm4", "turbo4"]
    assert not [r["error"] for r in modes.values() if "error" in r]
    for r in modes.values():
        assert r["load_s"] > 0 and r["warm_up_s"] > 0 and r["s_per_image"] > 0
        assert r["step_ms"] > 0  # between step callbacks, not total / steps
        assert "max_memory_allocated_gb" in r and "max_memory_reserved_gb" in r
    assert modes["lcm4"]["sampler"] == "lcm" and modes["lcm4"]["guidance"] == 1.0
    turbo = modes["turbo4"]
    assert turbo["render_size"] < turbo["size"] and turbo["s_per_image_without_upscale"] > 0
    assert report["targets"] == {"steps_30_s": 1.5, "steps_4_s": 0.3, "reserved_gb": 12.0}
    assert set(report["against_targets"]) == set(modes)
