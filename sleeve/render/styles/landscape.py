"""Landscape: layered silhouettes under a sky gradient, like a dusk photograph.

One ground motif carries the page — mountain ridges, the sea, a city skyline, a road to the
horizon or a pine forest (from the plan's motifs, or chosen by mood). It is built as three
or four layers whose colour moves toward the horizon's haze the farther they are
(atmospheric perspective), under a sky that lightens toward the horizon and a sun or moon
disc with a soft halo. The horizon is placed by the type: low when the title sits at the
top, high with a flat, dark foreground when it sits at the bottom. Last comes a film look:
lifted blacks and a gentle vignette.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeve.core.plan import CoverPlan
from sleeve.render import motifs
from sleeve.render.frame import FULL, Frame
from sleeve.render.page import Zone, palette_rgb, type_zone
from sleeve.render.raster import (
    Mask,
    apply_ramp,
    coords,
    field_res,
    light,
    luminance,
    mix,
    paint,
    ramp,
    resize,
    shade,
    soften,
    standing_off,
    upscale,
    vignette,
)

DESCRIPTION = "Landscape: layered ridges, sea, skyline, road or forest under a dusk sky"

GROUNDS = ("mountain", "sea", "city", "road", "forest")
WHITE = np.ones(3, dtype=np.float32)
_HORIZON = {"top": 0.64, "center": 0.72, "bottom": 0.5}


@dataclass(frozen=True)
class _Scene:
    size: int
    zone: Zone
    horizon: float  # fraction of the height
    haze: np.ndarray  # sky colour at the horizon: far layers fade into it
    land: np.ndarray  # nearest, darkest ground colour
    calm: np.ndarray  # (size, 1) row weight of the type zone
    frame: Frame = FULL

    def box(self, x0: float, y0: float, x1: float, y1: float) -> motifs.Box:
        """A motif box: x in fractions of the frame's width, y already on the sheet."""
        return motifs.Box(self.frame.x(x0), y0, self.frame.x(x1), y1)


def _ground(plan: CoverPlan) -> str:
    for name, _ in motifs.pick(plan.motifs, "ground"):
        if name in GROUNDS:
            return name
    v, e = plan.mood.valence, plan.mood.energy
    if e < 0 and v < 0:
        return "sea"
    if v < 0:
        return "mountain"
    return "city" if e > 0.3 else "forest"


def _light_source(plan: CoverPlan) -> str:
    names = [n for n, _ in motifs.pick(plan.motifs, "object")]
    for name in ("sun", "moon", "night"):
        if name in names:
            return "moon" if name == "night" else name
    return "sun" if plan.mood.valence > 0.1 else "moon"


