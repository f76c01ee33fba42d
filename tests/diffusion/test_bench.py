"""The benchmark times the engine itself: every named mode runs (tiny SDXL on CPU) and reports
what it promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.sdxl_random import TINY
from sleeve.diffusion.loader import locate
from tests.diffusion.conftest import EngineFactory
from tests.render.conftest import build_plan

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


def test_full_size_weights_are_saved_as_the_hub_lays_them_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_engine: EngineFactory
) -> None:
    """The ``--full-size`` build path (fp16 variants, an SDXL img2img refiner, the fp16-fix
    VAE, LCM-LoRA, ×4 upscaler) at toy widths: what the GPU run loads, the engine loads."""
    from bench import sdxl_random

    monkeypatch.setattr(sdxl_random, "SDXL_BASE", TINY)
    monkeypatch.setattr(sdxl_random, "SDXL_REFINER_UNET", sdxl_random.TINY_REFINER_UNET)
    monkeypatch.setattr(sdxl_random, "X4_UPSCALER", sdxl_random.TINY_UPSCALER)
    models = sdxl_random.build(tmp_path / "full", full=True)
    assert sorted(p.name for p in (models.base / "unet").iterdir()) == [
        "config.json", "diffusion_pytorch_model.fp16.safetensors"]
    refiner = locate(str(models.refiner), role="refiner")
    assert refiner.pipeline_class == "StableDiffusionXLImg2ImgPipeline" and refiner.has_fp16
    engine = make_engine(model=str(models.base), refiner=str(models.refiner),
                         vae=str(models.vae), upscaler=str(models.upscaler), upscaler_steps=1)
    assert engine.render(build_plan(), seed=1, size=96).size == (96, 96)
    assert make_engine(model=str(models.base), lcm_lora=str(models.lcm_lora)).render(
        build_plan(), seed=1, size=64).size == (64, 64)
