"""The optional learned ×4 upscaler (Stable Diffusion's, through diffusers): tiled with
overlap, reproducible, and only when configured."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sleeve.config import Settings
from sleeve.diffusion.engine import diffusion_availability
from sleeve.diffusion.upscale import lanczos_upscale
from sleeve.diffusion.upscaler import LearnedUpscaler, locate_upscaler
from tests.diffusion.conftest import EngineFactory, pixels
from tests.render.conftest import build_plan


def test_tiles_are_enlarged_four_times_and_blended(tiny_upscaler: Path) -> None:
    upscaler = LearnedUpscaler.load(locate_upscaler(str(tiny_upscaler)), dtype=None, steps=1)
    upscaler.tile, upscaler.overlap = 24, 8  # 2 × 2 overlapping tiles of a 40² image
    calls: list[tuple[int, ...]] = []
    upscaler.pipe.unet.register_forward_pre_hook(lambda m, a: calls.append(tuple(a[0].shape)))
    image = Image.fromarray(np.random.default_rng(0).integers(0, 255, (40, 40, 3), np.uint8))
    out = upscaler(image, 150, "city at night", seed=5)
    assert out.size == (150, 150)  # ×4 to 160², resampled to the master size
    assert [shape[-1] for shape in calls] == [24] * 4  # 4 tiles × 1 step, at the tile's size
    again = upscaler(image, 150, "city at night", seed=5)
    assert np.array_equal(pixels(out), pixels(again))
    assert not np.array_equal(pixels(out), pixels(lanczos_upscale(image, 150)))


def test_engine_uses_the_upscaler_when_configured(
    make_engine: EngineFactory, tiny_upscaler: Path
) -> None:
    engine = make_engine(upscaler=str(tiny_upscaler), upscaler_steps=1)
    art = engine.render(build_plan(), seed=1, size=200)
    assert art.size == (200, 200) and engine._load().upscaler is not None
    assert make_engine()._load().upscaler is None  # default: Lanczos


def test_a_wrong_upscaler_is_reported(tiny_sdxl: Path) -> None:
    status = diffusion_availability(Settings(sdxl_model=str(tiny_sdxl),
                                             upscaler_model=str(tiny_sdxl)))
    assert not status.available
    assert "holds a StableDiffusionXLPipeline, not a StableDiffusionUpscalePipeline" in \
        status.reason
    with pytest.raises(RuntimeError, match="not a diffusers pipeline directory"):
        locate_upscaler("/nowhere/upscaler")
