"""Tiled upscaling blends tiles without seams."""

from __future__ import annotations

import itertools

import numpy as np
from PIL import Image

from sleeve.diffusion.upscale import feather, lanczos_upscale, tile_starts, tiled_map, upscale


def gradient(size: int) -> Image.Image:
    ramp = np.linspace(0, 255, size)
    rgb = np.stack([np.add.outer(ramp, ramp) / 2, np.tile(ramp, (size, 1)),
                    np.tile(ramp[:, None], (1, size))], axis=-1)
    return Image.fromarray(rgb.astype(np.uint8))


def test_tiles_cover_the_image_with_at_least_the_overlap() -> None:
    for length, tile, overlap in [(3000, 1024, 128), (256, 64, 16), (100, 64, 16), (64, 64, 8)]:
        starts = tile_starts(length, tile, overlap)
        assert starts[0] == 0 and starts[-1] + tile == length
        assert all(b - a <= tile - overlap for a, b in itertools.pairwise(starts))


def test_feather_weights_are_positive_and_flat_in_the_middle() -> None:
    weights = feather(64, 16)[..., 0]
    assert weights.min() > 0
    assert np.all(weights[16:48, 16:48] == 1)


def test_identity_tiles_reproduce_the_image_exactly() -> None:
    image = gradient(200)
    out = tiled_map(image, 64, 16, lambda tile, index: tile)
    assert np.array_equal(np.asarray(out), np.asarray(image))


def test_disagreeing_tiles_fade_instead_of_stepping() -> None:
    # Each tile brightened by a different amount: hard tile edges would jump by up to 60 levels.
    flat = Image.new("RGB", (256, 256), (100, 100, 100))

    def shift(tile: Image.Image, index: int) -> Image.Image:
        return Image.fromarray((np.asarray(tile) + 15 * (index % 5)).astype(np.uint8))

    out = np.asarray(tiled_map(flat, 64, 24, shift), dtype=np.int16)
    step_x = np.abs(np.diff(out, axis=1)).max()
    step_y = np.abs(np.diff(out, axis=0)).max()
    assert max(step_x, step_y) <= 60 / 24 * 2 + 1


def test_lanczos_upscale_keeps_the_picture() -> None:
    small = gradient(100)
    big = lanczos_upscale(small, 300)
    assert big.size == (300, 300)
    back = np.asarray(big.resize((100, 100), Image.Resampling.LANCZOS), dtype=np.int16)
    assert np.abs(back - np.asarray(small, dtype=np.int16)).mean() < 3


def test_upscale_1024_to_3000_with_a_redraw_pass_has_no_seams() -> None:
    image = gradient(1024)
    out = upscale(image, 3000, redraw=lambda tile, index: tile, tile=1024, overlap=128)
    assert out.size == (3000, 3000)
    plain = lanczos_upscale(image, 3000)
    assert np.array_equal(np.asarray(out), np.asarray(plain))
