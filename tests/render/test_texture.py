"""The finish: 8-bit output with film grain that never bands, reproducible from the seed."""

from __future__ import annotations

import numpy as np

from sleeve.render.texture import CLUMP, TILE, clump_for, finish


def _ramp(width: int, lo: float, hi: float, height: int = 64) -> np.ndarray:
    row = np.linspace(lo, hi, width, dtype=np.float32)
    return np.repeat(np.repeat(row[None, :, None], height, axis=0), 3, axis=2)


def test_finish_returns_uint8_rgb_of_the_same_size() -> None:
    out = finish(_ramp(300, 0.0, 1.0, 200), np.random.default_rng(0))
    assert out.shape == (200, 300, 3) and out.dtype == np.uint8


def test_finish_is_deterministic_and_seed_dependent() -> None:
    image = _ramp(512, 0.3, 0.7, 256)
    a = finish(image, np.random.default_rng(4))
    assert np.array_equal(a, finish(image, np.random.default_rng(4)))
    assert not np.array_equal(a, finish(image, np.random.default_rng(5)))


def test_a_slow_gradient_does_not_band() -> None:
    # 0.20 → 0.25 over 2048 px is ~13 8-bit steps: without dither each step is a 150 px band.
    width = 2048
    out = finish(_ramp(width, 0.20, 0.25), np.random.default_rng(1), grain=0.0)
    values = out[:, :, 0].astype(np.float64)
    # Every row mixes many levels instead of a staircase of 13 flat runs (dither comes in
    # clumps, so runs are counted in clumps) …
    assert all(len(np.unique(row)) >= 10 for row in values)
    longest = max(_longest_run(row) for row in values)
    assert longest < 30 * CLUMP
    # … and the local average follows the smooth ramp, not the steps.
    target = np.linspace(0.20, 0.25, width) * 255
    profile = values.mean(axis=0)
    smooth = np.convolve(profile, np.ones(64) / 64, mode="valid")
    assert float(np.abs(smooth - np.convolve(target, np.ones(64) / 64, mode="valid")).max()) < 0.35


def _longest_run(row: np.ndarray) -> int:
    change = np.flatnonzero(np.diff(row) != 0)
    edges = np.concatenate([[-1], change, [row.size - 1]])
    return int(np.diff(edges).max())


def test_grain_sits_in_the_midtones_and_spares_black_and_white() -> None:
    rng = np.random.default_rng(2)
    mid = finish(np.full((256, 256, 3), 0.5, np.float32), rng).astype(np.float64)
    black = finish(np.zeros((256, 256, 3), np.float32), rng).astype(np.float64)
    white = finish(np.ones((256, 256, 3), np.float32), rng).astype(np.float64)
    assert mid.std() > 4.0
    assert black.max() <= 1 and white.min() >= 254
    # Luminance grain: the three channels move together.
    assert np.array_equal(mid[..., 0], mid[..., 1])


def test_grain_has_no_visible_repeat_across_tiles() -> None:
    size = TILE * 2 + 100
    out = finish(np.full((size, size, 3), 0.5, np.float32), np.random.default_rng(3))
    grain = out[..., 0].astype(np.int16)
    # No block of the page reappears one tile to the right or one tile down.
    block = grain[:256, :256]
    for dy, dx in ((0, TILE), (TILE, 0), (TILE, TILE)):
        match = (grain[dy:dy + 256, dx:dx + 256] == block).mean()
        assert match < 0.2


def test_grain_comes_in_clumps_that_a_lossless_encoder_can_predict() -> None:
    out = finish(np.full((256, 256, 3), 0.5, np.float32), np.random.default_rng(6))
    grain = out[..., 0]
    # Whole clumps on one grid: each pixel repeats its clump's top-left neighbour exactly.
    blocks = grain.reshape(256 // CLUMP, CLUMP, 256 // CLUMP, CLUMP)
    assert (blocks == blocks[:, :1, :, :1]).all()
    assert grain.std() > 4.0


def test_art_drawn_small_gets_finer_clumps_so_scaled_up_the_grain_is_the_same() -> None:
    assert (clump_for(1.0), clump_for(0.5), clump_for(1 / 3)) == (CLUMP, 1, 1)
    out = finish(np.full((256, 256, 3), 0.5, np.float32), np.random.default_rng(6), clump=1)
    grain = out[..., 0]
    assert (grain[:, 0::2] != grain[:, 1::2]).mean() > 0.5  # not in 2-pixel clumps
