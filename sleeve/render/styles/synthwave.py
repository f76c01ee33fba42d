"""Synthwave: a big striped sun over a glowing perspective grid, sunset sky, faint scanlines.

The sky runs from the palette's deep tone through the primary to the accent at the horizon,
where a thin glow sits. The sun is a large disc, warm at the top and cooling into the
primary, cut by horizontal gaps that widen toward the horizon. Optional mountains or a
skyline (from the motifs) stand dark on the horizon in front of it. The floor is a dark
plane ruled with a grid converging on the vanishing point; the grid fades into the distance
and out of the type zone. Scanlines run over the sky at a few percent.
"""

from __future__ import annotations

import numpy as np

from sleeve.core.plan import CoverPlan
from sleeve.render import motifs
from sleeve.render.frame import FULL, Frame
from sleeve.render.page import Zone, palette_rgb, type_zone
from sleeve.render.raster import (
    Mask,
    Pen,
    apply_ramp,
    coords,
    disc,
    light,
    luminance,
    mix,
    paint,
    ramp,
    resize,
    shade,
    smoothstep,
    soften,
)

DESCRIPTION = "Synthwave: striped sun over a neon perspective grid, sunset sky, scanlines"

WHITE = np.ones(3, dtype=np.float32)
# (horizon, sun radius) by type anchor: the sun always clears the type zone.
_LAYOUT = {"top": (0.66, 0.22), "bottom": (0.5, 0.2), "center": (0.82, 0.16)}


def _sky(colors: dict[str, np.ndarray], size: int, horizon: float, frame: Frame) -> np.ndarray:
    """(size, 1, 3): deep → primary → accent at the horizon, then a dark floor below."""
    bg = colors["background"]
    deep = shade(bg, 0.55) if luminance(bg) < 0.3 else shade(colors["primary"], 0.3)
    hot = mix(colors["primary"], colors["accent"], 0.35)
    ys, _ = coords(1024, 1)
    t = np.clip((ys - frame.y0) / (horizon - frame.y0), 0.0, 1.0)
    sky = apply_ramp(t ** 1.4, ramp([deep, mix(deep, colors["primary"], 0.45), hot,
                                     colors["accent"]], [0.0, 0.5, 0.85, 1.0]))
    floor_t = np.clip((ys - horizon) / (frame.y1 - horizon), 0.0, 1.0)
    floor = apply_ramp(floor_t ** 0.5, ramp([mix(deep, colors["primary"], 0.35),
                                             shade(deep, 0.6)]))
    column = np.where((ys < horizon)[..., None], sky, floor)
    # The horizon glow: a thin, bright line of light where sky meets floor.
    glow = np.exp(-np.abs(ys - horizon) / (0.012 * frame.height))[..., None] * 0.65
    column = column + (mix(colors["accent"], WHITE, 0.4) - column) * glow
    # Scanlines: a faint ripple with ~180 lines per page, whatever the size.
    # In motion they roll down the screen, one line per loop.
    lines = 1.0 - 0.05 * (0.5 + 0.5 * np.sin(ys * 2 * np.pi * 180 - 2 * np.pi * frame.t))
    column = column * np.where(ys < horizon, lines, 1.0)[..., None]
    return resize(column.astype(np.float32), size, 1, smooth=False)


