"""The contract every procedural style keeps (sleeve/render/styles/__init__.py): float RGB in
[0, 1] of the asked size, and pure — the same generator state gives the same pixels."""

from __future__ import annotations

import numpy as np
import pytest

from sleeve.core.plan import CoverPlan
from sleeve.render.styles import STYLE_NAMES, get_style
from tests.render.conftest import build_plan


def render(plan: CoverPlan, seed: int, size: int) -> np.ndarray:
    return get_style(plan.style)(plan, np.random.default_rng(seed), size)


@pytest.mark.parametrize("style", STYLE_NAMES)
@pytest.mark.parametrize("size", [256, 1024])
def test_style_returns_float_rgb_in_unit_range(style: str, size: int) -> None:
    rgb = render(build_plan(style=style), seed=7, size=size)
    assert rgb.shape == (size, size, 3)
    assert rgb.dtype == np.float32
    assert np.isfinite(rgb).all()
    assert float(rgb.min()) >= 0.0 and float(rgb.max()) <= 1.0


@pytest.mark.parametrize("style", STYLE_NAMES)
def test_same_seed_gives_identical_pixels(style: str) -> None:
    plan = build_plan(style=style, motifs=["city", "moon"])
    assert np.array_equal(render(plan, 11, 256), render(plan, 11, 256))
