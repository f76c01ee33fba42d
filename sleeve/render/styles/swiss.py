"""Swiss / Bauhaus geometric: one dominant form on a strict grid, flat paper, asymmetric balance.

The page is a 6×6 module grid inside generous margins. The type zone (``anchor``) stays open
paper; one big form (disc, rising sun, diagonal bars or stacked waves, chosen from the motifs)
owns the art area, answered by a bar in the secondary colour, one small accent form and a
hairline rule, the way a Müller-Brockmann poster is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sleeve.core.plan import CoverPlan
from sleeve.render import motifs
from sleeve.render.frame import FULL, Frame
from sleeve.render.page import Zone, focal_pair, palette_rgb, paper_field, type_zone
from sleeve.render.shapes import Shape, circle, fill, half_plane, rect, rotated_rect

DESCRIPTION = "Swiss/Bauhaus geometric: a dominant disc, bars and quarter circles on a strict grid"

GRID = 6

# Motifs (canonical names from ``motifs``) abstracted to the one form that stands for them.
_FORMS_BY_MOTIF = {
    "sun": "disc", "moon": "disc", "star": "disc", "night": "disc", "heart": "disc",
    "flower": "disc", "neon": "disc",
    "road": "bars", "rain": "bars", "city": "bars",
    "sea": "waves",
    "fire": "rise", "mountain": "rise", "forest": "rise",
}


@dataclass(frozen=True)
class _Page:
    """The grid and the art area (everything outside the type zone), in pixels."""

    size: int
    zone: Zone
    colors: dict[str, np.ndarray]
    frame: Frame = FULL

    @property
    def left(self) -> float:
        return self.frame.x0 * self.size

    @property
    def top(self) -> float:
        return self.frame.y0 * self.size

    @property
    def margin(self) -> float:
        return 0.07 * self.frame.short * self.size

    @property
    def module(self) -> float:
        """The grid's square module: the shorter side's sixth, so forms keep their shape."""
        return (self.frame.short * self.size - 2 * self.margin) / GRID

    def x(self, col: float) -> float:
        """Columns spread over the frame's width (on a square page, one module each)."""
        return self.left + self.margin + col * (
            (self.frame.width * self.size - 2 * self.margin) / GRID)

    def y(self, row: float) -> float:
        return self.top + self.margin + row * (
            (self.frame.height * self.size - 2 * self.margin) / GRID)

    @property
    def art_top(self) -> float:
        return self.zone.y1 * self.size if self.zone.anchor == "top" else self.top

    @property
    def art_bottom(self) -> float:
        if self.zone.anchor == "bottom":
            return self.zone.y0 * self.size
        return min(self.zone.foot * self.size, self.frame.y1 * self.size)

    @property
    def bottom_margin(self) -> float:
        """Space kept under the lowest form: the page margin, or none above a split foot."""
        return self.margin if self.zone.foot >= self.frame.y1 else 0.0

    def wave(self, cycles: int = 1, offset: float = 0.0) -> float:
        return self.frame.wave(cycles, offset)

    def art_clip(self) -> Shape:
        """Keeps forms out of the type zone (for ``center`` the band through the middle)."""
        if self.zone.anchor == "center":
            band = rect(-1e6, self.zone.y0 * self.size, 1e6, self.zone.y1 * self.size)
            return rect(-1e6, -1e6, 1e6, 1e6) - band
        return rect(-1e6, self.art_top, 1e6, self.art_bottom)


def _form_for(plan: CoverPlan, rng: np.random.Generator) -> str:
    for motif in plan.motifs:
        form = _FORMS_BY_MOTIF.get(motifs.canonical(motif) or "")
        if form is not None:
            return form
    return str(rng.choice(["disc", "rise", "bars", "waves"]))


def _disc(canvas: np.ndarray, page: _Page, rng: np.random.Generator) -> None:
    c = page.colors
    left = bool(rng.random() < 0.5)
    clip = page.art_clip()
    if page.zone.anchor == "center":
        # A big disc split by the type band reads as one form and leaves the band open.
        cx, cy = page.x(2.2 if left else 3.8), page.top + page.frame.height * page.size * 0.5
        radius = page.module * 2.9
    else:
        height = page.art_bottom - page.art_top
        radius = min(height * 0.40, page.module * 2.5)
        cx = page.x(2.3 if left else 3.7)
        cy = (page.art_top + page.art_bottom) / 2 + (page.module * 0.3 if page.zone.anchor == "top"
                                                     else -page.module * 0.3)
    bar_y = cy + radius * float(rng.choice([0.35, -0.55])) + page.module * 0.3 * page.wave()
    cx += page.module * 0.2 * page.wave(1, 0.25)  # in motion the disc rolls a little
    bar = rect(-10, bar_y, page.size + 10, bar_y + page.module * 0.42)
    fill(canvas, bar & clip, c["secondary"])
    fill(canvas, circle(cx, cy, radius) & clip, c["primary"])
    # A small accent quarter circle in the page corner the disc leaves empty, on the art side.
    corner_x = page.x(GRID) if left else page.x(0)
    corner_y = page.y(0) if page.zone.anchor == "bottom" else min(page.y(GRID), page.art_bottom)
    quarter = circle(corner_x, corner_y, page.module * 1.1) & rect(
        page.x(0), page.y(0), page.x(GRID), corner_y if corner_y > page.y(0) else page.y(GRID))
    fill(canvas, quarter & clip, c["accent"])


