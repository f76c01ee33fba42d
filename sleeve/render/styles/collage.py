"""Torn-paper collage: a few big pieces of coloured stock, a photocopied halftone block and one
scissor-cut motif on top, each casting a soft shadow.

Piece edges are rotated rectangles whose distance field is displaced by two noises (a slow
wander and a fine fibrous jitter), so every edge tears differently; a pale rim shows the white
core of the paper on the torn side. The cut-out focal form keeps crisp scissor edges. The type
zone is bare paper.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from sleeve.core.plan import CoverPlan
from sleeve.render.halftone import screen
from sleeve.render.page import Zone, independent, palette_rgb, paper_field, type_zone
from sleeve.render.raster import fbm, luminance, upscale
from sleeve.render.shapes import Shape, circle, mask, rotated_rect

DESCRIPTION = "Torn-paper collage: paper pieces with torn edges, a halftone block, a cut-out motif"

_WHITE = np.asarray([0.96, 0.95, 0.92], dtype=np.float32)


@dataclass(frozen=True)
class _Box:
    """The art area in pixels (the page minus the type zone)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def at(self, u: float, v: float) -> tuple[float, float]:
        return self.x0 + u * (self.x1 - self.x0), self.y0 + v * (self.y1 - self.y0)

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.y1 - self.y0


def _art_box(zone: Zone, size: int) -> _Box:
    if zone.anchor == "top":
        return _Box(0, zone.y1 * size, size, size)
    if zone.anchor == "bottom":
        return _Box(0, 0, size, zone.y0 * size)
    return _Box(0, 0, size, size)


