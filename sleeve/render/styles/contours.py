"""Topographic contours: iso-lines of a smooth height field, a mountain range as the focal point.

The field is low rolling fBm ground with ridged crests, plus a range of three summits along
a line across the art area (a dominant one between two smaller ones standing off the line),
combined by max so the saddles between them stay low and each summit keeps its own tinted
island, all sampled through a slow domain warp so no summit is a round target. Iso-lines
come from ``frac(height × levels)`` divided by the field's slope, which gives even,
anti-aliased lines of constant width at any size; every fifth line is an index contour,
drawn heavier, as on a survey map. The summits are tinted in stepped elevation layers
(secondary through primary to an accent on the highest ground), and both lines and tints
fade out over the type zone.
"""

from __future__ import annotations

import numpy as np

from sleeve.core.plan import CoverPlan
from sleeve.render.frame import FULL, Frame
from sleeve.render.page import Zone, independent, palette_rgb, paper_field, type_zone
from sleeve.render.raster import Mask, coords, fbm, paint, ramp, resize

DESCRIPTION = "Topographic contour map of a mountain range, with tinted elevation bands"

_FIELD_RES = 160
_LEVELS = 30  # contour intervals over the height range


def _warped(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Page coordinates (y, x) on the field grid, bent by slow noise so no summit is round."""
    g = (np.arange(_FIELD_RES, dtype=np.float32) + 0.5) / _FIELD_RES
    wy = fbm(rng, _FIELD_RES, cells=2.0, octaves=3) - 0.5
    wx = fbm(rng, _FIELD_RES, cells=2.0, octaves=3) - 0.5
    return g[:, None] + 0.26 * wy, g[None, :] + 0.26 * wx


# The summits of the range: (offset along the ridge, offset across it, height, size), main
# summit first, the other two off the line on either side, as a range's peaks stand. Far
# enough apart, and combined by max rather than summed, that the saddles between them stay
# below the lowest tint: three distinct peaks, not one merged blob.
_SUMMITS = ((0.0, 0.0, 1.0, 1.2), (-0.3, -0.07, 0.8, 0.85), (0.29, 0.08, 0.7, 0.78))
# Tint levels as fractions of the height range: stepped layers from the secondary through
# the primary to the accent on the highest ground (a hypsometric map).
TINT_LEVELS = (0.4, 0.52, 0.64, 0.76, 0.88)


def _massif(rng: np.random.Generator, zone: Zone,
            frame: Frame) -> tuple[np.ndarray, tuple[float, float]]:
    """(res, res) relief of one range: three summits of falling height strung along a line
    across the art area, each stretched along the ridge. A range reads as a map where a
    single round peak reads as a target."""
    ys, xs = _warped(rng)
    cy = {"top": 0.66, "bottom": 0.34, "center": 0.2 if rng.random() < 0.5 else 0.8}
    centre = (frame.x(float(rng.uniform(0.46, 0.54))),
              frame.y(float(cy[zone.anchor] + rng.uniform(-0.03, 0.03))))
    # Mostly level, so the range lies along the free band and leaves the type zone alone.
    angle = float(rng.uniform(-0.35, 0.35))
    ux, uy = np.cos(angle), np.sin(angle)
    relief = np.zeros((_FIELD_RES, _FIELD_RES), dtype=np.float32)
    summit = centre
    side = float(rng.choice([-1.0, 1.0]))
    for k, (along, across, height, scale) in enumerate(_SUMMITS):
        along = frame.r(along + float(rng.uniform(-0.025, 0.025)))
        across = frame.r(side * across)
        px = centre[0] + along * ux - across * uy
        py = centre[1] + along * uy + across * ux
        if k == 0:
            summit = (px, py)
        dx, dy = xs - px, ys - py
        u, v = dx * ux + dy * uy, -dx * uy + dy * ux
        long = frame.r(scale * float(rng.uniform(0.08, 0.095)))
        short = frame.r(scale * float(rng.uniform(0.07, 0.085)))
        peak = height * np.exp(-(u * u) / (2 * long**2) - (v * v) / (2 * short**2))
        np.maximum(relief, peak, out=relief)
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
    # Low rolling ground: enough relief for a survey map's lines, never enough to reach the
    # tints or join the summits.
    # The crests also carve the summits' flanks into spurs and gullies: a mountain's
    # contours, not a bean's.
    relief *= 0.72 + 0.5 * crests
    h = (0.2 * terrain + 0.08 * crests + relief) * (1.0 - 0.55 * plain)
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
    # Elevation layers, each computed only over the window that can hold it: stepped tints
    # from the secondary through the primary to the accent, fixed fractions of the range
    # above anything the rolling ground reaches, so they mark the summits and nothing else.
    stops = ramp([colors["secondary"], colors["primary"], colors["accent"]],
                 n=len(TINT_LEVELS))
    for level, tint in zip(TINT_LEVELS, stops, strict=True):
        window = _window(low, float(level), size)
        if window is None:
            continue
        cover = height[window] - np.float32(level)
        cover /= slope[window]
        cover += 0.5
        np.clip(cover, 0.0, 1.0, out=cover)
        cover *= calm[window[0]]
        paint(page, Mask(cover, window[0].start, window[1].start), tint)

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
