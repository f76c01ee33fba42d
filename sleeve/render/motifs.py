"""Motifs from the lyrics as strong, simple silhouettes any style can use.

A motif is built as a ``Silhouette``: masks, not pixels. ``body`` is the shape itself,
``detail`` the secondary marks that make it read (lit windows, wave bands, a flame's core),
``glow`` its soft light. A style paints them in its own colours with ``draw`` — or uses the
masks directly as inks (riso) or cut paper (collage). Every size is a fraction of the box or
the page, so a motif looks the same at 256 px and at 3000 px.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from sleeve.render.frame import Frame
from sleeve.render.raster import (
    EMPTY,
    Mask,
    Pen,
    band,
    coords,
    disc,
    fbm,
    light,
    luminance,
    mix,
    paint,
    resize,
    ridge,
    shade,
    smoothstep,
    soften,
)

MotifKind = Literal["ground", "object", "weather"]


@dataclass(frozen=True)
class Box:
    """Where a motif goes, as fractions of the page (x0, y0) top-left to (x1, y1)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def pixels(self, size: int) -> tuple[float, float, float, float]:
        return self.x0 * size, self.y0 * size, self.x1 * size, self.y1 * size

    def within(self, frame: Frame) -> Box:
        """This box given in fractions of ``frame``'s window, as fractions of the sheet."""
        if frame.width == 1.0 and frame.height == 1.0:
            return self
        return Box(frame.x(self.x0), frame.y(self.y0), frame.x(self.x1), frame.y(self.y1))


def object_box(frame: Frame, cx: float, cy: float, r: float) -> Box:
    """A square box of radius ``r`` (a square page's fraction) round a centre already on the
    sheet: objects stay round and whole in any frame."""
    r = frame.r(r)
    return Box(cx - r, cy - r, cx + r, cy + r)


@dataclass(frozen=True)
class Silhouette:
    name: str  # canonical motif name
    kind: MotifKind  # ground (spans the width, sits on the box bottom), object, weather
    luminous: bool  # a light source (moon, neon, fire): paint light; else a dark shape
    body: Mask
    detail: Mask = EMPTY
    glow: Mask = EMPTY


@dataclass(frozen=True)
class Ink:
    """The colours a style paints a silhouette in."""

    body: np.ndarray
    detail: np.ndarray
    glow: np.ndarray
    glow_strength: float = 0.7


Builder = Callable[[int, np.random.Generator, float, float, float, float], Silhouette]

ALIASES: dict[str, str] = {
    "moonlight": "moon", "full moon": "moon", "달": "moon",
    "sunset": "sun", "sunrise": "sun", "sunlight": "sun", "해": "sun",
    "stars": "star", "starlight": "star", "별": "star", "galaxy": "star",
    "storm": "rain", "rainy": "rain", "비": "rain",
    "wave": "sea", "waves": "sea", "ocean": "sea", "river": "sea", "바다": "sea",
    "skyline": "city", "town": "city", "building": "city", "도시": "city",
    "highway": "road", "street": "road", "drive": "road", "길": "road",
    "flame": "fire", "flames": "fire", "burn": "fire", "불": "fire",
    "flowers": "flower", "rose": "flower", "bloom": "flower", "blossom": "flower", "꽃": "flower",
    "winter": "snow", "눈": "snow",
    "tree": "forest", "trees": "forest", "pine": "forest", "woods": "forest", "숲": "forest",
    "mountains": "mountain", "hill": "mountain", "hills": "mountain", "산": "mountain",
    "love": "heart", "사랑": "heart",
    "fog": "smoke", "mist": "smoke", "haze": "smoke", "안개": "smoke",
    "lights": "neon", "sign": "neon",
    "midnight": "night", "밤": "night",
}


def canonical(name: str) -> str | None:
    """The motif this name draws, or None for names no builder knows (they are skipped)."""
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    return key if key in _BUILDERS else None


def silhouette(name: str, size: int, rng: np.random.Generator, box: Box) -> Silhouette | None:
    """Build the masks of motif ``name`` inside ``box`` on a page of ``size``; None if unknown."""
    key = canonical(name)
    if key is None:
        return None
    return _BUILDERS[key](size, rng, *box.pixels(size))


