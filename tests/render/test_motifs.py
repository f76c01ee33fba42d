"""Motif silhouettes: every name draws a real shape inside its box, aliases resolve, unknown
names are skipped, and a motif keeps its proportions at every size."""

from __future__ import annotations

import numpy as np
import pytest

from sleeve.render import motifs
from sleeve.render.raster import rgb, solid

BOX = motifs.Box(0.1, 0.2, 0.9, 0.8)


def _shape(name: str, size: int = 256, seed: int = 1) -> motifs.Silhouette:
    shape = motifs.silhouette(name, size, np.random.default_rng(seed), BOX)
    assert shape is not None
    return shape


@pytest.mark.parametrize("name", motifs.MOTIF_NAMES)
def test_every_motif_has_a_visible_body(name: str) -> None:
    body = _shape(name, 512).body
    assert not body.is_empty()
    assert body.alpha.dtype == np.float32
    assert float(body.alpha.min()) >= 0.0 and float(body.alpha.max()) <= 1.0
    # Strong silhouettes: some pixels are fully (or nearly) covered, not just haze.
    assert float(body.alpha.max()) > 0.5


@pytest.mark.parametrize("name", motifs.MOTIF_NAMES)
def test_a_motif_stays_near_its_box(name: str) -> None:
    size = 256
    page = _shape(name, size).body.full(size)
    ys, xs = np.nonzero(page > 0.05)
    x0, y0, x1, y1 = BOX.pixels(size)
    slack = 0.06 * size  # antennas, halos of anti-aliasing, flare arms
    assert xs.min() >= x0 - slack and xs.max() <= x1 + slack
    assert ys.min() >= y0 - slack and ys.max() <= y1 + slack


@pytest.mark.parametrize("name", motifs.MOTIF_NAMES)
def test_a_motif_is_deterministic(name: str) -> None:
    a, b = _shape(name, seed=5), _shape(name, seed=5)
    assert np.array_equal(a.body.alpha, b.body.alpha)
    assert np.array_equal(a.detail.alpha, b.detail.alpha)


@pytest.mark.parametrize("name", ["moon", "sun", "heart", "flower", "mountain", "sea", "city",
                                  "forest", "road", "fire"])
def test_a_motif_covers_the_same_share_of_the_page_at_every_size(name: str) -> None:
    small = _shape(name, 256, seed=3).body.full(256).mean()
    large = _shape(name, 1024, seed=3).body.full(1024).mean()
    assert small == pytest.approx(large, rel=0.08, abs=0.002)


def test_moon_is_a_round_disc_with_a_halo() -> None:
    size = 512
    moon = _shape("moon", size)
    area = float(moon.body.alpha.sum())
    x0, y0, x1, y1 = BOX.pixels(size)
    r = 0.42 * min(x1 - x0, y1 - y0)
    assert area == pytest.approx(np.pi * r * r, rel=0.01)
    halo = moon.glow.full(size)
    assert halo[int((y0 + y1) / 2), int((x0 + x1) / 2 + r * 1.3)] > 0.05  # light outside


def test_city_has_lit_windows_inside_the_buildings() -> None:
    size = 512
    city = _shape("city", size)
    windows, body = city.detail.full(size), city.body.full(size)
    assert windows.sum() > 0
    assert float(body[windows > 0.5].min()) > 0.5


@pytest.mark.parametrize(("alias", "name"), [("ocean", "sea"), ("waves", "sea"),
                                             ("skyline", "city"), ("달", "moon"),
                                             ("Stars", "star"), (" highway ", "road")])
def test_aliases_draw_their_motif(alias: str, name: str) -> None:
    assert motifs.canonical(alias) == name
    assert motifs.kind_of(alias) == motifs.kind_of(name)


def test_unknown_motifs_are_skipped_and_leave_the_page_alone() -> None:
    page = solid(128, rgb("#203040"))
    before = page.copy()
    ink = motifs.Ink(rgb("#ffffff"), rgb("#ff0000"), rgb("#ffff00"))
    assert motifs.draw_motif(page, "spaceship", np.random.default_rng(0), BOX, ink) is None
    assert motifs.canonical("spaceship") is None and motifs.kind_of("spaceship") is None
    assert np.array_equal(page, before)


def test_draw_paints_the_body_colour_where_the_body_is() -> None:
    size = 256
    page = solid(size, rgb("#000000"))
    ink = motifs.Ink(rgb("#ff0000"), rgb("#00ff00"), rgb("#0000ff"), 0.0)
    shape = motifs.draw_motif(page, "heart", np.random.default_rng(0), BOX, ink)
    assert shape is not None
    inside = shape.body.full(size) > 0.99
    assert np.allclose(page[inside], [1.0, 0.0, 0.0])
    assert np.allclose(page[shape.body.full(size) == 0], 0.0)


def test_pick_keeps_order_kind_and_drops_duplicates_and_unknowns() -> None:
    names = ["waves", "moon", "sea", "dragon", "rain"]
    assert motifs.pick(names) == [("sea", "ground"), ("moon", "object"), ("rain", "weather")]
    assert motifs.pick(names, "object") == [("moon", "object")]


def test_ink_for_puts_a_light_source_in_a_light_colour_on_a_dark_sky() -> None:
    colors = {"background": rgb("#101820"), "primary": rgb("#30404f"),
              "secondary": rgb("#8899aa"), "accent": rgb("#e8b87d"), "ink": rgb("#f4efe6")}
    ink = motifs.ink_for(_shape("moon"), colors, colors["background"])
    assert ink.body.mean() > 0.7
    ground = motifs.ink_for(_shape("mountain"), colors, rgb("#8899aa"))
    assert ground.body.mean() < rgb("#8899aa").mean()