def _sun(page: np.ndarray, colors: dict[str, np.ndarray], horizon: float, r: float,
         rng: np.random.Generator, frame: Frame) -> None:
    size = page.shape[0]
    cx, cy = frame.x(0.5 + rng.uniform(-0.04, 0.04)), horizon - r * 0.45
    body = disc(size, cx * size, cy * size, r * size, feather=1.0)
    top = mix(colors["accent"], WHITE, 0.25)
    bottom = colors["primary"] if luminance(colors["primary"]) > 0.1 else colors["secondary"]
    rows = (np.arange(body.top, body.top + body.alpha.shape[0], dtype=np.float32) + 0.5) / size
    u = np.clip((rows - (cy - r)) / (2 * r), 0.0, 1.0)
    # Gaps: n bands in the lower half, each thicker than the one above.
    cut = np.zeros_like(u)
    n = 6
    # In motion the gaps sink one band per loop: band k ends where band k+1 began, and a new
    # band grows in from nothing at the top.
    for k in range(-1 if frame.moving else 0, n):
        p = (k + frame.t) / n
        at = cy - r * 0.1 + p * r * 1.1
        half = (0.02 + 0.06 * p) * r * size * min(1.0, p * n + 1.0)  # half-height of the gap, px
        if half <= 0.0:
            continue
        cut = np.maximum(cut, np.clip(half - np.abs(rows - at) * size + 0.5, 0.0, 1.0))
    gaps = 1.0 - cut
    below = rows < horizon
    alpha = body.alpha * (gaps * below)[:, None]
    halo = soften(Mask(alpha, body.top, body.left), size, r * size * 0.5)
    light(page, halo, colors["accent"], 0.55)
    color_rows = (top + (bottom - top) * (u ** 1.2)[:, None])[:, None, :]
    under = page[body.region]
    under += (color_rows - under) * alpha[..., None]


def _grid(page: np.ndarray, colors: dict[str, np.ndarray], horizon: float, zone: Zone,
          rng: np.random.Generator, frame: Frame) -> None:
    size = page.shape[0]
    hy = horizon * size
    vx = frame.x(0.5) * size
    pen = Pen(size, (0, hy, size, size))
    depth = frame.y1 * size - hy
    width = size * 0.0028
    # Rails: lines from the vanishing point out to beyond the page bottom.
    for k in range(-14, 15):
        xb = vx + k * size * 0.12
        pen.polygon([(vx, hy), (vx, hy), (xb + width * 1.5, size), (xb - width * 1.5, size)])
    # Cross lines: evenly spaced in depth (1/z), so they crowd toward the horizon.
    # In motion the floor scrolls toward the viewer: one line spacing per loop.
    offset = (rng.uniform(0.0, 1.0) - frame.t) % 1.0
    for z in np.arange(0.5 + offset * 0.5, 40.0, 0.5):
        y = hy + depth / z
        w = max(width * 1.3 / z, 0.25)
        pen.rect(0, y - w, size, y + w)
    grid = pen.mask()
    rows = (np.arange(grid.top, grid.top + grid.alpha.shape[0], dtype=np.float32) + 0.5) / size
    fade = smoothstep(horizon, horizon + 0.1 * frame.height, rows)[:, None]
    grid = Mask(grid.alpha * fade, grid.top, grid.left).quieted(zone.weight(size, 0.05), 0.85)
    line = mix(colors["secondary"], WHITE, 0.2)
    light(page, soften(grid, size, size * 0.004), colors["secondary"], 0.7)
    paint(page, grid, line)


def _skyline(page: np.ndarray, plan: CoverPlan, colors: dict[str, np.ndarray],
             horizon: float, rng: np.random.Generator, frame: Frame) -> None:
    size = page.shape[0]
    for name, _ in motifs.pick(plan.motifs, "ground"):
        if name not in ("mountain", "city", "forest"):
            continue
        height = frame.r(0.14 if name == "mountain" else 0.1)
        box = motifs.Box(frame.x(-0.05), horizon - height, frame.x(1.05), horizon + 0.002)
        shape = motifs.silhouette(name, size, rng, box)
        if shape is not None:
            dark = shade(colors["background"], 0.5)
            light(page, soften(shape.body, size, size * 0.006), colors["secondary"], 0.5)
            paint(page, shape.body, dark)
            if name == "city":
                paint(page, shape.detail, colors["accent"])
        return


def render(plan: CoverPlan, rng: np.random.Generator, size: int,
           frame: Frame = FULL) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor, frame=frame)
    horizon, r = _LAYOUT[zone.anchor]
    horizon, r = frame.y(horizon), frame.r(r)
    page = np.empty((size, size, 3), dtype=np.float32)
    page[:] = _sky(colors, size, horizon, frame)
    _sun(page, colors, horizon, r, rng, frame)
    _skyline(page, plan, colors, horizon, rng, frame)
    _grid(page, colors, horizon, zone, rng, frame)
    return np.clip(page, 0.0, 1.0, out=page)