def draw(canvas: np.ndarray, shape: Silhouette, ink: Ink) -> None:
    """Paint a silhouette onto a float RGB page in place: glow, then body, then detail."""
    light(canvas, shape.glow, ink.glow, ink.glow_strength)
    paint(canvas, shape.body, ink.body)
    paint(canvas, shape.detail, ink.detail)


def draw_motif(canvas: np.ndarray, name: str, rng: np.random.Generator, box: Box,
               ink: Ink) -> Silhouette | None:
    """Build and paint motif ``name`` in one go; returns its masks (None if unknown)."""
    shape = silhouette(name, canvas.shape[0], rng, box)
    if shape is not None:
        draw(canvas, shape, ink)
    return shape


def ink_for(shape: Silhouette, colors: dict[str, np.ndarray], backdrop: np.ndarray) -> Ink:
    """Palette colours that make ``shape`` read against ``backdrop`` (the colour behind it):
    light sources in the palette's lightest tone, ground as a dark mass of the backdrop's own
    hue (atmosphere, not black), objects in the palette colour standing out most."""
    lum = luminance(backdrop)
    if shape.kind == "weather":
        # Rain, snow, stars, smoke: a tone of the sky itself, lighter on dark, darker on light.
        toward = max((colors["ink"], colors["secondary"], colors["accent"]), key=luminance)
        body = mix(backdrop, mix(toward, np.ones(3, np.float32), 0.4), 0.65) if lum < 0.45 \
            else mix(backdrop, shade(backdrop, 0.45), 0.7)
        return Ink(body, body, body, 0.4)
    if shape.name == "fire":
        flame = colors["accent"] if _chroma(colors["accent"]) > 0.05 else colors["primary"]
        return Ink(flame, mix(flame, np.ones(3, np.float32), 0.65), flame, 0.5)
    if shape.luminous:
        # The lightest tone on a dark sky; on a pale one, the accent (a sun printed in
        # colour), falling back to whichever palette colour stands out most.
        lightest = max((colors["ink"], colors["accent"], colors["secondary"]), key=luminance)
        options = (lightest, colors["accent"], colors["primary"], colors["secondary"])
        if lum > 0.45:
            options = (colors["accent"], colors["primary"], colors["secondary"], lightest)
        body = next((c for c in options if abs(luminance(c) - lum) >= 0.25),
                    max(options, key=lambda c: abs(luminance(c) - lum)))
        if lum <= 0.45 and body is lightest:
            body = mix(body, np.ones(3, np.float32), 0.2)
        return Ink(body, colors["accent"], mix(body, colors["accent"], 0.5), 0.55)
    if shape.kind == "ground":
        body = shade(backdrop, 0.42) if lum < 0.55 else shade(mix(backdrop, colors["primary"],
                                                                  0.5), 0.7)
        lit = shape.name in ("city", "road")
        # Lit windows and road marks in the accent; wave bands and snow caps stay tonal.
        detail = colors["accent"] if lit else mix(body, backdrop, 0.3 if lum < 0.55 else 0.18)
        return Ink(body, detail, colors["accent"], 0.0)
    body = max((colors["primary"], colors["secondary"], colors["accent"]),
               key=lambda c: abs(luminance(c) - lum))
    detail = max((colors["accent"], colors["ink"]), key=lambda c: abs(luminance(c)
                                                                         - luminance(body)))
    return Ink(body, detail, body, 0.25)


def _chroma(c: np.ndarray) -> float:
    return float(np.max(c) - np.min(c))


def _rolled(mask: Mask, t: float) -> Mask:
    if mask.is_empty():
        return mask
    rows = mask.alpha.shape[0]
    return Mask(np.roll(mask.alpha, round(t * rows) % rows, axis=0), mask.top, mask.left)


def place(page: np.ndarray, name: str, kind: str, box: Box, rng: np.random.Generator,
          colors: dict[str, np.ndarray], t: float) -> None:
    """Draws motif ``name`` into ``box`` at loop phase ``t``, inked to stand off the page
    behind it (sampled just above a ground, at the middle of anything else)."""
    size = page.shape[0]
    shape = silhouette(name, size, rng, box)
    if shape is None:
        return
    shape = moving(shape, t)
    at = box.y0 - 0.01 if kind == "ground" else (box.y0 + box.y1) / 2
    backdrop = page[int(np.clip(at, 0.0, 0.999) * size), int((box.x0 + box.x1) / 2 * size)]
    draw(page, shape, ink_for(shape, colors, backdrop))


