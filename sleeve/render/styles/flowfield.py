"""Flow field: thousands of streamlines combed by a smooth noise field around one dark eye.

A low-resolution fBm angle field steers particles, integrated together in numpy; near the
focal point the field turns tangential, so the lines swirl around an empty disc ringed in the
accent colour: the one thing the eye lands on. Lines thin out towards the type zone, which is
left almost bare. Drawn with Pillow at full resolution, then softened by a fraction of a
pixel so the strokes read as ink, not as jagged pixels.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from sleeve.core.plan import CoverPlan
from sleeve.render.frame import FULL, Frame
from sleeve.render.page import Zone, independent, palette_rgb, paper_field, type_zone
from sleeve.render.raster import fbm
from sleeve.render.shapes import fill, ring

DESCRIPTION = "Flow-field streamlines swirling around a focal void; techno and electronic"
# A third of the usual grain: the streamlines are texture enough, grain on them does not show
# at any viewing size, and full grain over thousands of soft-edged lines made a 3000² PNG
# ~11.7 MB (the lines alone take ~8 MB).
GRAIN = 0.01

_FIELD_RES = 96
_LINES = 2200
_STEPS = 70
_MIN_DRAW = 1024  # smallest canvas the lines are drawn on (then reduced to the page)


def _sample(field: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Bilinear lookup of a (g, g) field at positions given in [0, 1] page units."""
    g = field.shape[0] - 1
    fx = np.clip(x, 0.0, 1.0) * g
    fy = np.clip(y, 0.0, 1.0) * g
    x0 = np.minimum(fx.astype(np.int32), g - 1)
    y0 = np.minimum(fy.astype(np.int32), g - 1)
    tx, ty = fx - x0, fy - y0
    top = field[y0, x0] * (1 - tx) + field[y0, x0 + 1] * tx
    bottom = field[y0 + 1, x0] * (1 - tx) + field[y0 + 1, x0 + 1] * tx
    result: np.ndarray = top * (1 - ty) + bottom * ty
    return result


def _focal_point(zone: Zone, rng: np.random.Generator, frame: Frame) -> tuple[float, float]:
    cx = frame.x(float(rng.choice([0.36, 0.64])))
    if zone.anchor == "top":
        return cx, frame.y(0.64)
    if zone.anchor == "bottom":
        return cx, frame.y(0.36)
    return cx, frame.y(0.2 if rng.random() < 0.5 else 0.8)


def _streamlines(rng: np.random.Generator, zone: Zone, focal: tuple[float, float],
                 radius: float, t: float = 0.0) -> np.ndarray:
    """(steps, lines, 2) positions in page units, integrated through the steered field.

    In motion the field turns a little to and fro, and the lines flow with it."""
    angle = fbm(rng, _FIELD_RES, cells=2.0, octaves=3) * np.float32(2.2 * np.pi)
    if t:
        ys, xs = np.mgrid[0:_FIELD_RES, 0:_FIELD_RES].astype(np.float32) / _FIELD_RES
        lap = 2 * np.pi * (xs + 0.5 * ys)
        angle = angle + (0.45 * (np.sin(lap + 2 * np.pi * t) - np.sin(lap))).astype(np.float32)
    # Seeds avoid the type zone, so the lines that reach it are only passing through.
    xs = rng.random(_LINES * 2).astype(np.float32) * 1.2 - 0.1
    ys = rng.random(_LINES * 2).astype(np.float32) * 1.2 - 0.1
    outside = (ys < zone.y0 - 0.04) | (ys > zone.y1 + 0.04)
    keep = np.flatnonzero(outside | (rng.random(_LINES * 2) < 0.08))[:_LINES]
    x, y = xs[keep], ys[keep]
    step = np.float32(0.0042)
    fx, fy = focal
    path = np.empty((_STEPS, x.size, 2), dtype=np.float32)
    for k in range(_STEPS):
        path[k, :, 0], path[k, :, 1] = x, y
        a = _sample(angle, x, y)
        dx, dy = x - fx, y - fy
        dist = np.sqrt(dx * dx + dy * dy) + 1e-6
        # Near the eye the flow turns tangential (a vortex) and pushes outward off the void.
        swirl = np.exp(-((dist / (radius * 2.4)) ** 2))
        tx, ty = -dy / dist, dx / dist
        push = np.clip((radius * 1.15 - dist) / radius, 0, 1) * 2.0
        vx = np.cos(a) * (1 - swirl) + tx * swirl + dx / dist * push
        vy = np.sin(a) * (1 - swirl) + ty * swirl + dy / dist * push
        norm = np.sqrt(vx * vx + vy * vy) + 1e-6
        x = x + step * vx / norm
        y = y + step * vy / norm
    return path


def render(plan: CoverPlan, rng: np.random.Generator, size: int,
           frame: Frame = FULL) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor, frame=frame)
    texture_rng = independent(rng)
    focal = _focal_point(zone, rng, frame)
    radius = frame.r(0.11)
    path = _streamlines(rng, zone, focal, radius, frame.t)
    group = np.asarray(rng.choice(3, size=path.shape[1], p=[0.62, 0.32, 0.06]))

    # One RGBA drawing holds both: colour opaque (the last line over a pixel wins, as with
    # ink) and coverage in alpha, which alone gets the anti-aliasing blur, the void and the
    # calm type zone. One draw, one blur and one blend, whatever the number of colours.
    # Pillow draws whole-pixel widths, so small pages are drawn larger and reduced: a line is
    # then the same fraction of the page at every size.
    scale = -(-_MIN_DRAW // size)
    px = size * scale
    opacity = (217, 204, 255)
    fills = [(*(round(float(v) * 255) for v in colors[n]), a)
             for n, a in zip(("primary", "secondary", "accent"), opacity, strict=True)]
    # Transparent pixels carry the main line colour, so reducing does not fringe in black.
    ink = Image.new("RGBA", (px, px), (*fills[0][:3], 0))
    draw = ImageDraw.Draw(ink)
    pixels = path * np.float32(px)
    width = max(1, round(px * frame.short / 640))
    for line in range(path.shape[1]):
        draw.line(pixels[:, line, :].ravel().tolist(), fill=fills[int(group[line])], width=width)
    cx, cy, r = focal[0] * px, focal[1] * px, radius * px
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*fills[0][:3], 0))
    if scale > 1:
        ink = ink.reduce(scale)
    else:
        # Full-size drawings get a sub-pixel blur instead: ink, not jagged pixels.
        blurred = ink.getchannel("A").filter(ImageFilter.GaussianBlur(max(0.4, size / 2400)))
        ink.putalpha(blurred)
    cx, cy, r = focal[0] * size, focal[1] * size, radius * size
    ring_w = size * frame.short / 300
    alpha = np.asarray(ink.getchannel("A"), dtype=np.float32)
    alpha *= (1.0 - 0.92 * zone.weight(size, feather=0.08)) / np.float32(255.0)
    out = paper_field(colors["background"], texture_rng, size, strength=0.012)
    lines = np.asarray(ink.convert("RGB"), dtype=np.float32)
    lines *= np.float32(1 / 255)
    lines -= out
    lines *= alpha[..., None]
    out += lines
    # The void's rim: one clean accent ring where the swirl is tightest.
    fill(out, ring(cx, cy, r, ring_w), colors["accent"])
    return np.clip(out, 0.0, 1.0, out=out)
