"""Procedural styles, group B (swiss, riso, flowfield, contours, collage, glitch): the style
contract, determinism, a calm type zone and a palette-true result, checked on real renders."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sleeve.core.plan import CoverPlan, Palette, TypeAnchor, TypeLayout
from sleeve.render.page import type_zone
from sleeve.render.styles import get_style, glitch
from tests.render.conftest import build_plan, restyled

STYLES = ("swiss", "riso", "flowfield", "contours", "collage", "glitch")

PALETTES = {
    "hiphop": Palette(background="#111111", primary="#f2efe8", secondary="#7a7a7a",
                      accent="#e4312b", ink="#f2efe8"),
    "indie": Palette(background="#efe6d2", primary="#c4552d", secondary="#3f6b5c",
                     accent="#e8b33c", ink="#2a2522"),
    "techno": Palette(background="#07070c", primary="#19f0d0", secondary="#7b2cff",
                      accent="#ff2e88", ink="#e9f7ff"),
}


def _plan(style: str, anchor: TypeAnchor = "bottom", palette: str = "indie",
          **overrides: Any) -> CoverPlan:
    layout = TypeLayout(name="bottom-left", anchor=anchor, typeface="grotesk", uppercase=True,
                        tracking=0.1)
    return build_plan(style=style, type_layout=layout, palette=PALETTES[palette], **overrides)


def _render(plan: CoverPlan, seed: int, size: int) -> np.ndarray:
    return get_style(plan.style)(plan, np.random.default_rng(seed), size)


def _edge_energy(rgb: np.ndarray) -> np.ndarray:
    """Per-row mean absolute difference between neighbouring pixels (luma): 'busyness'."""
    luma = rgb @ np.asarray([0.2126, 0.7152, 0.0722], dtype=np.float32)
    dx = np.abs(np.diff(luma, axis=1))[:-1]
    dy = np.abs(np.diff(luma, axis=0))[:, :-1]
    energy: np.ndarray = (dx + dy).mean(axis=1)
    return energy


@pytest.mark.parametrize("style", STYLES)
def test_different_seeds_give_visibly_different_covers(style: str) -> None:
    plan = _plan(style, palette="hiphop", motifs=[])
    a, b = _render(plan, 1, 256), _render(plan, 2, 256)
    assert float(np.abs(a - b).mean()) > 0.02


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("anchor", ["top", "bottom", "center"])
def test_type_zone_is_calmer_than_the_art(style: str, anchor: TypeAnchor) -> None:
    size = 384
    energies = []
    for seed, palette in ((3, "indie"), (4, "techno")):
        rgb = _render(_plan(style, anchor=anchor, palette=palette), seed, size)
        energies.append(_edge_energy(rgb))
    energy = np.mean(energies, axis=0)
    zone = type_zone(anchor)
    # The inner part of the zone, where the title and artist actually sit.
    inner = slice(int((zone.y0 + 0.05) * size), int((zone.y1 - 0.05) * size))
    in_zone = np.zeros(energy.size, dtype=bool)
    in_zone[inner] = True
    assert energy[in_zone].mean() < 0.5 * energy[~in_zone].mean()


@pytest.mark.parametrize("style", ["swiss", "collage"])  # the styles given split layouts
def test_split_layout_keeps_a_calm_foot_for_the_artist(style: str) -> None:
    size = 384
    layout = TypeLayout(name="split", anchor="top", typeface="grotesk", uppercase=True,
                        tracking=0.1)
    plan = build_plan(style=style, type_layout=layout, palette=PALETTES["indie"], motifs=["sea"])
    energy = _edge_energy(_render(plan, 3, size))
    foot = energy[int(0.9 * size):]
    art = energy[int(0.4 * size):int(0.8 * size)]
    assert foot.mean() < 0.3 * art.mean()


@pytest.mark.parametrize("style", STYLES)
def test_composition_is_the_same_at_every_size(style: str) -> None:
    plan = _plan(style, anchor="top", palette="techno", motifs=["city"])

    def thumbnail(rgb: np.ndarray, side: int = 64) -> np.ndarray:
        k = rgb.shape[0] // side
        small: np.ndarray = rgb.reshape(side, k, side, k, 3).mean(axis=(1, 3))
        return small

    small, large = thumbnail(_render(plan, 9, 256)), thumbnail(_render(plan, 9, 1024))
    assert float(np.abs(small - large).mean()) < 0.04


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("palette", sorted(PALETTES))
def test_dominant_colours_come_from_the_palette(style: str, palette: str) -> None:
    rgb = _render(_plan(style, palette=palette, motifs=["sun"]), 5, 512)
    pal = PALETTES[palette]
    swatches = np.asarray([pal.rgb(n) for n in ("background", "primary", "secondary", "accent",
                                                 "ink")], dtype=np.float32) / 255.0
    pixels = rgb.reshape(-1, 3)
    nearest = np.min(np.linalg.norm(pixels[:, None, :] - swatches[None, :, :], axis=2), axis=1)
    # Most of the page is in palette colours (texture, anti-aliasing, thin lines and
    # overprints aside; 512 px so halftone dots resolve instead of averaging into tints) …
    assert float((nearest < 0.12).mean()) > 0.5
    # … and the single most common colour is one of them.
    quantised = np.round(pixels * 15).astype(np.int32)
    keys, counts = np.unique(quantised[:, 0] * 256 + quantised[:, 1] * 16 + quantised[:, 2],
                             return_counts=True)
    top = keys[np.argmax(counts)]
    dominant = np.asarray([top // 256, (top // 16) % 16, top % 16], dtype=np.float32) / 15
    assert float(np.min(np.linalg.norm(swatches - dominant, axis=1))) < 0.1


@pytest.mark.parametrize("anchor", ["top", "bottom", "center"])
def test_glitch_damage_is_bold_in_the_art_and_absent_from_the_type_zone(
        anchor: TypeAnchor) -> None:
    # A neutral palette: any colour in the render comes from the red/blue channel split.
    plan = _plan("glitch", anchor=anchor, palette="hiphop", motifs=["moon"])
    size = 512
    rgb = _render(plan, 3, size)
    fringe = np.abs(rgb[..., 0] - rgb[..., 2]) > 0.25
    zone = type_zone(anchor)
    rows = np.zeros(size, dtype=bool)
    rows[zone.rows(size)] = True
    assert float(fringe[rows].mean()) == 0.0
    # Strong split: a visible share of the art is colour fringe, not a hairline here and there.
    assert float(fringe[~rows].mean()) > 0.05
    # A big form: light pixels (the moon on black) cover a good part of the art rows.
    lit = rgb[~rows].mean(axis=-1) > 0.5
    assert float(lit.mean()) > 0.2


_LUMA = np.asarray([0.2126, 0.7152, 0.0722], dtype=np.float32)


def _torn_share(plan: CoverPlan, seed: int, size: int) -> float:
    """The share of the form's box (where it shows above any ground, in the art bands) whose
    luminance the damage changed by more than 0.2: how visibly the tears break the form.
    The undamaged picture comes from the same generator state (``glitch.signal``)."""
    clean = glitch.signal(plan, np.random.default_rng(seed), size)
    before = clean.canvas.copy()
    after = _render(plan, seed, size)
    r0, r1, c0, c1 = clean.target
    mask = np.zeros((size, size), dtype=bool)
    for a, b in clean.bands:
        mask[max(a, r0):min(b, r1), c0:c1] = True
    if clean.ground is not None:
        mask &= clean.ground.body.full(size) == 0.0
    changed = np.abs((after - before) @ _LUMA) > 0.2
    return float(changed[mask].mean())


@pytest.mark.parametrize("anchor", ["top", "bottom", "center"])
def test_glitch_tears_visibly_break_the_form_on_every_fixture_brief(
        fixture_plans: list[CoverPlan], anchor: TypeAnchor) -> None:
    """Sea bands torn sideways used to stay sea bands (≤ 2.3% of the form changed): the
    tears now cut a form with edges across them, on every brief's motifs and palette."""
    for plan in fixture_plans:
        share = _torn_share(restyled(plan, "glitch", anchor), 3, 256)
        assert share > 0.05, (plan.title, plan.motifs, share)


