"""Aurora / gradient mesh: soft colour fields from the palette, one luminous curtain of light.

The page is a calm sky gradient with two or three large, soft colour pools (a gradient
mesh), crossed by an aurora curtain: a sharp bright lower edge whose rays fade upward. The
curtain sits in the art area, on the far side from the type, so the type zone stays a quiet
gradient. An object motif (moon, sun, heart…) becomes the orb above the curtain; a ground
motif (mountains, forest, city) stands as a dark silhouette under it; stars, snow or rain
fall lightly over the art area only. All smooth fields are built at ≤512² and upscaled.
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
    lightness,
    luminance,
    mix,
    ramp,
    shade,
    smoothstep,
    standing_off,
    upscale,
    vignette,
)

DESCRIPTION = "Aurora / gradient mesh: soft flowing colour fields and one luminous curtain of light"

# Where the curtain's bright lower edge runs (fraction of the height), per type anchor.
_EDGE = {"top": 0.7, "bottom": 0.42, "center": 0.27}


def _sky(colors: dict[str, np.ndarray], zone: Zone, res: int, edge: float,
         frame: Frame) -> np.ndarray:
    """Vertical gradient, darkest far from the curtain, lifted toward it."""
    bg = colors["background"]
    dark = luminance(bg) < 0.3
    deep = shade(bg, 0.55 if dark else 0.92)
    lifted = mix(bg, colors["primary"], 0.35)
    ys, _ = coords(res)
    t = np.clip(1.0 - np.abs(ys - edge) / (0.75 * frame.height), 0.0, 1.0)
    table = ramp([deep, bg, lifted], [0.0, 0.55, 1.0])
    return np.broadcast_to(apply_ramp(t, table), (res, res, 3)).copy()


def _readable(c: np.ndarray, colors: dict[str, np.ndarray], gap: float) -> np.ndarray:
    """``c`` pulled toward the palette's ink until its OKLab lightness stands ``gap`` off
    the sky's.

    Fog, sepia and pastel palettes have no colour far from their background: without this
    the curtain and orb melt into mush and the page loses its focal point."""
    bg, ink = lightness(colors["background"]), colors["ink"]
    if abs(lightness(ink) - bg) <= gap:
        return c
    for t in (0.0, 0.15, 0.3, 0.45, 0.6, 0.75):
        out = mix(c, ink, t)
        if abs(lightness(out) - bg) >= gap:
            return out
    return mix(c, ink, 0.75)



def _pools(page: np.ndarray, colors: dict[str, np.ndarray], rng: np.random.Generator,
           edge: float, frame: Frame) -> None:
    """Two or three soft colour pools near the curtain: the gradient mesh."""
    res = page.shape[0]
    ys, xs = coords(res)
    pools = [(colors["primary"], 0.5, 0.55), (colors["secondary"], 0.38, 0.45),
             (colors["accent"], 0.16, 0.3)]
    for k, (color, radius, strength) in enumerate(pools):
        # In motion the pools drift round small loops, each at its own pace.
        cx = frame.x(rng.uniform(0.1, 0.9)) + 0.04 * frame.wave(1, k / 3)
        cy = edge + rng.uniform(-0.18, 0.12) * frame.height + 0.02 * frame.wave(1, k / 3 + 0.25)
        radius = frame.r(radius)
        d2 = ((xs - cx) ** 2 + (ys - cy) ** 2 * 1.6) / (radius * radius)
        w = (np.exp(-d2) * strength)[..., None]
        page += (color - page) * w


def _curtain(page: np.ndarray, colors: dict[str, np.ndarray], rng: np.random.Generator,
             edge: float, calm: np.ndarray, frame: Frame) -> None:
    """The aurora: a bright, wavy lower edge with vertical rays fading upward (screen).

    In motion the folds travel along the curtain (each wave a whole number of cycles per
    loop) and light ripples through the rays."""
    res = page.shape[0]
    ys, xs = coords(res)
    u = (xs - frame.x0) / frame.width  # across the window
    h = frame.height
    phase = rng.uniform(0, 2 * np.pi, 3)
    turn = np.float32(2 * np.pi * frame.t)
    line = (edge + 0.055 * h * np.sin(2 * np.pi * (0.65 * u) + phase[0] + turn)
            + 0.02 * h * np.sin(2 * np.pi * (1.7 * u) + phase[1] - 2 * turn)
            + 0.008 * h * np.sin(2 * np.pi * (4.3 * u) + phase[2] + 3 * turn))
    dy = ys - line
    below = np.exp(-((np.maximum(dy, 0.0) / (0.014 * h)) ** 2))
    above = np.exp(np.minimum(dy, 0.0) / (0.2 * h))
    # Rays: noise stretched tall, contrast pushed so the curtain shows its folds.
    # On a light sky the folds stay strong throughout: a ribbon of colour, not a haze.
    floor = 0.5 if luminance(colors["background"]) > 0.45 else 0.2
    rays = floor + (1.0 - floor) * smoothstep(0.25, 0.85, fbm(rng, res, cells=3.0, octaves=4,
                                                              stretch=(16.0, 1.0)))
    if frame.moving:
        ripple = np.sin(2 * np.pi * (frame.t + 2.0 * u)) - np.sin(2 * np.pi * 2.0 * u)
        rays = rays * (1.0 + 0.18 * ripple).astype(np.float32)
    lo = rng.uniform(-0.25, 0.15)  # the curtain thins out toward one side, never both
    reach = smoothstep(lo, lo + 0.5, u) * smoothstep(1.25 + lo, 0.75 + lo, u)
    intensity = (below * above * rays * (0.55 + 0.45 * reach) * (1.0 - calm))[..., None]
    edge_color = mix(colors["secondary"], colors["accent"], 0.35)
    crown = colors["primary"] if luminance(colors["primary"]) > 0.08 else colors["secondary"]
    if luminance(colors["background"]) > 0.45:
        # On a light sky the curtain is ink: the two colours standing out most from it.
        bg = luminance(colors["background"])
        edge_color, crown = sorted((colors["primary"], colors["secondary"], colors["accent"]),
                                   key=lambda c: -abs(luminance(c) - bg))[:2]
        edge_color, crown = _readable(edge_color, colors, 0.32), _readable(crown, colors, 0.16)
    height = np.clip(-dy / (0.22 * h), 0.0, 1.0)[..., None]
    light = edge_color + (crown - edge_color) * height
    if luminance(colors["background"]) > 0.45:
        # On a light sky light cannot add; the curtain is laid on as colour instead.
        page += (light - page) * np.minimum(intensity * 1.1, 1.0)
        return
    glow = light * np.minimum(intensity * 1.25, 1.0)
    page *= 1.0 - glow
    page += glow


def _orb(page: np.ndarray, colors: dict[str, np.ndarray], zone: Zone, edge: float,
         rng: np.random.Generator, frame: Frame) -> None:
    """A luminous gradient disc on a thirds column, with a soft edge and a glow around."""
    res = page.shape[0]
    ys, xs = coords(res)
    r = frame.r(0.17 if zone.anchor != "center" else 0.12)
    cx = frame.x(float(rng.choice([1 / 3, 2 / 3])) + rng.uniform(-0.03, 0.03))
    cy = edge - 0.1 * frame.height + 0.01 * frame.wave()  # the orb bobs gently
    if zone.anchor == "top":
        cy = max(cy, zone.y1 + r + 0.03)
    d = np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2)
    body = smoothstep(r, r - 0.012, d)[..., None]
    glow = (np.exp(-np.maximum(d - r, 0.0) / 0.07) * (1.0 - body[..., 0]) * 0.5)[..., None]
    core = max((colors["primary"], colors["secondary"]), key=lambda c: abs(
        luminance(c) - luminance(colors["background"])))
    # A flat gradient disc, light falling from the top: luminous, not a shaded ball.
    t = np.clip((ys - (cy - r)) / (2 * r), 0.0, 1.0) + 0.0 * xs
    shine = mix(colors["accent"], np.ones(3, dtype=np.float32), 0.25)
    if luminance(colors["background"]) > 0.45:
        # On a pale sky a white-lit disc melts away and a grey one reads as an eclipse: the
        # sun is the warm accent, deepened just enough to stand off the sky.
        core = standing_off(colors["accent"], colors["background"], 0.2)
        shine = mix(core, np.ones(3, dtype=np.float32), 0.2)
    fill = apply_ramp(t, ramp([shine, mix(shine, core, 0.5), core], [0.0, 0.45, 1.0]))
    page += (colors["accent"] - page) * glow * 0.6
    page += (fill - page) * body


def render(plan: CoverPlan, rng: np.random.Generator, size: int,
           frame: Frame = FULL) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor, frame=frame)
    res = field_res(size)
    edge = frame.y(_EDGE[zone.anchor] + rng.uniform(-0.03, 0.03))
    calm = np.broadcast_to(zone.weight(res, feather=0.08), (res, res)) * 0.92

    field = _sky(colors, zone, res, edge, frame)
    _pools(field, colors, rng, edge, frame)
    _curtain(field, colors, rng, edge, calm, frame)
    has_object = bool(motifs.pick(plan.motifs, "object"))
    wants_orb = luminance(colors["background"]) > 0.45 or rng.random() < 0.35
    if wants_orb and not has_object:
        _orb(field, colors, zone, edge, rng, frame)
    field *= vignette(res, 0.22)[..., None]
    page = upscale(field, size)

    _draw_motifs(page, plan, colors, zone, rng, edge, frame)
    return np.clip(page, 0.0, 1.0, out=page)


def _draw_motifs(page: np.ndarray, plan: CoverPlan, colors: dict[str, np.ndarray], zone: Zone,
                 rng: np.random.Generator, edge: float, frame: Frame) -> None:
    bottom, top, h = frame.y(1.0), frame.y0, frame.height
    for name, kind in motifs.pick(plan.motifs)[:2]:
        if name == "fire":
            # Fire burns on the ground: at the foot of the art area, not floating in the sky.
            foot = bottom if zone.anchor == "top" else zone.y0 - 0.02 * h
            box = motifs.Box(frame.x(0.25), foot - 0.3 * h, frame.x(0.75), foot)
        elif kind == "object":
            r = 0.11 if zone.anchor != "center" else 0.08
            cx = frame.x(float(rng.choice([0.3, 0.7])))
            cy = edge - (0.2 if zone.anchor != "center" else 0.13) * h
            if zone.anchor == "top":
                cy = max(cy, zone.y1 + frame.r(r) + 0.03 * h)
            box = motifs.object_box(frame, cx, cy, r)
        elif kind == "ground":
            if zone.anchor == "bottom":
                continue  # the type sits there; the curtain alone carries the page
            box = motifs.Box(frame.x0, max(edge + 0.04 * h, frame.y(0.72)), frame.x1, bottom)
        else:
            y0, y1 = ((zone.y1 + 0.02 * h, bottom) if zone.anchor == "top"
                      else (top, zone.y0 - 0.02 * h))
            box = motifs.Box(frame.x0, y0, frame.x1, y1)
        motifs.place(page, name, kind, box, rng, colors, frame.t)
