"""Nebula: a deep-space field, gas clouds in the palette, stars of every size.

The background is the palette's darkest tone pushed toward black. Gas is fractal noise
gathered along one curved lane through the art area (a nebula has a shape, not an even
haze), coloured through a ramp from the deep tone up through primary and secondary to a
bright core, and cut by darker dust lanes. Stars — many pin-pricks, a few with glows and
flares — are scattered over the art area; the type zone keeps a thin, dim sky. An object
motif (moon, sun…) hangs as a planet-like disc on a thirds point; a ground motif becomes a
dark horizon silhouette.
"""

from __future__ import annotations

import numpy as np

from sleeve.core.plan import CoverPlan
from sleeve.render import motifs
from sleeve.render.frame import FULL, Frame
from sleeve.render.page import Zone, palette_rgb, type_zone
from sleeve.render.raster import (
    apply_ramp,
    coords,
    fbm,
    field_res,
    luminance,
    mix,
    ramp,
    shade,
    smoothstep,
    upscale,
    vignette,
)

DESCRIPTION = "Nebula: deep space, fractal gas clouds in the palette, stars with a few glows"


def _deep(colors: dict[str, np.ndarray]) -> np.ndarray:
    """The night: the darkest palette colour, taken most of the way to black."""
    darkest = min((colors[k] for k in ("background", "primary", "secondary", "accent")),
                  key=luminance)
    return shade(darkest, 0.45 if luminance(darkest) > 0.05 else 0.8)


def _starlight(colors: dict[str, np.ndarray]) -> np.ndarray:
    """The palette's lightest tone, half way to white: what stars and the core shine in."""
    lightest = max((colors[k] for k in ("ink", "accent", "secondary", "primary")), key=luminance)
    return mix(lightest, np.ones(3, dtype=np.float32), 0.45)


def _focus(zone: Zone, rng: np.random.Generator, frame: Frame) -> tuple[float, float]:
    """The bright heart of the cloud, on a thirds point away from the type."""
    x = float(rng.choice([1 / 3, 2 / 3])) + rng.uniform(-0.05, 0.05)
    y = {"top": 0.66, "bottom": 0.34, "center": float(rng.choice([0.2, 0.8]))}[zone.anchor]
    y += rng.uniform(-0.04, 0.04)
    return frame.x(x), frame.y(y)


def _gas(colors: dict[str, np.ndarray], deep: np.ndarray, zone: Zone, res: int,
         rng: np.random.Generator, focus: tuple[float, float], frame: Frame) -> np.ndarray:
    """The cloud; in motion its lane sways and its heart breathes."""
    ys, xs = coords(res)
    fx, fy = focus
    fy += 0.025 * frame.short * frame.wave()
    # The lane: a gentle curve through the focus, tilted at random.
    tilt = rng.uniform(-0.6, 0.6)
    bend = rng.uniform(-0.5, 0.5)
    lane_y = fy + tilt * (xs - fx) + bend * (xs - fx) ** 2
    lane = np.exp(-(((ys - lane_y) / (0.27 * frame.short)) ** 2))
    core = np.exp(-(((xs - fx) ** 2 + (ys - fy) ** 2) / (0.035 * frame.short ** 2)))
    if frame.moving:
        core = core * (1.0 + 0.25 * frame.wave(1, 0.25))
    cloud = fbm(rng, res, cells=2.5, octaves=6, persistence=0.55)
    wisps = fbm(rng, res, cells=4.0, octaves=4, persistence=0.6)
    dust = smoothstep(0.55, 0.85, fbm(rng, res, cells=3.0, octaves=4))
    density = smoothstep(0.22, 0.95, cloud * 0.7 + wisps * 0.3) * (0.3 + 0.7 * lane)
    density = density * (1.0 - 0.65 * dust) + 0.4 * core * (0.5 + 0.5 * cloud)
    calm = zone.weight(res, feather=0.16) * 0.85
    # Soft shoulder instead of a clip: the brightest gas never burns out to a flat blob.
    density = 1.0 - np.exp(-1.8 * np.maximum(density, 0.0) * (1.0 - calm))
    density = density / (1.0 - np.exp(-1.8))
    low, high = sorted((colors["primary"], colors["secondary"]), key=luminance)
    table = ramp([deep, mix(deep, low, 0.7), mix(low, high, 0.75), _starlight(colors)],
                 [0.0, 0.38, 0.75, 1.0])
    return apply_ramp(density, table)


def render(plan: CoverPlan, rng: np.random.Generator, size: int,
           frame: Frame = FULL) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor, frame=frame)
    res = field_res(size)
    deep = _deep(colors)
    focus = _focus(zone, rng, frame)
    field = _gas(colors, deep, zone, res, rng, focus, frame)
    field *= vignette(res, 0.35)[..., None]
    page = upscale(field, size)

    shine = _starlight(colors)
    for k, box in enumerate(_art_boxes(zone, frame)):
        stars = motifs.silhouette("star", size, rng, box)
        if stars is not None:
            # In motion the stars twinkle: their light swells and fades, field by field.
            glow = 0.6 * (1.0 + 0.5 * frame.wave(2, k / 2))
            motifs.draw(page, stars, motifs.Ink(shine, shine, mix(shine, colors["accent"], 0.4),
                                                glow))
    _draw_motifs(page, plan, colors, zone, rng, focus, frame)
    return np.clip(page, 0.0, 1.0, out=page)


def _art_boxes(zone: Zone, frame: Frame = FULL) -> list[motifs.Box]:
    """The page outside the type zone: one box, or two when the type sits in the middle."""
    h = frame.height
    above = motifs.Box(frame.x0, frame.y0, frame.x1, zone.y0 - 0.02 * h)
    below = motifs.Box(frame.x0, zone.y1 + 0.02 * h, frame.x1, frame.y1)
    return {"top": [below], "bottom": [above], "center": [above, below]}[zone.anchor]


def _draw_motifs(page: np.ndarray, plan: CoverPlan, colors: dict[str, np.ndarray], zone: Zone,
                 rng: np.random.Generator, focus: tuple[float, float], frame: Frame) -> None:
    h = frame.height
    for name, kind in motifs.pick(plan.motifs)[:2]:
        if name == "star":
            continue  # the sky already is one
        if name == "fire":  # fire burns on the ground, at the foot of the art area
            foot = frame.y1 if zone.anchor in ("top", "center") else zone.y0 - 0.02 * h
            box = motifs.Box(frame.x(0.25), foot - 0.3 * h, frame.x(0.75), foot)
        elif kind == "object":
            r = frame.r(0.1)
            cx = frame.x0 + frame.x1 - focus[0]
            cy = float(np.clip(focus[1] - 0.08 * h, frame.y0 + r + 0.05 * h,
                               frame.y1 - 0.05 * h - r))
            if cy > zone.y0 - r - 0.04 * h:  # on the art side of the type zone, never in it
                cy = max(cy, zone.y1 + r + 0.04 * h)
            box = motifs.Box(cx - r, cy - r, cx + r, cy + r)
        elif kind == "ground":
            if zone.anchor == "bottom":
                continue
            box = motifs.Box(frame.x0, frame.y(0.8), frame.x1, frame.y1)
        else:
            box = _art_boxes(zone, frame)[-1]
        motifs.place(page, name, kind, box, rng, colors, frame.t)
