"""Aurora / gradient mesh: soft colour fields from the palette, one luminous curtain of light.

The page is a calm sky gradient with two or three large, soft colour pools (a gradient
mesh), crossed by an aurora curtain: a sharp bright lower edge whose rays fade upward. The
curtain sits in the art area, on the far side from the type, so the type zone stays a quiet
gradient. An object motif (moon, sun, heart…) becomes the orb above the curtain; a ground
motif (mountains, forest, city) stands as a dark silhouette under it; stars, snow or rain
fall lightly over the art area only. All smooth fields are built at ≤512² and upscaled.

On a pale palette (a page lighter than its ink) the page is paper and the aurora glows in a
window of night cut into it (an arch beside a top or bottom title; with a centred title, a
wide window above it and its reflection in a still lake below), painted in the palette's
own colours made luminous.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from sleeve.core.plan import CoverPlan
from sleeve.render import motifs
from sleeve.render.frame import FULL, Frame
from sleeve.render.page import Zone, independent, palette_rgb, paper_field, type_zone
from sleeve.render.raster import (
    Mask,
    apply_ramp,
    coords,
    fbm,
    field_res,
    from_oklab,
    luminance,
    mix,
    paint_layer,
    ramp,
    shade,
    smoothstep,
    to_oklab,
    upscale,
    vignette,
)
from sleeve.render.shapes import circle, coverage, rect, rounded_rect

DESCRIPTION = "Aurora / gradient mesh: soft flowing colour fields and one luminous curtain of light"

# Where the curtain's bright lower edge runs (fraction of the height), per type anchor.
_EDGE = {"top": 0.7, "bottom": 0.42, "center": 0.27}


def _sky(colors: dict[str, np.ndarray], res: int, edge: float, frame: Frame) -> np.ndarray:
    """Vertical gradient, darkest far from the curtain, lifted toward it."""
    bg = colors["background"]
    dark = luminance(bg) < 0.3
    deep = shade(bg, 0.55 if dark else 0.92)
    lifted = mix(bg, colors["primary"], 0.35)
    ys, _ = coords(res)
    t = np.clip(1.0 - np.abs(ys - edge) / (0.75 * frame.height), 0.0, 1.0)
    table = ramp([deep, bg, lifted], [0.0, 0.55, 1.0])
    return np.broadcast_to(apply_ramp(t, table), (res, res, 3)).copy()


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
    rays = 0.2 + 0.8 * smoothstep(0.25, 0.85, fbm(rng, res, cells=3.0, octaves=4,
                                                  stretch=(16.0, 1.0)))
    if frame.moving:
        ripple = np.sin(2 * np.pi * (frame.t + 2.0 * u)) - np.sin(2 * np.pi * 2.0 * u)
        rays = rays * (1.0 + 0.18 * ripple).astype(np.float32)
    lo = rng.uniform(-0.25, 0.15)  # the curtain thins out toward one side, never both
    reach = smoothstep(lo, lo + 0.5, u) * smoothstep(1.25 + lo, 0.75 + lo, u)
    intensity = (below * above * rays * (0.55 + 0.45 * reach) * (1.0 - calm))[..., None]
    edge_color = mix(colors["secondary"], colors["accent"], 0.35)
    crown = colors["primary"] if luminance(colors["primary"]) > 0.08 else colors["secondary"]
    height = np.clip(-dy / (0.22 * h), 0.0, 1.0)[..., None]
    light = edge_color + (crown - edge_color) * height
    glow = light * np.minimum(intensity * 1.25, 1.0)
    page *= 1.0 - glow
    page += glow


def _orb(page: np.ndarray, colors: dict[str, np.ndarray], edge: float, radius: float,
         floor: float, rng: np.random.Generator, frame: Frame) -> None:
    """A luminous gradient disc of ``radius`` (a square page's fraction) on a thirds column,
    its centre no higher than ``floor``, with a soft edge and a glow around."""
    res = page.shape[0]
    ys, xs = coords(res)
    r = frame.r(radius)
    cx = frame.x(float(rng.choice([1 / 3, 2 / 3])) + rng.uniform(-0.03, 0.03))
    cy = edge - 0.1 * frame.height + 0.01 * frame.wave()  # the orb bobs gently
    cy = max(cy, floor + r)
    d = np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2)
    body = smoothstep(r, r - 0.012, d)[..., None]
    glow = (np.exp(-np.maximum(d - r, 0.0) / 0.07) * (1.0 - body[..., 0]) * 0.5)[..., None]
    core = max((colors["primary"], colors["secondary"]), key=lambda c: abs(
        luminance(c) - luminance(colors["background"])))
    # A flat gradient disc, light falling from the top: luminous, not a shaded ball.
    t = np.clip((ys - (cy - r)) / (2 * r), 0.0, 1.0) + 0.0 * xs
    shine = mix(colors["accent"], np.ones(3, dtype=np.float32), 0.25)
    fill = apply_ramp(t, ramp([shine, mix(shine, core, 0.5), core], [0.0, 0.45, 1.0]))
    page += (colors["accent"] - page) * glow * 0.6
    page += (fill - page) * body


def render(plan: CoverPlan, rng: np.random.Generator, size: int,
           frame: Frame = FULL) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor, frame=frame)
    if _is_pale(colors):
        return _night_window(plan, colors, zone, rng, size, frame)
    res = field_res(size)
    edge = frame.y(_EDGE[zone.anchor] + rng.uniform(-0.03, 0.03))
    calm = np.broadcast_to(zone.weight(res, feather=0.08), (res, res)) * 0.92

    field = _sky(colors, res, edge, frame)
    _pools(field, colors, rng, edge, frame)
    _curtain(field, colors, rng, edge, calm, frame)
    if rng.random() < 0.35 and not motifs.pick(plan.motifs, "object"):
        radius = 0.17 if zone.anchor != "center" else 0.12
        _orb(field, colors, edge, radius, zone.y1 + 0.03 if zone.anchor == "top" else 0.0,
             rng, frame)
    field *= vignette(res, 0.22)[..., None]
    page = upscale(field, size)

    _draw_motifs(page, plan, colors, zone, rng, edge, frame)
    return np.clip(page, 0.0, 1.0, out=page)


def _is_pale(colors: dict[str, np.ndarray]) -> bool:
    """A light page under dark ink (pastel, fog, paper, mustard): light cannot glow on it."""
    return luminance(colors["background"]) > max(luminance(colors["ink"]), 0.2)


# --- pale palettes: a window of night on the paper ---------------------------------------
#
# Light cannot add to a pale sky: laid on as colour, a curtain there reads as a soft hill.
# So on a pale palette the paper stays paper (the type's calm ground) and the aurora glows
# in a window of night cut into it: one dark, hard-edged form on a light page, which is
# the figure/ground structure the thumbnail and squint tests ask for.


def _night_colors(colors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The palette as light in a night sky: a deep ground from the ink (tinted toward the
    primary) and the other colours made luminous, so the curtain glows in the palette's
    own hues."""
    night = shade(mix(colors["ink"], colors["primary"], 0.2), 0.6)
    return {
        "background": night,
        "primary": _luminous(colors["primary"], 0.78),
        "secondary": _luminous(colors["secondary"], 0.88),
        "accent": _luminous(colors["accent"], 0.82),
        "ink": colors["background"],
    }


def _luminous(c: np.ndarray, floor: float) -> np.ndarray:
    """``c`` with its OKLab lightness at least ``floor`` and its chroma lifted: light."""
    lab = to_oklab(np.asarray(c, dtype=np.float32))
    lab[0] = max(float(lab[0]), floor)
    lab[1:] *= 2.0
    return np.clip(from_oklab(lab), 0.0, 1.0).astype(np.float32)


def _window_frames(zone: Zone, frame: Frame) -> tuple[Frame, Frame | None]:
    """(the window, its reflection or None), as frames on the sheet. Beside a top or bottom
    title the window is one tall arch in the art area; a centred title sits between a wide
    window above and its reflection below, as on a still lake."""
    t = frame.t
    if zone.anchor == "center":
        above = Frame(frame.x(0.09), frame.y(0.075), frame.x(0.91), frame.y(0.315), t)
        below = Frame(above.x0, frame.y(0.685), above.x1, frame.y(0.925), t)
        return above, below
    half = 0.5 * min(0.58, 0.58 * frame.height / frame.width)
    y0, y1 = (0.08, 0.6) if zone.anchor == "bottom" else (0.4, 0.92)
    return Frame(frame.x(0.5 - half), frame.y(y0), frame.x(0.5 + half), frame.y(y1), t), None


def _window_shape(window: Frame, size: int, arch: bool) -> Mask:
    x0, y0, x1, y1 = (v * size for v in (window.x0, window.y0, window.x1, window.y1))
    if arch:
        r = (x1 - x0) / 2
        dome = circle((x0 + x1) / 2, y0 + r, r) & rect(x0, y0, x1, y0 + r)
        shape = dome | rect(x0, y0 + r, x1, y1)
    else:
        shape = rounded_rect(x0, y0, x1, y1, 0.03 * size)
    return coverage(shape, size)


def _night_window(plan: CoverPlan, colors: dict[str, np.ndarray], zone: Zone,
                  rng: np.random.Generator, size: int, frame: Frame) -> np.ndarray:
    night = _night_colors(colors)
    window, reflection = _window_frames(zone, frame)
    res = field_res(size)
    edge = window.y(0.66 + rng.uniform(-0.04, 0.04))
    calm = np.zeros((res, res), dtype=np.float32)
    field = _sky(night, res, edge, window)
    _pools(field, night, rng, edge, window)
    _curtain(field, night, rng, edge, calm, window)
    if not motifs.pick(plan.motifs, "object"):
        _orb(field, night, edge, 0.09 if reflection else 0.12, window.y0 + 0.02, rng, window)
    # Only the window's rectangle of the sky is brought to page size (a third of the page).
    page = paper_field(colors["background"], independent(rng), size, strength=0.018)
    sky = page.copy()
    rows, cols = _around(window, size)
    sky[rows, cols] = _upscaled(field, size, rows, cols)
    _window_motifs(sky, plan, night, rng, edge, window, reflection is None)
    paint_layer(page, _window_shape(window, size, reflection is None), sky)
    if reflection is not None:
        # The lake: the sky mirrored about the page's middle, darker, crossed by ripples.
        lake, _ = _around(reflection, size)
        ys = (np.arange(lake.start, lake.stop, dtype=np.float32) + 0.5) / size
        ripple = 0.5 + 0.5 * np.cos(2 * np.pi * (ys - reflection.y0) / (0.018 + 0.02 * ys))
        dim = (0.62 - 0.14 * smoothstep(0.6, 0.95, ripple))[:, None, None]
        sky[lake, cols] = sky[size - lake.stop:size - lake.start, cols][::-1] * dim
        paint_layer(page, _window_shape(reflection, size, False), sky)
    return np.clip(page, 0.0, 1.0, out=page)


def _around(window: Frame, size: int) -> tuple[slice, slice]:
    """Page rows and columns holding ``window``, with a pixel to spare on each side."""
    rows, cols = window.pixels(size)
    return (slice(max(0, rows.start - 2), min(size, rows.stop + 2)),
            slice(max(0, cols.start - 2), min(size, cols.stop + 2)))


def _upscaled(field: np.ndarray, size: int, rows: slice, cols: slice) -> np.ndarray:
    """The part ``rows`` × ``cols`` of ``upscale(field, size)``, computed for that part only."""
    k = field.shape[0] / size
    box = (cols.start * k, rows.start * k, cols.stop * k, rows.stop * k)
    h, w = rows.stop - rows.start, cols.stop - cols.start
    out = np.empty((h, w, 3), dtype=np.float32)
    for c in range(3):
        channel = Image.fromarray(np.ascontiguousarray(field[..., c]), mode="F")
        out[..., c] = np.asarray(channel.resize((w, h), Image.Resampling.BILINEAR, box=box))
    return out


def _window_motifs(sky: np.ndarray, plan: CoverPlan, night: dict[str, np.ndarray],
                   rng: np.random.Generator, edge: float, window: Frame, ground: bool) -> None:
    """The song's motifs inside the window, drawn on the night sky before it is cut out so
    nothing crosses the window's edge: an object hangs above the curtain, a ground motif
    stands dark at the window's foot, weather falls over the whole window."""
    h = window.height
    objects = 0
    for name, kind in motifs.pick(plan.motifs)[:2]:
        if kind == "object" and name != "fire":
            objects += 1
            if objects > 1:
                continue  # one focal point: a sun beside a flower is two ideas in one window
            r = 0.1 if ground else 0.075
            cy = max(edge - 0.34 * h, window.y0 + window.r(r) + 0.04 * h)
            box = motifs.object_box(window, window.x(float(rng.choice([0.32, 0.68]))), cy, r)
        elif kind == "ground" or name == "fire":
            if not ground:
                continue  # a ground standing in the lake would fight the reflection
            top = edge + 0.06 * h if kind == "ground" else edge - 0.12 * h
            box = motifs.Box(window.x0, top, window.x1, window.y1)
        else:
            box = motifs.Box(window.x0, window.y0, window.x1, window.y1)
        motifs.place(sky, name, kind, box, rng, night, window.t)


def _draw_motifs(page: np.ndarray, plan: CoverPlan, colors: dict[str, np.ndarray], zone: Zone,
                 rng: np.random.Generator, edge: float, frame: Frame) -> None:
    bottom, top, h = frame.y(1.0), frame.y0, frame.height
    objects = 0
    for name, kind in motifs.pick(plan.motifs)[:2]:
        objects += kind == "object" and name != "fire"
        if objects > 1 and kind == "object":
            continue  # one focal point: a moon beside a neon ring is two ideas
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