def moving(shape: Silhouette, t: float) -> Silhouette:
    """``shape`` at loop phase ``t``: rain and snow fall through their box, wrapping round
    (one box height per loop, so the loop closes; the marks are scattered at random, so the
    wrap leaves no seam). Other motifs are left to the style."""
    if not t or shape.name not in ("rain", "snow"):
        return shape
    return replace(shape, body=_rolled(shape.body, t), detail=_rolled(shape.detail, t),
                   glow=_rolled(shape.glow, t))


def kind_of(name: str) -> MotifKind | None:
    """How a motif is placed: ``ground`` spans the bottom, ``object`` is a focal form,
    ``weather`` fills its box; None if unknown."""
    key = canonical(name)
    return None if key is None else _KINDS[key]


# --- builders (size, rng, x0, y0, x1, y1 in page pixels) ----------------------------------


def _moon(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
          y1: float) -> Silhouette:
    r = 0.42 * min(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    body = disc(size, cx, cy, r)
    halo = soften(disc(size, cx, cy, r * 1.1), size, r * 0.7).scaled(0.75)
    return Silhouette("moon", "object", True, body, EMPTY, halo)


def _sun(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
         y1: float) -> Silhouette:
    r = 0.4 * min(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    body = disc(size, cx, cy, r)
    halo = soften(disc(size, cx, cy, r * 1.25), size, r * 1.1)
    return Silhouette("sun", "object", True, body, EMPTY, halo)


def _scatter(rng: np.random.Generator, n: int, x0: float, y0: float, x1: float,
             y1: float) -> tuple[np.ndarray, np.ndarray]:
    return rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)


def _star(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
          y1: float) -> Silhouette:
    area = (x1 - x0) * (y1 - y0) / (size * size)
    n = max(12, int(420 * area))
    xs, ys = _scatter(rng, n, x0, y0, x1, y1)
    # Power-law sizes: many pin-pricks, a few bright ones, like a real sky.
    radii = size * 0.0007 * np.minimum(1.0 + rng.pareto(2.2, n), 6.0)
    values = rng.uniform(90, 255, n)
    pen = Pen(size, (x0, y0, x1, y1))
    for x, y, r, v in zip(xs, ys, radii, values, strict=True):
        pen.ellipse(x, y, r, r, int(v))
    bright = np.argsort(radii)[-max(2, n // 60):]
    flare = Pen(size, (x0, y0, x1, y1))
    for i in bright:
        flare.ellipse(xs[i], ys[i], radii[i] * 2.5, radii[i] * 2.5)
        arm = radii[i] * 9
        width = max(radii[i] * 0.35, size * 0.0004)
        flare.line([(xs[i] - arm, ys[i]), (xs[i] + arm, ys[i])], width, 150)
        flare.line([(xs[i], ys[i] - arm), (xs[i], ys[i] + arm)], width, 150)
    glow = soften(flare.mask(), size, size * 0.004).union(flare.mask().scaled(0.6), size)
    return Silhouette("star", "weather", True, pen.mask(), EMPTY, glow)


def _rain(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
          y1: float) -> Silhouette:
    n = max(20, int(160 * (x1 - x0) / size))
    slant = rng.uniform(0.12, 0.22) * rng.choice([-1.0, 1.0])
    pen = Pen(size, (x0, y0, x1, y1))
    xs, ys = _scatter(rng, n, x0, y0, x1, y1)
    lengths = size * rng.uniform(0.04, 0.17, n)
    widths = size * rng.uniform(0.0009, 0.0024, n)
    values = rng.uniform(80, 230, n)
    for x, y, length, w, v in zip(xs, ys, lengths, widths, values, strict=True):
        dx, dy = np.sin(slant) * length, np.cos(slant) * length
        pen.line([(x, y), (x + dx, y + dy)], w, int(v))
    return Silhouette("rain", "weather", True, pen.mask())


def _wave_lines(size: int, rng: np.random.Generator, y0: float, y1: float,
                n: int) -> list[np.ndarray]:
    """``n`` + 1 wavy edges from the horizon at y0 down to y1, closer together far away."""
    xs = np.arange(size, dtype=np.float32) + 0.5
    edges = []
    for k in range(n + 1):
        depth = (k / n) ** 1.7
        base = y0 + (y1 - y0) * depth
        amp = size * (0.002 + 0.012 * depth)
        wavelength = size * (0.08 + 0.35 * depth)
        phase = rng.uniform(0, 2 * np.pi)
        wave = np.sin(2 * np.pi * xs / wavelength + phase)
        wave += 0.2 * np.sin(2 * np.pi * xs / (wavelength * 0.43) + 2 * phase)
        edges.append((base + amp * wave).astype(np.float32))
    return edges


def _sea(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
         y1: float) -> Silhouette:
    edges = _wave_lines(size, rng, y0, y1 + (y1 - y0) * 0.25, 7)
    body = ridge(size, np.full(size, y0, dtype=np.float32), y1).cropped(x0, x1)
    detail = EMPTY
    for k in range(1, len(edges) - 1, 2):
        detail = detail.union(band(size, edges[k], edges[k + 1]), size)
    return Silhouette("sea", "ground", False, body, _clip_rows(detail, y1).cropped(x0, x1))


def _clip_rows(mask: Mask, bottom: float) -> Mask:
    keep = max(0, min(mask.alpha.shape[0], int(np.ceil(bottom)) - mask.top))
    return Mask(mask.alpha[:keep], mask.top, mask.left)


def _city(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
          y1: float) -> Silhouette:
    body, windows = Pen(size, (x0, y0, x1, y1)), Pen(size, (x0, y0, x1, y1))
    height = y1 - y0
    x = x0 - size * rng.uniform(0.0, 0.03)
    win_w, win_h = size * 0.006, size * 0.008
    while x < x1:
        w = size * rng.uniform(0.035, 0.09)
        tall = rng.random() < 0.25
        h = height * (rng.uniform(0.7, 1.0) if tall else rng.uniform(0.25, 0.65))
        top = y1 - h
        body.rect(x, top, x + w, y1 + 1)
        if tall and rng.random() < 0.6:  # antenna: the detail that makes it read as a city
            ax = x + w * rng.uniform(0.3, 0.7)
            body.line([(ax, top), (ax, top - height * 0.08)], max(1.0, size * 0.0015))
        lit = rng.uniform(0.05, 0.18)
        for wy in np.arange(top + win_h * 1.5, y1 - win_h * 2, win_h * 2.2):
            for wx in np.arange(x + win_w, x + w - win_w * 1.5, win_w * 2.0):
                if rng.random() < lit:
                    windows.rect(wx, wy, wx + win_w, wy + win_h)
        x += w + size * rng.uniform(-0.01, 0.006)
    return Silhouette("city", "ground", False, body.mask(), windows.mask())


def _road(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
          y1: float) -> Silhouette:
    vx = (x0 + x1) / 2 + (x1 - x0) * rng.uniform(-0.08, 0.08)
    half = (x1 - x0) * 0.55
    spread = 0.004 * size
    surface = Pen(size, (x0 - half, y0, x1 + half, y1))
    surface.polygon([(vx - spread, y0), (vx + spread, y0), (vx + half, y1), (vx - half, y1)])
    marks = Pen(size, (x0 - half, y0, x1 + half, y1))
    edge_w = size * 0.004
    for side in (-1, 1):
        marks.polygon([(vx + side * spread * 0.8, y0), (vx + side * spread * 0.6, y0),
                       (vx + side * half * 0.9, y1),
                       (vx + side * (half * 0.9 - edge_w * 2), y1)])
    # Dashes at equal steps of depth: evenly spaced in 1/z, so they shrink toward the horizon.
    depth = y1 - y0
    for z0 in np.arange(1.0, 14.0, 1.6):
        ya, yb = y0 + depth / z0, y0 + depth / (z0 + 0.8)
        wa, wb = size * 0.007 / z0, size * 0.007 / (z0 + 0.8)
        marks.polygon([(vx - wa, ya), (vx + wa, ya), (vx + wb, yb), (vx - wb, yb)])
    return Silhouette("road", "ground", False, surface.mask(), marks.mask())


def _tongue(cx: float, base: float, w: float, h: float, lean: float) -> list[tuple[float,
                                                                                   float]]:
    """A flame tongue: a teardrop (round bottom, pointed top) whose tip curls by ``lean``."""
    t = np.linspace(0.0, 2.0 * np.pi, 120)
    x = np.sin(t) * np.abs(np.sin(t / 2.0)) ** 1.6
    y = (1.0 - np.cos(t)) / 2.0  # 0 at the tip, 1 at the bottom
    up = 1.0 - y
    xs = cx + w * x + lean * w * up**2.2
    ys = base - h * up
    return list(zip(xs.tolist(), ys.tolist(), strict=True))


def _fire(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
          y1: float) -> Silhouette:
    width, height = x1 - x0, y1 - y0
    cx = (x0 + x1) / 2
    outer, core = Pen(size, (x0, y0, x1, y1)), Pen(size, (x0, y0, x1, y1))
    # The tall middle tongue, then smaller ones leaning out to each side.
    tongues = [(0.0, 1.0, 0.2, rng.uniform(-0.5, 0.5))]
    for side in (-1.0, 1.0):
        for k in range(int(rng.integers(1, 3))):
            offset = side * (0.19 + 0.11 * k) + rng.uniform(-0.03, 0.03)
            tongues.append((offset, rng.uniform(0.45, 0.75) / (1 + 0.4 * k), 0.15 / (1 + 0.2 * k),
                            side * rng.uniform(0.4, 1.0)))
    for offset, h, w, lean in tongues:
        x = cx + offset * width
        outer.polygon(_tongue(x, y1, w * width, h * height, lean))
        if h > 0.5:
            core.polygon(_tongue(x + lean * w * width * 0.1, y1, w * width * 0.5, h * height * 0.5,
                                 lean * 0.5))
    body = outer.mask()
    glow = soften(body, size, width * 0.12)
    return Silhouette("fire", "object", True, body, core.mask(), glow)


def _local(size: int, cx: float, cy: float, r: float) -> tuple[np.ndarray, np.ndarray, int, int]:
    c0, r0 = max(0, int(cx - r - 2)), max(0, int(cy - r - 2))
    c1, r1 = min(size, int(cx + r + 3)), min(size, int(cy + r + 3))
    ys = np.arange(r0, r1, dtype=np.float32)[:, None] + 0.5 - cy
    xs = np.arange(c0, c1, dtype=np.float32)[None, :] + 0.5 - cx
    return ys, xs, r0, c0


def _flower(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
            y1: float) -> Silhouette:
    r = 0.46 * min(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ys, xs, top, left = _local(size, cx, cy, r)
    petals = int(rng.integers(5, 9))
    turn = rng.uniform(0, 2 * np.pi)
    theta = np.arctan2(ys, xs) + turn
    edge = r * (0.55 + 0.45 * np.abs(np.cos(petals * theta / 2)) ** 0.7)
    d = np.sqrt(xs * xs + ys * ys)
    body = Mask(np.clip(edge - d + 0.5, 0, 1).astype(np.float32), top, left)
    return Silhouette("flower", "object", False, body, disc(size, cx, cy, r * 0.2))


def _snow(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
          y1: float) -> Silhouette:
    area = (x1 - x0) * (y1 - y0) / (size * size)
    n = max(20, int(260 * area))
    xs, ys = _scatter(rng, n, x0, y0, x1, y1)
    radii = size * rng.uniform(0.0012, 0.0045, n) ** 1.0
    pen = Pen(size, (x0, y0, x1, y1))
    for x, y, r in zip(xs, ys, radii, strict=True):
        pen.ellipse(x, y, r, r, int(rng.uniform(150, 255)))
    flakes = pen.mask()
    return Silhouette("snow", "weather", True, flakes, EMPTY,
                      soften(flakes, size, size * 0.003).scaled(0.8))


def _pine(pen: Pen, x: float, base: float, h: float) -> None:
    w = h * 0.36
    tiers = 4
    for k in range(tiers):
        top = base - h + h * 0.2 * k
        bottom = base - h * 0.12 - (tiers - 1 - k) * h * 0.17
        half = w * (0.45 + 0.55 * (k + 1) / tiers) / 2
        pen.polygon([(x, top), (x + half, bottom), (x - half, bottom)])
    pen.rect(x - w * 0.05, base - h * 0.15, x + w * 0.05, base + 1)


def _forest(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
            y1: float) -> Silhouette:
    height = y1 - y0
    body = Pen(size, (x0, y0 - 2, x1, y1))
    x = x0 + size * rng.uniform(0.0, 0.02)
    while x < x1:
        h = height * rng.uniform(0.45, 1.0)
        _pine(body, x, y1, h)
        x += h * rng.uniform(0.17, 0.3)
    body.rect(x0, y1 - height * 0.06, x1, y1 + 1)
    return Silhouette("forest", "ground", False, body.mask())


def _ridge_line(size: int, rng: np.random.Generator, x0: float, x1: float,
                peaks: int) -> np.ndarray:
    xs = (np.arange(size, dtype=np.float32) + 0.5 - x0) / max(x1 - x0, 1.0)
    profile = np.zeros(size, dtype=np.float32)
    for _ in range(peaks):
        c, h, w = rng.uniform(0.1, 0.9), rng.uniform(0.55, 1.0), rng.uniform(0.25, 0.55)
        profile = np.maximum(profile, h * (1 - np.abs(xs - c) / w))
    rough = resize(rng.random((1, 48), dtype=np.float32), 1, size, smooth=True)[0]
    rough2 = resize(rng.random((1, 160), dtype=np.float32), 1, size, smooth=True)[0]
    # Roughness only where there is rock, so the ridge meets the ground cleanly.
    texture = (0.08 * (rough - 0.5) + 0.03 * (rough2 - 0.5)) * np.clip(profile * 6.0, 0.0, 1.0)
    # The range runs down to the ground at the ends of its box instead of being cut off.
    taper = smoothstep(0.0, 0.15, xs) * smoothstep(1.0, 0.85, xs)
    return np.clip((profile + texture) * taper, 0.0, 1.0)


def _mountain(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
              y1: float) -> Silhouette:
    profile = _ridge_line(size, rng, x0, x1, int(rng.integers(1, 4)))
    heights = y1 - (y1 - y0) * profile
    body = ridge(size, heights, y1).cropped(x0, x1)
    cap_depth = (y1 - y0) * 0.18 * np.clip((profile - 0.55) / 0.45, 0, 1)
    cap = band(size, heights, heights + cap_depth).cropped(x0, x1)
    return Silhouette("mountain", "ground", False, body, cap)


def _heart(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
           y1: float) -> Silhouette:
    s = 0.45 * min(x1 - x0, y1 - y0) / 16.0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2 - s * 1.5
    t = np.linspace(0, 2 * np.pi, 240)
    px = cx + s * 16 * np.sin(t) ** 3
    py = cy - s * (13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    pen = Pen(size, (x0, y0, x1, y1))
    pen.polygon(list(zip(px.tolist(), py.tolist(), strict=True)))
    return Silhouette("heart", "object", False, pen.mask())


def _smoke(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
           y1: float) -> Silhouette:
    res = 256
    noise = fbm(rng, res, cells=3.0, octaves=4, stretch=(2.2, 1.0))
    ys, xs = coords(res)
    drift = 0.5 + 0.18 * np.sin(ys * 5.0 + rng.uniform(0, 6)) * (1 - ys)
    spread = 0.12 + 0.35 * (1 - ys)
    plume = np.exp(-(((xs - drift) / spread) ** 2))
    # Fades at every edge of the box: smoke has no outline.
    fade = smoothstep(0.0, 0.35, ys) * smoothstep(1.0, 0.85, ys) * smoothstep(0.0, 0.15, xs)
    fade = fade * smoothstep(1.0, 0.85, xs)
    alpha = np.clip((noise - 0.35) / 0.45, 0, 1) * plume * fade
    c0, r0 = int(x0), int(y0)
    w, h = max(1, min(size, int(x1)) - c0), max(1, min(size, int(y1)) - r0)
    return Silhouette("smoke", "weather", True,
                      Mask(np.clip(resize(alpha.astype(np.float32), h, w), 0, 1) * 0.8, r0, c0))


def _outline(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
             y1: float) -> list[tuple[float, float]]:
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    r = 0.4 * min(x1 - x0, y1 - y0)
    form = rng.choice(["ring", "arch", "triangle"])
    if form == "ring":
        t = np.linspace(0, 2 * np.pi, 181)
        return list(zip((cx + r * np.cos(t)).tolist(), (cy + r * np.sin(t)).tolist(),
                        strict=True))
    if form == "arch":
        t = np.linspace(np.pi, 2 * np.pi, 91)
        top = list(zip((cx + r * 0.75 * np.cos(t)).tolist(),
                       (cy - r * 0.25 + r * 0.75 * np.sin(t)).tolist(), strict=True))
        return [(cx - r * 0.75, cy + r), *top, (cx + r * 0.75, cy + r), (cx - r * 0.75, cy + r)]
    pts = [(cx + r * np.sin(a), cy - r * np.cos(a)) for a in (0, 2 * np.pi / 3, 4 * np.pi / 3)]
    return [*pts, pts[0], pts[1]]


def _neon(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
          y1: float) -> Silhouette:
    points = _outline(size, rng, x0, y0, x1, y1)
    pad = size * 0.01
    tube, core = Pen(size, (x0 - pad, y0 - pad, x1 + pad, y1 + pad)), Pen(
        size, (x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    tube.line(points, size * 0.009)
    core.line(points, size * 0.0035)
    body = tube.mask()
    glow = soften(body, size, size * 0.025).union(soften(body, size, size * 0.007), size)
    return Silhouette("neon", "object", True, body, core.mask(), glow)


def _night(size: int, rng: np.random.Generator, x0: float, y0: float, x1: float,
           y1: float) -> Silhouette:
    r = 0.3 * min(x1 - x0, y1 - y0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    full = disc(size, cx, cy, r)
    bite = disc(size, cx + r * 0.42, cy - r * 0.22, r * 0.9)
    crescent = full.alpha.copy()
    bt, bl = bite.top - full.top, bite.left - full.left
    hh = min(crescent.shape[0] - max(bt, 0), bite.alpha.shape[0] - max(-bt, 0))
    ww = min(crescent.shape[1] - max(bl, 0), bite.alpha.shape[1] - max(-bl, 0))
    crescent[max(bt, 0):max(bt, 0) + hh, max(bl, 0):max(bl, 0) + ww] *= (
        1 - bite.alpha[max(-bt, 0):max(-bt, 0) + hh, max(-bl, 0):max(-bl, 0) + ww])
    body = Mask(crescent, full.top, full.left)
    stars = Pen(size, (x0, y0, x1, y1))
    for _ in range(int(rng.integers(5, 9))):
        sx, sy = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if np.hypot(sx - cx, sy - cy) > r * 1.6:
            sr = size * rng.uniform(0.0015, 0.004)
            stars.ellipse(sx, sy, sr, sr)
    return Silhouette("night", "object", True, body, stars.mask(),
                      soften(body, size, r * 0.5).scaled(0.6))


_BUILDERS: dict[str, Builder] = {
    "moon": _moon, "sun": _sun, "star": _star, "rain": _rain, "sea": _sea, "city": _city,
    "road": _road, "fire": _fire, "flower": _flower, "snow": _snow, "forest": _forest,
    "mountain": _mountain, "heart": _heart, "smoke": _smoke, "neon": _neon, "night": _night,
}

_KINDS: dict[str, MotifKind] = {
    "moon": "object", "sun": "object", "star": "weather", "rain": "weather", "sea": "ground",
    "city": "ground", "road": "ground", "fire": "object", "flower": "object",
    "snow": "weather", "forest": "ground", "mountain": "ground", "heart": "object",
    "smoke": "weather", "neon": "object", "night": "object",
}

MOTIF_NAMES: tuple[str, ...] = tuple(_BUILDERS)


def pick(names: list[str], *kinds: MotifKind) -> list[tuple[str, MotifKind]]:
    """The known motifs among ``names`` (in order, canonical) whose kind is one of ``kinds``
    (any kind when none is given)."""
    found: list[tuple[str, MotifKind]] = []
    for name in names:
        key = canonical(name)
        if key is not None and (not kinds or _KINDS[key] in kinds) and key not in dict(found):
            found.append((key, _KINDS[key]))
    return found