def _rise(canvas: np.ndarray, page: _Page, rng: np.random.Generator) -> None:
    c = page.colors
    clip = page.art_clip()
    horizon = {"top": page.art_bottom - page.bottom_margin - page.module * 0.6,
               "bottom": page.art_bottom - page.module * 0.55,
               "center": page.zone.y0 * page.size - page.module * 0.45}[page.zone.anchor]
    col = float(rng.choice([2.0, 3.0, 4.0]))
    radius = min(page.module * 2.5, (horizon - page.art_top) * 0.92)
    rise = page.module * 0.35 * page.wave()  # in motion the sun sinks and rises again
    sun = circle(page.x(col), horizon + rise, radius) & half_plane(0.0, 1.0, horizon)
    fill(canvas, sun & clip, c["primary"])
    # Stripes cut the lower half of the sun: the Bauhaus sunset.
    for k in range(4):
        y = horizon + rise - radius * (0.1 + 0.16 * k)
        h = radius * 0.03 * (4 - k)
        fill(canvas, rect(-10, y - h / 2, page.size + 10, y + h / 2) & sun, c["background"])
    fill(canvas, rect(-10, horizon, page.size + 10, horizon + page.module * 0.32) & clip,
                c["secondary"])
    side = page.x(0.55 if col > 2.5 else 5.45)
    fill(canvas, circle(side, page.art_top + page.margin + page.module * 0.35, page.module * 0.35)
                & clip, c["accent"])
    if page.zone.anchor == "center":
        # Below the type, the sun's reflection: bars thinning as they go down the page.
        y = page.zone.y1 * page.size + page.module * 0.3 + rise * 0.3
        for k in range(5):
            h = page.module * (0.34 - 0.06 * k)
            reach = radius * (0.9 - 0.12 * k)
            fill(canvas, rect(page.x(col) - reach, y, page.x(col) + reach, y + h), c["primary"])
            y += h + page.module * 0.22


def _bars(canvas: np.ndarray, page: _Page, rng: np.random.Generator) -> None:
    c = page.colors
    clip = page.art_clip()
    sign = float(rng.choice([-1.0, 1.0]))
    angle = sign * np.deg2rad(float(rng.uniform(30, 38)))
    cy = (page.art_top + page.art_bottom) / 2
    offset = -page.module * 1.2 + page.module * 0.6 * page.wave()  # bars sweep to and fro
    for width, name in ((1.0, "primary"), (0.45, "secondary"), (0.2, "primary")):
        half = page.module * width / 2
        bar = rotated_rect(page.left + page.frame.width * page.size / 2 + offset, cy, half,
                           page.size * 1.5, angle)
        fill(canvas, bar & clip, c[name])
        offset += page.module * (width + 0.5)
    fill(canvas, circle(page.x(5.1 if sign > 0 else 0.9), page.art_top + page.margin
                       + page.module * 0.6, page.module * 0.55) & clip, c["accent"])


def _waves(canvas: np.ndarray, page: _Page, rng: np.random.Generator) -> None:
    c = page.colors
    clip = page.art_clip()
    radius = page.module * 0.5
    if page.zone.anchor == "bottom":
        top, bottom = page.art_top + page.module * 2.2, page.art_bottom - page.module * 0.25
    else:
        top = page.art_bottom - page.bottom_margin - page.module * 2.5
        bottom = page.art_bottom + (radius if page.zone.foot >= page.frame.y1
                                    else -page.module * 0.25)
    rows = max(2, int((bottom - top) // radius) + 1)
    for i in range(rows):
        row_y = top + i * radius
        # In motion the rows roll sideways, alternate rows against each other, one module
        # per loop (the pattern repeats every module, so the loop closes).
        shift = (0.5 if i % 2 else 0.0) + (page.frame.t if i % 2 else -page.frame.t)
        name = "primary" if i % 2 == 0 else "secondary"
        row = half_plane(0.0, 1.0, row_y) & rect(-10, row_y - radius - 1, page.size + 10, row_y + 1)
        for col in range(-2, GRID + 3):
            fill(canvas, circle(page.x(col + shift), row_y, radius) & row & clip, c[name])
    sun_col = float(rng.choice([1.0, 4.5]))
    sun_r = min(page.module * 0.75, (top - radius - page.art_top) * 0.3)
    sun_y = (page.art_top + top - radius) / 2 + sun_r * 0.4
    if page.zone.anchor == "center":
        sun_r = page.module * 0.75
        sun_y = (page.top + page.zone.y0 * page.size) / 2 + page.margin / 2
    fill(canvas, circle(page.x(sun_col), sun_y, sun_r) & clip, c["accent"])


_DRAW: dict[str, Callable[[np.ndarray, _Page, np.random.Generator], None]] = {
    "disc": _disc, "rise": _rise, "bars": _bars, "waves": _waves,
}


def render(plan: CoverPlan, rng: np.random.Generator, size: int,
           frame: Frame = FULL) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    form, support = focal_pair(colors)
    colors = {**colors, "primary": form, "secondary": support}
    zone = type_zone(plan.type_layout.anchor, plan.type_layout.name, frame)
    page = _Page(size, zone, colors, frame)
    canvas = paper_field(colors["background"], rng, size, strength=0.018)
    _DRAW[_form_for(plan, rng)](canvas, page, rng)
    # A hairline on the grid edge beside the type zone shows the structure without noise.
    rule = max(1.0, size / 800)
    edge = {"top": zone.y1 * size, "bottom": zone.y0 * size, "center": zone.y1 * size}[zone.anchor]
    edge += -page.module * 0.15 if zone.anchor == "bottom" else page.module * 0.15
    fill(canvas, rect(page.x(0), edge - rule / 2, page.x(GRID), edge + rule / 2), colors["ink"],
                opacity=0.6)
    return np.clip(canvas, 0.0, 1.0, out=canvas)