@pytest.mark.parametrize("motif", ["city", "sea", "road"])
@pytest.mark.parametrize("anchor", ["bottom", "center"])
def test_glitch_lays_a_ground_motif_whole_over_the_torn_form(motif: str,
                                                              anchor: TypeAnchor) -> None:
    """Lit windows are not confetti: the ground stands as one mass without colour fringes
    (a neutral palette: any colour comes from the channel split), and the form still shows
    above it."""
    plan = _plan("glitch", anchor=anchor, palette="hiphop", motifs=[motif])
    size = 384
    clean = glitch.signal(plan, np.random.default_rng(4), size)
    assert clean.ground is not None
    rgb = _render(plan, 4, size)
    ground = clean.ground.body.full(size) > 0.99
    zone = type_zone(anchor)
    ground[zone.rows(size)] = False
    fringe = np.abs(rgb[..., 0] - rgb[..., 2]) > 0.25
    assert ground.mean() > 0.05 and float(fringe[ground].mean()) < 0.01
    assert _torn_share(plan, 4, size) > 0.05


def test_collage_keeps_the_band_behind_a_centred_title_bare_on_every_fixture_brief(
        fixture_plans: list[CoverPlan]) -> None:
    """A centred title once sat on a label laid over the stack of pieces (a busy heap):
    now its band is bare paper, with the pieces above it and the photocopy below."""
    size = 256
    zone = type_zone("center")
    rows = slice(int((zone.y0 - 0.02) * size), int((zone.y1 + 0.02) * size))
    for plan in fixture_plans:
        rgb = _render(restyled(plan, "collage", "center"), 5, size)
        paper = np.asarray(plan.palette.rgb("background"), dtype=np.float32) / 255.0
        off_paper = np.abs(rgb[rows] - paper).max(axis=-1) > 0.08
        assert float(off_paper.mean()) < 0.002, plan.title
        # … and the art is still there, around it.
        assert float((np.abs(rgb - paper).max(axis=-1) > 0.08).mean()) > 0.1, plan.title


