"""Raster primitives: colour maths, smooth fields, anti-aliased masks and compositing."""

from __future__ import annotations

import numpy as np
import pytest

from sleeve.render import raster


def test_hex_colours_become_unit_floats() -> None:
    assert np.allclose(raster.rgb("#ff8000"), [1.0, 128 / 255, 0.0])


def test_oklab_round_trip_is_lossless() -> None:
    colours = np.random.default_rng(0).random((100, 3), dtype=np.float32)
    assert np.allclose(raster.from_oklab(raster.to_oklab(colours)), colours, atol=2e-3)


def test_ramp_passes_through_its_stops_and_blends_perceptually() -> None:
    black, white = raster.rgb("#000000"), raster.rgb("#ffffff")
    table = raster.ramp([black, white])
    assert np.allclose(table[0], black, atol=1e-3) and np.allclose(table[-1], white, atol=1e-3)
    # Half way in OKLab is a perceptual mid-grey (~#636363), not the sRGB average (#808080).
    middle = table[len(table) // 2]
    assert 0.35 < float(middle.mean()) < 0.45
    assert np.all(np.diff(table[:, 0]) >= -1e-6)  # monotonic: no banding reversals


def test_standing_off_deepens_a_colour_in_its_own_hue_only_when_it_would_melt() -> None:
    sky, gold, navy = raster.rgb("#e9e4d6"), raster.rgb("#e8b33c"), raster.rgb("#1b2a41")
    # Already far enough from the sky: returned as it is.
    assert np.allclose(raster.standing_off(navy, sky, 0.16), navy)
    sun = raster.standing_off(gold, sky, 0.16)
    assert raster.lightness(sky) - raster.lightness(sun) == pytest.approx(0.16, abs=0.01)
    # Still gold, and richer: hue kept, chroma lifted (not a grey or a swapped-in navy).
    lab_gold, lab_sun = raster.to_oklab(gold), raster.to_oklab(sun)
    assert np.degrees(abs(np.arctan2(lab_sun[2], lab_sun[1])
                          - np.arctan2(lab_gold[2], lab_gold[1]))) < 6.0
    assert np.hypot(lab_sun[1], lab_sun[2]) > np.hypot(lab_gold[1], lab_gold[2])
    # On a dark backdrop the colour is lifted instead.
    night = raster.rgb("#10141c")
    moon = raster.standing_off(raster.rgb("#1d2433"), night, 0.2)
    assert raster.lightness(moon) - raster.lightness(night) == pytest.approx(0.2, abs=0.01)


def test_fbm_is_smooth_normalised_and_seeded() -> None:
    a = raster.fbm(np.random.default_rng(1), 128)
    assert a.shape == (128, 128) and a.dtype == np.float32
    assert float(a.min()) == pytest.approx(0.0) and float(a.max()) == pytest.approx(1.0)
    assert np.array_equal(a, raster.fbm(np.random.default_rng(1), 128))
    # Smooth: neighbouring pixels differ far less than random pixels do.
    assert float(np.abs(np.diff(a, axis=1)).mean()) < 0.1 * float(np.abs(a - a.mean()).mean())


def test_upscale_keeps_a_field_and_its_channels() -> None:
    field = np.random.default_rng(2).random((32, 32, 3), dtype=np.float32)
    big = raster.upscale(field, 256)
    assert big.shape == (256, 256, 3)
    assert float(big.mean()) == pytest.approx(float(field.mean()), abs=0.02)


def test_disc_is_antialiased_and_has_the_right_area() -> None:
    m = raster.disc(200, 100.0, 100.0, 40.0)
    assert float(m.alpha.sum()) == pytest.approx(np.pi * 40 * 40, rel=0.005)
    edge = m.alpha[(m.alpha > 0) & (m.alpha < 1)]
    assert edge.size > 100  # a soft one-pixel rim, not a staircase


def test_pen_draws_antialiased_polygons_where_asked() -> None:
    pen = raster.Pen(256, (50, 50, 200, 200))
    pen.polygon([(60, 60), (190, 60), (60, 190)])
    m = pen.mask()
    page = m.full(256)
    assert page[70, 70] == pytest.approx(1.0) and page[180, 180] == 0.0
    assert float(page.sum()) == pytest.approx(130 * 130 / 2, rel=0.03)
    assert ((page > 0) & (page < 1)).any()


def test_ridge_covers_everything_below_the_skyline() -> None:
    heights = np.full(64, 40.0, dtype=np.float32)
    page = raster.ridge(64, heights).full(64)
    assert page[:39].max() == 0.0 and page[41:].min() == 1.0


def test_soften_spreads_a_mask_without_losing_its_mass() -> None:
    m = raster.disc(256, 128.0, 128.0, 20.0)
    soft = raster.soften(m, 256, 12.0)
    assert float(soft.full(256).sum()) == pytest.approx(float(m.alpha.sum()), rel=0.1)
    assert soft.full(256)[128, 128 + 35] > 0.01  # light reaches past the edge


def test_paint_blends_by_coverage_and_light_never_exceeds_one() -> None:
    canvas = raster.solid(64, raster.rgb("#000000"))
    half = raster.Mask(np.full((10, 10), 0.5, np.float32), 5, 5)
    raster.paint(canvas, half, raster.rgb("#ffffff"))
    assert np.allclose(canvas[10, 10], 0.5) and np.allclose(canvas[0, 0], 0.0)
    full = raster.Mask(np.ones((64, 64), np.float32), 0, 0)
    for _ in range(5):
        raster.light(canvas, full, raster.rgb("#ffffff"), 0.9)
    assert float(canvas.max()) <= 1.0


def test_quieted_fades_marks_inside_a_zone() -> None:
    m = raster.Mask(np.ones((64, 64), np.float32), 0, 0)
    weight = np.zeros((64, 1), np.float32)
    weight[32:] = 1.0
    quiet = m.quieted(weight)
    assert quiet.alpha[:32].min() == 1.0 and quiet.alpha[32:].max() == 0.0
