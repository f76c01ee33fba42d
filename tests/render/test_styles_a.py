"""Procedural styles, group A (aurora, nebula, landscape, synthwave, sunburst, minimal): the
style contract, determinism, a calm type zone and motifs, checked on real renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from sleeve.core.plan import CoverPlan, Mood, Palette, TypeAnchor, TypeLayout
from sleeve.render.page import type_zone
from sleeve.render.raster import luminance, rgb
from sleeve.render.styles import get_style
from tests.render.conftest import restyled

STYLES = ("aurora", "nebula", "landscape", "synthwave", "sunburst", "minimal")

Planner = Callable[..., CoverPlan]

PALETTES = {
    "ballad": Palette(background="#1b2a41", primary="#324a5f", secondary="#8aa1b1",
                      accent="#e8b87d", ink="#f4efe6"),
    "synthwave": Palette(background="#1a0633", primary="#ff2e88", secondary="#00e5ff",
                         accent="#ff9e2c", ink="#fdf0ff"),
    "trot": Palette(background="#f3e3c3", primary="#c1272d", secondary="#f2a900",
                    accent="#1d3557", ink="#3a1410"),
}


@pytest.fixture
def plan_for(make_plan: Planner) -> Planner:
    """A plan for one style with the type at ``anchor`` and a named palette."""

    def build(style: str, anchor: TypeAnchor = "bottom", palette: str = "ballad",
              **overrides: Any) -> CoverPlan:
        layout = TypeLayout(name="top-left", anchor=anchor, typeface="serif", uppercase=False,
                            tracking=0.0)
        return make_plan(style=style, type_layout=layout, palette=PALETTES[palette],
                         **overrides)

    return build


def _render(plan: CoverPlan, seed: int, size: int) -> np.ndarray:
    return get_style(plan.style)(plan, np.random.default_rng(seed), size)


def _local_variance(rgb: np.ndarray, cell: int) -> np.ndarray:
    """Per-row busyness: the luma variance inside each cell×cell block, averaged per block
    row, so a smooth gradient counts as calm and a field of marks as busy."""
    luma = rgb @ np.asarray([0.2126, 0.7152, 0.0722], dtype=np.float32)
    n = luma.shape[0] // cell
    blocks = luma[:n * cell, :n * cell].reshape(n, cell, n, cell)
    variance: np.ndarray = blocks.var(axis=(1, 3)).mean(axis=1)
    return np.repeat(variance, cell)


@pytest.mark.parametrize("style", STYLES)
def test_different_seeds_give_different_covers(plan_for: Planner, style: str) -> None:
    plan = plan_for(style, motifs=["moon"])
    a, b = _render(plan, 1, 256), _render(plan, 2, 256)
    assert float(np.abs(a - b).mean()) > 0.005


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("anchor", ["top", "bottom", "center"])
def test_type_zone_is_calmer_than_the_art(plan_for: Planner, style: str,
                                          anchor: TypeAnchor) -> None:
    size, cell = 384, 16
    busy = []
    for seed, palette, motif in ((3, "ballad", ["rain", "moon"]), (4, "synthwave", ["city"]),
                                 (5, "trot", ["flower"])):
        rgb = _render(plan_for(style, anchor=anchor, palette=palette, motifs=motif), seed, size)
        busy.append(_local_variance(rgb, cell))
    variance = np.mean(busy, axis=0)
    zone = type_zone(anchor)
    # The inner part of the zone, where the title and artist actually sit.
    in_zone = np.zeros(size, dtype=bool)
    in_zone[int((zone.y0 + 0.05) * size):int((zone.y1 - 0.05) * size)] = True
    assert variance[in_zone].mean() < 0.5 * variance[~in_zone].mean()


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("motifs", [["sea", "sun"], ["mountain", "snow"], ["road", "neon"],
                                    ["forest", "night"], ["fire", "smoke"], ["heart", "star"],
                                    ["no-such-motif"], []])
def test_every_motif_pairing_renders(plan_for: Planner, style: str,
                                     motifs: list[str]) -> None:
    rgb = _render(plan_for(style, anchor="top", motifs=motifs), 9, 256)
    assert rgb.shape == (256, 256, 3) and np.isfinite(rgb).all()


@pytest.mark.parametrize(("style", "motif"), [
    ("aurora", "heart"), ("nebula", "heart"), ("landscape", "city"), ("synthwave", "city"),
    ("sunburst", "heart"), ("minimal", "heart"),
])
def test_a_motif_changes_the_picture(plan_for: Planner, style: str, motif: str) -> None:
    bare = _render(plan_for(style, motifs=[]), 6, 256)
    with_motif = _render(plan_for(style, motifs=[motif]), 6, 256)
    assert float(np.abs(bare - with_motif).max()) > 0.2


@pytest.mark.parametrize("style", STYLES)
def test_the_cover_looks_the_same_at_every_size(plan_for: Planner, style: str) -> None:
    small = _render(plan_for(style, motifs=["moon"]), 8, 256)
    large = _render(plan_for(style, motifs=["moon"]), 8, 768)
    shrunk = large.reshape(256, 3, 256, 3, 3).mean(axis=(1, 3))
    # Same composition: the block means agree closely; only edges and fine marks differ.
    assert float(np.abs(small - shrunk).mean()) < 0.04


@pytest.mark.parametrize("style", STYLES)
def test_palette_drives_the_colours(plan_for: Planner, style: str) -> None:
    dark = _render(plan_for(style, palette="ballad"), 2, 256)
    light = _render(plan_for(style, palette="trot"), 2, 256)
    assert float(np.abs(dark.mean(axis=(0, 1)) - light.mean(axis=(0, 1))).max()) > 0.1


def test_landscape_follows_the_mood_when_no_ground_motif_is_given(plan_for: Planner) -> None:
    sad = plan_for("landscape", motifs=[], mood=Mood(valence=-0.6, energy=-0.5, label="blue"))
    happy = plan_for("landscape", motifs=[], mood=Mood(valence=0.7, energy=0.6, label="joy"))
    assert not np.array_equal(_render(sad, 4, 256), _render(happy, 4, 256))


PALE = {
    "fog": Palette(background="#d9dcdf", primary="#9aa3ab", secondary="#bfc5ca",
                   accent="#c9a27a", ink="#2b2f33"),
    "pastel": Palette(background="#f4e1e6", primary="#b9d7ea", secondary="#f7c9b6",
                      accent="#9b8ec9", ink="#4a4058"),
}


@pytest.mark.parametrize("palette", sorted(PALE))
@pytest.mark.parametrize("anchor", ["top", "bottom", "center"])
def test_aurora_on_a_pale_palette_keeps_a_light_dark_structure(
        make_plan: Planner, palette: str, anchor: TypeAnchor) -> None:
    """The squint test: blurred to 16 px, a fog or pastel aurora is not uniform mush."""
    layout = TypeLayout(name="top-left", anchor=anchor, typeface="serif", uppercase=False,
                        tracking=0.0)
    plan = make_plan(style="aurora", type_layout=layout, palette=PALE[palette], motifs=[])
    weights = np.asarray([0.2126, 0.7152, 0.0722], dtype=np.float32)
    for seed in range(1, 6):
        rgb = get_style("aurora")(plan, np.random.default_rng(seed), 256)
        squint = (rgb @ weights).reshape(16, 16, 16, 16).mean(axis=(1, 3))
        assert float(squint.max() - squint.min()) > 0.21


def _figure_ground(rgb: np.ndarray, anchor: TypeAnchor, cells: int = 32) -> float:
    """WCAG-style contrast between the paper (the type zone's median, squinted to ``cells``
    px) and the darkest fifth of the art area: how strongly one dark form stands on it."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    k = rgb.shape[0] // cells
    lum = (linear @ np.asarray([0.2126, 0.7152, 0.0722], dtype=np.float32)).reshape(
        cells, k, cells, k).mean(axis=(1, 3))
    zone = type_zone(anchor)
    rows = np.zeros(cells, dtype=bool)
    rows[int(zone.y0 * cells):int(np.ceil(zone.y1 * cells))] = True
    paper = float(np.median(lum[rows]))
    art = np.sort(lum[~rows].ravel())
    figure = float(art[:art.size // 5].mean())
    return (paper + 0.05) / (figure + 0.05)


@pytest.mark.parametrize("palette", sorted(PALE))
@pytest.mark.parametrize("anchor", ["top", "bottom", "center"])
def test_aurora_on_a_pale_palette_is_a_dark_form_on_the_paper(
        make_plan: Planner, palette: str, anchor: TypeAnchor) -> None:
    """Not a soft hill: on pale paper the aurora glows in one window of night, a figure at
    least 3:1 against the paper the type sits on (the old laid-on curtain measured ~1.6)."""
    layout = TypeLayout(name="top-left", anchor=anchor, typeface="serif", uppercase=False,
                        tracking=0.0)
    plan = make_plan(style="aurora", type_layout=layout, palette=PALE[palette], motifs=[])
    for seed in range(1, 4):
        rgb = get_style("aurora")(plan, np.random.default_rng(seed), 256)
        assert _figure_ground(rgb, anchor) > 3.0


@pytest.mark.parametrize("anchor", ["top", "bottom", "center"])
def test_every_pale_fixture_palette_gets_the_night_window_in_aurora(
        fixture_plans: list[CoverPlan], anchor: TypeAnchor) -> None:
    pale = 0
    for plan in fixture_plans:
        if luminance(rgb(plan.palette.background)) <= luminance(rgb(plan.palette.ink)):
            continue  # light ink on a dark page: the curtain glows on the page itself
        pale += 1
        art = get_style("aurora")(restyled(plan, "aurora", anchor), np.random.default_rng(7), 256)
        assert _figure_ground(art, anchor) > 3.0, plan.title
    assert pale >= 5  # the fixtures hold pale palettes: the check is not vacuous
