"""Minimal: one bold form on a quiet textured field, and a great deal of empty space.

For typographic covers. The field is the background colour as uncoated stock with a faint
fall of light across it. The form — the plan's object motif drawn large, or else a disc, an
arch or a sun rising from a rule — sits on a thirds line in the art area, in whichever of
primary/secondary stands out more. One small accent mark (a dot or a short rule) answers it
across the page. Nothing else: the type zone is pure field.
"""

from __future__ import annotations

import numpy as np

from sleeve.core.plan import CoverPlan
from sleeve.render import motifs
from sleeve.render.frame import FULL, Frame
from sleeve.render.page import Zone, focal_pair, palette_rgb, paper_field, type_zone
from sleeve.render.raster import (
    Mask,
    Pen,
    coords,
    disc,
    field_res,
    luminance,
    paint,
    upscale,
)

DESCRIPTION = "Minimal: one bold form (disc, arch or motif) on a textured field, lots of air"

# Centre of the form (page fractions) and its radius, by type anchor.
_PLACE = {"top": (0.64, 0.2), "bottom": (0.36, 0.2), "center": (0.84, 0.2)}


def _light_fall(size: int, rng: np.random.Generator, frame: Frame) -> np.ndarray:
    """(size, size) multiplier ±3%: light falling across the sheet from one side (in motion
    the light walks once round the sheet)."""
    res = field_res(size) // 4
    ys, xs = coords(res)
    angle = rng.uniform(0, 2 * np.pi) + 2 * np.pi * frame.t
    t = (xs - 0.5) * np.cos(angle) + (ys - 0.5) * np.sin(angle)
    return upscale((1.0 + 0.06 * t).astype(np.float32), size)


def _arch(size: int, cx: float, cy: float, r: float) -> Mask:
    pen = Pen(size, (cx - r, cy - r * 1.2, cx + r, cy + r * 1.4))
    t = np.linspace(np.pi, 2 * np.pi, 96)
    top = list(zip((cx + r * 0.8 * np.cos(t)).tolist(),
                   (cy - r * 0.2 + r * 0.8 * np.sin(t)).tolist(), strict=True))
    pen.polygon([(cx - r * 0.8, cy + r * 1.35), *top, (cx + r * 0.8, cy + r * 1.35)])
    return pen.mask()


def _rising(size: int, cx: float, cy: float, r: float) -> Mask:
    """A disc cut by a horizontal rule: a sun on the horizon."""
    body = disc(size, cx, cy, r)
    rows = np.arange(body.top, body.top + body.alpha.shape[0], dtype=np.float32) + 0.5
    cut = np.clip(cy + r * 0.25 - rows + 0.5, 0.0, 1.0)[:, None]
    return Mask((body.alpha * cut).astype(np.float32), body.top, body.left)


def _form(plan: CoverPlan, size: int, cx: float, cy: float, r: float,
          rng: np.random.Generator) -> motifs.Silhouette:
    """The object motif large if the plan has one, else a disc, an arch or a rising sun."""
    for name, _ in motifs.pick(plan.motifs, "object"):
        box = motifs.Box((cx - r) / size, (cy - r) / size, (cx + r) / size, (cy + r) / size)
        shape = motifs.silhouette(name, size, rng, box)
        if shape is not None:
            return shape
    kind = str(rng.choice(["disc", "arch", "rising"]))
    body = {"arch": _arch, "rising": _rising, "disc": disc}[kind](size, cx, cy, r)
    return motifs.Silhouette(kind, "object", False, body)


def _accent(page: np.ndarray, zone: Zone, cx: float, cy: float, r: float,
            color: np.ndarray, rng: np.random.Generator, frame: Frame) -> None:
    """One small mark across from the form: a dot or a short rule."""
    size = page.shape[0]
    side = -1.0 if cx > frame.x(0.5) * size else 1.0
    x = cx + side * r * rng.uniform(1.5, 1.9)
    x = float(np.clip(x, frame.x(0.1) * size, frame.x(0.9) * size))
    unit = frame.short * size
    if rng.random() < 0.5:
        y = cy + r * rng.uniform(-0.9, 0.9)
        paint(page, disc(size, x, y, unit * 0.016), color)
    else:
        y = cy + r * 1.05
        pen = Pen(size, (x - unit * 0.08, y - unit * 0.01, x + unit * 0.08, y + unit * 0.01))
        pen.rect(x - unit * 0.07, y - unit * 0.003, x + unit * 0.07, y + unit * 0.003)
        paint(page, pen.mask(), color)


def render(plan: CoverPlan, rng: np.random.Generator, size: int,
           frame: Frame = FULL) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor, frame=frame)
    page = paper_field(colors["background"], rng, size, 0.018)
    page *= _light_fall(size, rng, frame)[..., None]
    fy, fr = _PLACE[zone.anchor]
    fx = float(rng.choice([0.5, 1 / 3, 2 / 3]))
    cx, cy = frame.x(fx) * size, frame.y(fy + rng.uniform(-0.02, 0.02)) * size
    r = frame.r(fr) * size
    cy += 0.025 * frame.short * size * frame.wave(1, 0.1)  # in motion the form floats, slowly
    focal, support = focal_pair(colors)
    form = _form(plan, size, cx, cy, r, rng)
    # Light sources (neon, moon, fire) keep a faint glow; everything else is flat ink.
    motifs.draw(page, form, motifs.Ink(focal, support, focal, 0.35))
    accent = colors["accent"]
    if abs(luminance(accent) - luminance(colors["background"])) < 0.08:
        accent = support
    _accent(page, zone, cx, cy, r, accent, rng, frame)
    return np.clip(page, 0.0, 1.0, out=page)