def _tear_field(rng: np.random.Generator, size: int) -> np.ndarray:
    """Edge displacement in pixels: a slow wander plus fine fibre jitter."""
    wander = (upscale(fbm(rng, 96, cells=6.0, octaves=3), size) - 0.5) * (size * 0.012)
    fibre = upscale(rng.random((size // 5 + 2, size // 5 + 2), dtype=np.float32) - 0.5, size)
    return wander + fibre * (size * 0.004)


def _torn(shape: Shape, tear: np.ndarray, rim: bool = False) -> Shape:
    """``shape`` with torn edges; ``rim`` gives the inner edge of the pale torn rim instead."""
    size = tear.shape[0]
    rim_width = np.float32(size * 0.006)

    def distance(y: np.ndarray, x: np.ndarray) -> np.ndarray:
        yi = np.clip(y.astype(np.int32), 0, size - 1)
        xi = np.clip(x.astype(np.int32), 0, size - 1)
        t = tear[yi, xi]
        result: np.ndarray = shape.distance(y, x) + t
        if rim:
            # The white core shows only where the tear bit into the sheet.
            result += np.clip(t, 0.0, rim_width) * 1.4
        return result

    x0, y0, x1, y1 = shape.bbox
    pad = size * 0.02
    return Shape(distance, (x0 - pad, y0 - pad, x1 + pad, y1 + pad))


def _shadow(alpha: np.ndarray, size: int) -> np.ndarray:
    """A soft, offset shadow of a full-page mask, blurred on a quarter-size copy."""
    small = max(64, size // 4)
    image = Image.fromarray((alpha * 255).astype(np.uint8), "L").resize((small, small),
                                                                         Image.Resampling.BOX)
    image = image.filter(ImageFilter.GaussianBlur(small * 0.008))
    dx, dy = round(small * 0.004), round(small * 0.007)
    shifted = Image.new("L", (small, small), 0)
    shifted.paste(image, (dx, dy))
    return np.asarray(shifted.resize((size, size), Image.Resampling.BILINEAR),
                      dtype=np.float32) / 255.0


def _lay(out: np.ndarray, alpha: np.ndarray, color: np.ndarray,
         shadow_strength: float = 0.35) -> None:
    """Lay one piece: its shadow darkens what is under it, then the piece covers it."""
    size = out.shape[0]
    shade = 1.0 - shadow_strength * _shadow(alpha, size)
    out *= shade[..., None]
    out += (color - out) * alpha[..., None]


def _lay_torn(out: np.ndarray, shape: Shape, tear: np.ndarray, color: np.ndarray,
              calm: np.ndarray, shadow_strength: float = 0.35) -> None:
    """A torn piece: shadow, pale fibrous rim, then the coloured face inside the rim."""
    size = out.shape[0]
    outer = mask(_torn(shape, tear), size) * calm
    face = mask(_torn(shape, tear, rim=True), size) * calm
    _lay(out, outer, _WHITE, shadow_strength)
    out += (color - out) * face[..., None]


def _focal(motifs: list[str], cx: float, cy: float, r: float) -> Shape:
    disc = circle(cx, cy, r)
    if "moon" in motifs:
        return disc - circle(cx + r * 0.45, cy - r * 0.2, r * 0.85)
    return disc


def render(plan: CoverPlan, rng: np.random.Generator, size: int) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor)
    texture_rng = independent(rng)
    tear = _tear_field(independent(rng), size)
    box = _art_box(zone, size)
    flip = bool(rng.random() < 0.5)

    def u(value: float) -> float:
        return 1.0 - value if flip else value

    out = paper_field(colors["background"], texture_rng, size, strength=0.02)
    calm = (np.ones((size, 1), np.float32) if zone.anchor == "center"
            else 1.0 - zone.weight(size, feather=0.015))
    tilt = np.deg2rad(rng.uniform(2.0, 5.0, size=3)) * np.asarray([1, -1, 1])

    # 1. The big ground piece in the secondary colour.
    cx, cy = box.at(u(0.4), 0.45)
    big = rotated_rect(cx, cy, box.w * 0.36, box.h * 0.36, float(tilt[0]))
    _lay_torn(out, big, tear, colors["secondary"], calm)

    # 2. A photocopied halftone block on pale paper, overlapping the first piece.
    bx, by = box.at(u(0.7), 0.55)
    block = rotated_rect(bx, by, box.w * 0.24, box.h * 0.33, float(tilt[1]))
    paper = colors["ink"] if luminance(colors["ink"]) > 0.45 else _WHITE
    dark = colors["background"] if luminance(colors["background"]) < 0.1 else colors["primary"]
    ys = np.arange(size, dtype=np.float32)[:, None]
    xs = np.arange(size, dtype=np.float32)[None, :]
    tone = np.clip(1.0 - np.sqrt((xs - bx) ** 2 + (ys - by - box.h * 0.15) ** 2)
                   / (box.h * 0.55), 0.0, 1.0) * 0.85 + 0.05
    dots = screen(np.broadcast_to(tone, (size, size)), size / 120.0, 45.0)
    block_color = paper[None, None, :] + (dark - paper)[None, None, :] * dots[..., None]
    _lay(out, mask(_torn(block, tear), size) * calm, block_color)

    # A light focal form on pale photocopy paper would vanish: then the accent takes the
    # focal role and the primary becomes the small strip.
    focal_name, strip_name = "primary", "accent"
    if float(np.abs(colors["primary"] - paper).sum()) < 0.3:
        focal_name, strip_name = "accent", "primary"

    # 3. A narrow torn strip, like tape across a corner.
    sx, sy = box.at(u(0.18), 0.16)
    strip = rotated_rect(sx, sy, box.w * 0.03, box.h * 0.2, float(tilt[2]) + 0.9)
    _lay_torn(out, strip, tear, colors[strip_name], calm, shadow_strength=0.25)

    # 4. The scissor-cut motif: the focal point, with crisp edges.
    fx, fy = box.at(u(0.5), 0.5)
    radius = min(box.w, box.h) * 0.26
    focal_alpha = mask(_focal(plan.motifs, fx, fy, radius), size) * calm
    _lay(out, focal_alpha, colors[focal_name], shadow_strength=0.45)

    if zone.anchor == "center":
        # The title gets its own torn label of calm paper laid across the middle.
        label = rotated_rect(size / 2, (zone.y0 + zone.y1) / 2 * size, size * 0.62,
                             (zone.y1 - zone.y0) * size * 0.42, float(tilt[0]) * 0.3)
        _lay_torn(out, label, tear, _label_color(colors), np.ones((size, 1), np.float32), 0.4)
    return np.clip(out, 0.0, 1.0)


def _label_color(colors: dict[str, np.ndarray]) -> np.ndarray:
    """Plain paper that the preferred text colour reads well on."""
    if luminance(colors["ink"]) > 0.2:
        return colors["background"] if luminance(colors["background"]) < 0.07 else colors["primary"]
    return colors["background"] if luminance(colors["background"]) > 0.32 else _WHITE