def _sky(colors: dict[str, np.ndarray], res: int, horizon: float,
         top_edge: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(res, 1, 3) vertical sky and the haze colour at the horizon."""
    bg = colors["background"]
    dark = luminance(bg) < 0.35
    top = shade(bg, 0.7) if dark else shade(bg, 0.97)
    middle = mix(bg, colors["secondary"], 0.3)
    haze = mix(mix(colors["accent"], colors["secondary"], 0.35), bg, 0.3 if dark else 0.5)
    ys, _ = coords(res, 1)
    t = np.clip((ys - top_edge) / (horizon - top_edge), 0.0, 1.0) ** 1.3
    return apply_ramp(t, ramp([top, middle, haze], [0.0, 0.55, 1.0])), haze


def _fill(page: np.ndarray, shape: Mask, color: np.ndarray, below: float) -> None:
    """Paint a ground silhouette and everything under its box down to ``below`` (px)."""
    paint(page, shape, color)
    bottom = shape.top + shape.alpha.shape[0] - 1  # the last row is only partly covered
    if bottom < below:
        page[bottom:int(np.ceil(below))] = color


def _layer_color(scene: _Scene, depth: float) -> np.ndarray:
    """depth 0 = nearest (land colour), 1 = the horizon (all haze)."""
    return mix(scene.land, scene.haze, 0.85 * depth**0.8)


def _mountains(page: np.ndarray, scene: _Scene, rng: np.random.Generator, layers: int,
               near: float | None = None) -> None:
    """``layers`` ridges from the horizon (palest) to ``near`` (darkest)."""
    size, h, fh = scene.size, scene.horizon, scene.frame.height
    if near is None:
        near = scene.zone.y0 if scene.zone.anchor == "bottom" else scene.frame.y(0.95)
    for k in range(layers):
        depth = 1.0 - k / max(layers - 1, 1)
        base = h + (near - h) * (k / max(layers - 1, 1)) ** 1.2 + 0.02 * fh
        peak = h - (0.16 * (0.55 + 0.45 * depth) + rng.uniform(-0.02, 0.02)) * fh
        shape = motifs.silhouette("mountain", size, rng, scene.box(-0.15, peak, 1.15, base))
        if shape is not None:
            _fill(page, shape.body, _layer_color(scene, depth), size)


def _sea(page: np.ndarray, scene: _Scene, rng: np.random.Generator) -> None:
    size, h, fh = scene.size, scene.horizon, scene.frame.height
    far = motifs.silhouette("mountain", size, rng, scene.box(0.3, h - 0.05 * fh, 1.2, h + 0.001))
    if far is not None:
        paint(page, far.body, _layer_color(scene, 0.85))
    water = motifs.silhouette("sea", size, rng, scene.box(0.0, h, 1.0, scene.frame.y1))
    if water is None:
        return
    # Water takes the sky's colour, darkened: bands differ by a few percent, not by ink.
    deep, crest = _layer_color(scene, 0.55), _layer_color(scene, 0.7)
    paint(page, water.body, deep)
    page[int(size * h) + water.body.alpha.shape[0]:] = deep
    crests = water.detail
    if scene.frame.moving and not crests.is_empty():
        # The swell: crests rise and fall a little, and shimmer as they do.
        lift = round(0.012 * scene.frame.short * size * scene.frame.wave(2, 0.1))
        crests = Mask(crests.alpha, max(0, crests.top + lift), crests.left).scaled(
            1.0 + 0.25 * scene.frame.wave(1, 0.3))
        crests = Mask(crests.alpha[:size - crests.top], crests.top, crests.left)
    paint(page, crests.quieted(scene.calm, 0.85), crest, 0.55)


def _city(page: np.ndarray, scene: _Scene, rng: np.random.Generator) -> None:
    size, h, fh = scene.size, scene.horizon, scene.frame.height
    far = motifs.silhouette("city", size, rng, scene.box(-0.05, h - 0.2 * fh, 1.05, h + 0.02 * fh))
    if far is not None:
        _fill(page, far.body, _layer_color(scene, 0.75), size)
    near = motifs.silhouette("city", size, rng,
                             scene.box(-0.05, h - 0.12 * fh, 1.05, h + 0.08 * fh))
    if near is not None:
        _fill(page, near.body, scene.land, size)
        windows = near.detail.quieted(scene.calm)
        if scene.frame.moving and not windows.is_empty():
            # Lights go off and on again along the street, each column in its own time.
            cols = np.arange(windows.alpha.shape[1], dtype=np.float32)
            turn = np.float32(0.6180339) * np.floor(cols / max(1.0, size * 0.01)) % 1.0
            dim = np.sin(2 * np.pi * (scene.frame.t + turn)) - np.sin(2 * np.pi * turn)
            windows = Mask(windows.alpha * (1.0 - 0.8 * np.clip(dim, 0.0, 1.0))[None, :],
                           windows.top, windows.left)
        paint(page, windows, mix(scene.haze, WHITE, 0.3))


def _road(page: np.ndarray, scene: _Scene, rng: np.random.Generator) -> None:
    size, h, fh = scene.size, scene.horizon, scene.frame.height
    _mountains(page, _Scene(size, scene.zone, h - 0.01 * fh, scene.haze,
                            _layer_color(scene, 0.45), scene.calm, scene.frame), rng, 2,
               near=h + 0.02 * fh)
    page[int(h * size):] = _layer_color(scene, 0.3)
    road = motifs.silhouette("road", size, rng, scene.box(0.15, h, 0.85, scene.frame.y1))
    if road is not None:
        paint(page, road.body, scene.land)
        paint(page, road.detail.quieted(scene.calm, 0.7), mix(scene.haze, WHITE, 0.3))


def _forest(page: np.ndarray, scene: _Scene, rng: np.random.Generator) -> None:
    size, h, fh = scene.size, scene.horizon, scene.frame.height
    far = motifs.silhouette("mountain", size, rng,
                            scene.box(-0.1, h - 0.12 * fh, 1.1, h + 0.02 * fh))
    if far is not None:
        _fill(page, far.body, _layer_color(scene, 0.85), size)
    tops = ((h - 0.1 * fh, h - 0.02 * fh) if scene.zone.anchor != "bottom"
            else (h - 0.06 * fh, h + 0.02 * fh))
    for depth, top, base in ((0.55, tops[0], h + 0.06 * fh), (0.0, tops[1], h + 0.2 * fh)):
        trees = motifs.silhouette("forest", size, rng, scene.box(-0.05, top, 1.05, base))
        if trees is not None:
            _fill(page, trees.body, _layer_color(scene, depth), size)


def _disc(page: np.ndarray, scene: _Scene, colors: dict[str, np.ndarray], which: str,
          rng: np.random.Generator) -> None:
    """The sun or moon: on a thirds column, low in the sky, with a soft halo."""
    size, h, frame = scene.size, scene.horizon, scene.frame
    fh = frame.height
    r = frame.r(0.075 if which == "moon" else 0.1)
    cx = frame.x(float(rng.choice([1 / 3, 2 / 3])) + rng.uniform(-0.04, 0.04))
    cy = h - (0.2 if which == "moon" else 0.07) * fh
    if scene.zone.anchor == "top":
        cy = max(cy, scene.zone.y1 + r + 0.04 * fh)
    if scene.zone.anchor == "center":
        cy = max(cy, scene.zone.y1 + r - 0.02 * fh) if which == "sun" else h - 0.02 * fh - r
    cy += 0.012 * frame.short * frame.wave(1, 0.25)  # in motion the disc hangs, breathing
    box = motifs.Box(cx - r, cy - r, cx + r, cy + r)
    shape = motifs.silhouette("moon", size, rng, box)
    if shape is None:
        return
    sky = page[int(np.clip(cy, 0, 0.99) * size), int(np.clip(cx, 0, 0.99) * size)]
    if luminance(sky) > 0.4:
        # A pale sky: the disc is printed in the accent, deepened in its own hue where it
        # would melt into the sky (another palette colour would make a dark, eclipsed disc).
        body = standing_off(colors["accent"], sky, 0.16)
        light(page, shape.glow, body, 0.2)
    elif which == "sun":
        body = mix(colors["accent"], WHITE, 0.35)
        halo = soften(shape.body, size, r * size * 1.6)
        light(page, halo, colors["accent"], 0.55 * (1.0 + 0.3 * frame.wave(1, 0.25)))
    else:
        body = mix(colors["ink"], colors["accent"], 0.15)
        light(page, shape.glow, body, 0.35)
    paint(page, shape.body, body)


def render(plan: CoverPlan, rng: np.random.Generator, size: int,
           frame: Frame = FULL) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor, frame=frame)
    horizon = frame.y(_HORIZON[zone.anchor] + rng.uniform(-0.02, 0.02))
    res = field_res(size)
    sky, haze = _sky(colors, res, horizon, frame.y0)
    page = np.empty((size, size, 3), dtype=np.float32)
    page[:] = resize(sky, size, 1)
    land = shade(mix(colors["background"], colors["primary"], 0.35),
                 0.45 if luminance(colors["background"]) < 0.35 else 0.35)
    scene = _Scene(size, zone, horizon, haze, land, zone.weight(size, feather=0.05), frame)

    _disc(page, scene, colors, _light_source(plan), rng)
    ground = _ground(plan)
    if ground == "mountain":
        _mountains(page, scene, rng, 4)
    elif ground == "sea":
        _sea(page, scene, rng)
    elif ground == "city":
        _city(page, scene, rng)
    elif ground == "road":
        _road(page, scene, rng)
    else:
        _forest(page, scene, rng)
    _weather(page, plan, colors, scene, rng)
    _film(page, colors)
    return np.clip(page, 0.0, 1.0, out=page)


def _weather(page: np.ndarray, plan: CoverPlan, colors: dict[str, np.ndarray], scene: _Scene,
             rng: np.random.Generator) -> None:
    for name, _ in motifs.pick(plan.motifs, "weather")[:1]:
        if scene.zone.anchor == "top":
            box = scene.box(0.0, scene.zone.y1, 1.0, scene.frame.y1)
        else:
            box = scene.box(0.0, scene.frame.y0, 1.0, scene.zone.y0)
        shape = motifs.silhouette(name, scene.size, rng, box)
        if shape is not None:
            shape = motifs.moving(shape, scene.frame.t)
            tone = mix(scene.haze, WHITE, 0.5)
            motifs.draw(page, shape, motifs.Ink(tone, tone, tone, 0.4))


def _film(page: np.ndarray, colors: dict[str, np.ndarray]) -> None:
    """Lifted, slightly tinted blacks and a vignette: the print, not the pixels."""
    size = page.shape[0]
    res = field_res(size)
    v = upscale(vignette(res, 0.28), size)
    tint = mix(colors["background"], colors["accent"], 0.3) * np.float32(0.05)
    for y in range(0, size, 128):  # strips keep the temporaries small
        rows = page[y:y + 128]
        rows *= v[y:y + 128, :, None] * np.float32(0.95)
        rows += tint