def _islands(mask: np.ndarray, min_cells: int) -> int:
    """How many 4-connected regions of ``mask`` hold at least ``min_cells`` cells."""
    seen = np.zeros_like(mask)
    count = 0
    for start in zip(*np.nonzero(mask), strict=True):
        if seen[start]:
            continue
        seen[start] = True
        stack, cells = [start], 0
        while stack:
            y, x = stack.pop()
            cells += 1
            for v, u in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                if 0 <= v < mask.shape[0] and 0 <= u < mask.shape[1] and mask[v, u] \
                        and not seen[v, u]:
                    seen[v, u] = True
                    stack.append((v, u))
        count += cells >= min_cells
    return count


@pytest.mark.parametrize("anchor", ["top", "bottom"])  # the layouts contours is given
def test_contour_summits_stay_separate_ranges_on_every_fixture_brief(
        fixture_plans: list[CoverPlan], anchor: TypeAnchor) -> None:
    """The range's tinted summits used to merge into one blob (one tinted region on 46 of
    48 covers): squinted to 64 px, each of the three summits is now its own island."""
    cells = 64
    for plan in fixture_plans:
        rgb = _render(restyled(plan, "contours", anchor), 5, 256)
        paper = np.asarray(plan.palette.rgb("background"), dtype=np.float32) / 255.0
        squint = rgb.reshape(cells, 4, cells, 4, 3).mean(axis=(1, 3))
        tinted = np.abs(squint - paper).max(axis=-1) > 0.15
        assert _islands(tinted, 4) >= 3, plan.title
