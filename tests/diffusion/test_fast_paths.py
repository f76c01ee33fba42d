"""The fast paths as their model cards say, and the refiner hand-over by step count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sleeve.core.availability import EngineUnavailableError
from sleeve.diffusion.options import DiffusionOptions
from tests.diffusion.conftest import EngineFactory
from tests.render.conftest import build_plan

PLAN = build_plan()


def count_calls(module: Any, shapes: list[tuple[int, int]]) -> Any:
    """Record (batch, latent size) of every forward call of ``module``."""
    return module.register_forward_pre_hook(
        lambda m, args: shapes.append((args[0].shape[0], args[0].shape[-1])))


def test_turbo_is_drawn_at_512_in_4_steps_without_guidance() -> None:
    options = DiffusionOptions(model="m", turbo=True, steps=30, resolution=1024, guidance=6.0)
    assert (options.render_resolution, options.sampling_steps, options.cfg) == (512, 4, 0.0)


def test_turbo_draws_at_its_own_size_then_upscales(make_engine: EngineFactory) -> None:
    # The tiny model's turbo size is 32² (its VAE halves: 16² latents), the cover 128².
    engine = make_engine(turbo=True, steps=30, resolution=64, turbo_resolution=32)
    parts = engine._load()
    calls: list[tuple[int, int]] = []
    count_calls(parts.pipe.unet, calls)
    art = engine.render(PLAN, seed=1, size=128)
    assert art.size == (128, 128)
    assert calls == [(1, 16)] * 4  # 4 steps; batch 1: no classifier-free guidance pair


@pytest.mark.parametrize(("guidance", "expected"), [(6.0, 1.0), (1.5, 1.5), (0.5, 1.0)])
def test_lcm_guidance_stays_in_the_model_cards_range(guidance: float, expected: float) -> None:
    options = DiffusionOptions(model="m", lcm_lora="lcm.safetensors", guidance=guidance)
    assert options.cfg == expected and options.sampler == "lcm"


@pytest.mark.parametrize("fast", [{"turbo": True}, {"lcm_lora": "lcm.safetensors"}])
def test_refiner_is_refused_with_a_fast_path(
    fast: dict[str, Any], make_engine: EngineFactory, tiny_refiner: Path
) -> None:
    engine = make_engine(**fast, refiner=str(tiny_refiner))
    status = engine.availability()
    assert not status.available
    assert "SLEEVE_SDXL_REFINER cannot be combined with SLEEVE_SDXL_" in status.reason
    with pytest.raises(EngineUnavailableError, match="refiner is not distilled"):
        engine.render(PLAN, seed=1, size=64)


def test_karras_refiner_split_is_by_step_count(
    make_engine: EngineFactory, tiny_refiner: Path
) -> None:
    # diffusers' fraction split runs 12 of 20 base steps with Karras sigmas (#14382).
    engine = make_engine(scheduler="dpmpp-2m-karras", steps=20, refiner=str(tiny_refiner),
                         refiner_switch=0.8)
    parts = engine._load()
    base: list[tuple[int, int]] = []
    refiner: list[tuple[int, int]] = []
    count_calls(parts.pipe.unet, base)
    count_calls(parts.refiner.unet, refiner)
    done: list[int] = []
    engine.on_step = lambda step, total: done.append(step)
    engine.render(PLAN, seed=4, size=64)
    assert (len(base), len(refiner)) == (16, 4)
    assert done == list(range(1, 21))  # one progress count across both models


def test_a_refiner_needs_a_step_for_each_model() -> None:
    assert "STEPS ≥ 2" in (DiffusionOptions(model="m", refiner="r", steps=1).conflict() or "")
    assert DiffusionOptions(model="m", refiner="r", steps=2).conflict() is None
