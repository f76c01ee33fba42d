"""Topographic contours: iso-lines of a smooth height field, a mountain range as the focal point.

The field is rolling fBm ground with ridged crests, plus a range of three summits strung
along a line across the art area, all sampled through a slow domain warp so no summit is a
round target. Iso-lines come from ``frac(height × levels)`` divided by the field's slope,
which gives even, anti-aliased lines of constant width at any size; every fifth line is an
index contour, drawn heavier, as on a survey map. The range is tinted in flat elevation bands
(secondary, primary, then an accent on the highest ground), and both lines and tints fade
out over the type zone.
"""

from __future__ import annotations

import numpy as np

from sleeve.core.plan import CoverPlan
from sleeve.render.frame import FULL, Frame
from sleeve.render.page import Zone, independent, palette_rgb, paper_field, type_zone
from sleeve.render.raster import Mask, coords, fbm, paint, resize

DESCRIPTION = "Topographic contour map of a mountain range, with tinted elevation bands"

_FIELD_RES = 160
_LEVELS = 30  # contour intervals over the height range


def _warped(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Page coordinates (y, x) on the field grid, bent by slow noise so no summit is round."""
    g = (np.arange(_FIELD_RES, dtype=np.float32) + 0.5) / _FIELD_RES
    wy = fbm(rng, _FIELD_RES, cells=2.0, octaves=3) - 0.5
    wx = fbm(rng, _FIELD_RES, cells=2.0, octaves=3) - 0.5
    return g[:, None] + 0.2 * wy, g[None, :] + 0.2 * wx


def _massif(rng: np.random.Generator, zone: Zone,
            frame: Frame) -> tuple[np.ndarray, tuple[float, float]]:
    """(res, res) relief of one ridge: three summits of falling height strung along a line
    across the art area, each stretched along the ridge. A range reads as a map where a
    single round peak reads as a target."""
    ys, xs = _warped(rng)
    cy = {"top": 0.66, "bottom": 0.34, "center": 0.2 if rng.random() < 0.5 else 0.8}
    centre = (frame.x(float(rng.uniform(0.38, 0.62))),
              frame.y(float(cy[zone.anchor] + rng.uniform(-0.03, 0.03))))
    # Mostly level, so the range lies along the free band and leaves the type zone alone.
    angle = float(rng.uniform(-0.45, 0.45))
    ux, uy = np.cos(angle), np.sin(angle)
    relief = np.zeros((_FIELD_RES, _FIELD_RES), dtype=np.float32)
    summit = centre
    offsets = (float(rng.uniform(-0.06, 0.06)), -0.29, 0.3)
    for k, (along, height) in enumerate(zip(offsets, (1.0, 0.72, 0.6), strict=True)):
        along = frame.r(along + float(rng.uniform(-0.04, 0.04)))
        px, py = centre[0] + along * ux, centre[1] + along * uy
        if k == 0:
            summit = (px, py)
        dx, dy = xs - px, ys - py
        u, v = dx * ux + dy * uy, -dx * uy + dy * ux
        long = frame.r(float(rng.uniform(0.09, 0.13)))
        short = frame.r(float(rng.uniform(0.07, 0.095)))
        relief += height * np.exp(-(u * u) / (2 * long**2) - (v * v) / (2 * short**2))
    return relief, summit


def _height(rng: np.random.Generator, zone: Zone,
            frame: Frame = FULL) -> tuple[np.ndarray, tuple[float, float]]:
    """(res, res) height in [0, 1] and the main summit position in page units."""
    terrain = fbm(rng, _FIELD_RES, cells=3.0, octaves=4, persistence=0.5)
    # Ridged noise: sharp crests and soft valleys, the grain of real ground.
    crests = 1.0 - np.abs(2.0 * fbm(rng, _FIELD_RES, cells=4.0, octaves=3) - 1.0)
    relief, summit = _massif(rng, zone, frame)
    # The type zone sinks into a shallow plain: few lines cross it.
    plain = zone.weight(_FIELD_RES, feather=0.1)
    h = (0.38 * terrain + 0.14 * crests + relief) * (1.0 - 0.55 * plain)
    if frame.moving:
        # In motion the ground swells and settles in a wave crossing the map, so the
        # contour lines flow; the swell is periodic in t and nothing at t = 0.
        ys, xs = coords(_FIELD_RES)
        lap = 2 * np.pi * (2.0 * xs + ys)
        h = h + 0.035 * (np.sin(lap + 2 * np.pi * frame.t) - np.sin(lap))
    h = (h - h.min()) / max(float(h.max() - h.min()), 1e-6)
    return h.astype(np.float32), summit


def _window(low: np.ndarray, level: float, size: int) -> tuple[slice, slice] | None:
    """Page rows and columns that can hold ``height >= level`` (from the low-res field)."""
    rows = np.flatnonzero((low >= level).any(axis=1))
    cols = np.flatnonzero((low >= level).any(axis=0))
    if rows.size == 0:
        return None
    scale = size / low.shape[0]
    pad = 2 * scale
    r0, r1 = max(0, int(rows[0] * scale - pad)), min(size, int((rows[-1] + 1) * scale + pad))
    c0, c1 = max(0, int(cols[0] * scale - pad)), min(size, int((cols[-1] + 1) * scale + pad))
    return slice(r0, r1), slice(c0, c1)


def render(plan: CoverPlan, rng: np.random.Generator, size: int,
           frame: Frame = FULL) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor, frame=frame)
    texture_rng = independent(rng)
    low, _ = _height(rng, zone, frame)
    gy, gx = np.gradient(low)
    # Slope in height per output pixel, smooth enough to compute at low resolution.
    slope_low = np.sqrt(gx * gx + gy * gy) * np.float32(_FIELD_RES / size)
    # Bicubic: a bilinear height field would put kinks in every contour line.
    height = resize(low, size, size)
    slope = np.maximum(resize(slope_low, size, size), np.float32(1e-6))
    calm = (1.0 - 0.85 * zone.weight(size, feather=0.06)).astype(np.float32)

    page = paper_field(colors["background"], texture_rng, size, strength=0.015)
    # Elevation bands, each computed only over the window that can hold it.
    # Fixed fractions of the main summit, above anything the rolling ground reaches: the
    # tints mark the range's summits (the lower two, the main one higher) and nothing else.
    levels = (0.42, 0.62, 0.84)
    for level, name in zip(levels, ("secondary", "primary", "accent"), strict=True):
        window = _window(low, float(level), size)
        if window is None:
            continue
        cover = height[window] - np.float32(level)
        cover /= slope[window]
        cover += 0.5
        np.clip(cover, 0.0, 1.0, out=cover)
        cover *= calm[window[0]]
        paint(page, Mask(cover, window[0].start, window[1].start), colors[name])

    # Distance (in pixels) to the nearest contour; every fifth contour is an index line.
    dist = height * np.float32(_LEVELS)
    nearest = dist + np.float32(0.5)
    np.floor(nearest, out=nearest)
    dist -= nearest
    np.abs(dist, out=dist)
    slope *= np.float32(_LEVELS)
    dist /= slope
    np.fmod(nearest, 5.0, out=nearest)
    thin = np.float32(size * frame.short / 2200)
    thick = np.float32(size * frame.short / 900)
    line = np.where(nearest == 0.0, thick + 0.5, thin + 0.5).astype(np.float32)
    line -= dist
    np.clip(line, 0.0, 1.0, out=line)
    line *= calm * np.float32(0.7)
    paint(page, Mask(line, 0, 0), colors["ink"])
    return np.clip(page, 0.0, 1.0, out=page)
