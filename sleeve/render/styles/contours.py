"""Topographic contours: iso-lines of a smooth height field with one peak as the focal point.

The field is fBm plus a single summit placed off-centre in the art area. Iso-lines come from
``frac(height × levels)`` divided by the field's slope, which gives even, anti-aliased lines
of constant width at any size; every fifth line is an index contour, drawn heavier, as on a
survey map. The highest ground is filled in flat elevation bands (secondary, primary, then an
accent summit), and both lines and fills fade out over the type zone.
"""

from __future__ import annotations

import numpy as np

from sleeve.core.plan import CoverPlan
from sleeve.render.page import Zone, independent, palette_rgb, paper_field, type_zone
from sleeve.render.raster import fbm, resize

DESCRIPTION = "Topographic contour lines around one summit, with filled elevation bands"

_FIELD_RES = 160
_LEVELS = 34  # contour intervals over the height range


def _height(rng: np.random.Generator, zone: Zone) -> tuple[np.ndarray, tuple[float, float]]:
    """(res, res) height in [0, 1] and the summit position in page units."""
    terrain = fbm(rng, _FIELD_RES, cells=3.0, octaves=4, persistence=0.45)
    sx = float(rng.uniform(0.3, 0.7))
    sy = {"top": 0.66, "bottom": 0.36, "center": 0.22 if rng.random() < 0.5 else 0.78}
    summit = (sx, float(sy[zone.anchor] + rng.uniform(-0.04, 0.04)))
    g = (np.arange(_FIELD_RES, dtype=np.float32) + 0.5) / _FIELD_RES
    d2 = (g[None, :] - summit[0]) ** 2 + (g[:, None] - summit[1]) ** 2
    peak = np.exp(-d2 / (2 * 0.17**2))
    # The type zone sinks into a shallow plain: few lines cross it.
    plain = zone.weight(_FIELD_RES, feather=0.1)
    h = (0.42 * terrain + peak) * (1.0 - 0.55 * plain)
    h = (h - h.min()) / max(float(h.max() - h.min()), 1e-6)
    return h.astype(np.float32), summit


def _band(height: np.ndarray, level: float, softness: np.ndarray) -> np.ndarray:
    """Anti-aliased coverage of ``height >= level``."""
    return np.clip((height - level) / softness + 0.5, 0.0, 1.0)


def render(plan: CoverPlan, rng: np.random.Generator, size: int) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor)
    texture_rng = independent(rng)
    low, _ = _height(rng, zone)
    gy, gx = np.gradient(low)
    # Slope in height per output pixel, smooth enough to compute at low resolution.
    slope_low = np.sqrt(gx * gx + gy * gy) * np.float32(_FIELD_RES)
    # Bicubic: a bilinear height field would put kinks in every contour line.
    height = resize(low, size, size)
    slope = np.maximum(resize(slope_low, size, size) / np.float32(size), np.float32(1e-5))

    out = paper_field(colors["background"], texture_rng, size, strength=0.015)
    calm = 1.0 - 0.85 * zone.weight(size, feather=0.06)
    levels = np.quantile(low, [0.8, 0.92, 0.985])
    for level, name in zip(levels, ("secondary", "primary", "accent"), strict=True):
        cover = _band(height, float(level), slope) * calm
        out += (colors[name] - out) * cover[..., None]

    # Distance (in pixels) to the nearest contour, from the fractional part of height.
    scaled = height * np.float32(_LEVELS)
    frac = scaled - np.floor(scaled)
    dist = np.minimum(frac, 1.0 - frac) / (slope * np.float32(_LEVELS))
    index = (np.floor(scaled + 0.5).astype(np.int32) % 5) == 0
    half_width = np.where(index, np.float32(size / 900), np.float32(size / 2200))
    line = np.clip(half_width + 0.5 - dist, 0.0, 1.0) * calm
    out += (colors["ink"] - out) * (line * np.float32(0.7))[..., None]
    return np.clip(out, 0.0, 1.0)
