"""Risograph: two or three spot inks overprinted on uncoated paper, slightly out of register.

A ground plate (a block or band in a halftone gradient), a focal plate (the motif silhouette
fading from solid ink into dots) and a small solid accent plate. Inks multiply where they
overlap, each plate lands a few pixels off, and the ink lies unevenly: the marks of a real
riso print. The type zone stays bare paper.
"""

from __future__ import annotations

import numpy as np

from sleeve.core.plan import CoverPlan
from sleeve.render.halftone import ink_density, overprint, screen, shift
from sleeve.render.page import Zone, palette_rgb, paper_field, type_zone
from sleeve.render.raster import luminance
from sleeve.render.shapes import Shape, circle, mask, rect

DESCRIPTION = "Risograph print: spot inks in halftone gradients, overprinted and misregistered"

_CREAM = np.asarray([0.953, 0.929, 0.878], dtype=np.float32)
_PAPER_MIN_LUMINANCE = 0.48  # WCAG relative luminance


def _paper_and_inks(colors: dict[str, np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Paper is the palette's lightest colour if it is light enough; inks are the rest."""
    names = ["background", "ink", "primary", "secondary", "accent"]
    lightest = max(names, key=lambda n: luminance(colors[n]))
    paper = colors[lightest] if luminance(colors[lightest]) >= _PAPER_MIN_LUMINANCE else _CREAM
    inks = [colors[n] for n in ("primary", "secondary", "background", "accent")
            if n != lightest and luminance(colors[n]) < 0.62]
    unique: list[np.ndarray] = []
    for ink in inks:
        if all(np.abs(ink - u).sum() > 0.12 for u in unique):
            unique.append(ink)
    while len(unique) < 3:
        # Too few printable colours: deepen one we have, as a second pass of the same drum.
        unique.append(np.clip(unique[-1] * 0.55, 0, 1) if unique else np.zeros(3, np.float32))
    # The lighter ink lays the ground, the darker one carries the focal form over it.
    ground, focal = sorted(unique[:2], key=luminance, reverse=True)
    return paper, [focal, ground, unique[2]]


def _art_box(zone: Zone, size: int) -> tuple[float, float, float, float]:
    """The ground block: bleeds off the page on the three sides away from the type."""
    gap = 0.02 * size
    if zone.anchor == "top":
        return -1.0, zone.y1 * size + gap, size + 1.0, size + 1.0
    if zone.anchor == "bottom":
        return -1.0, -1.0, size + 1.0, zone.y0 * size - gap
    return -1.0, zone.y1 * size + gap, size + 1.0, size + 1.0


def _focal_shape(motifs: list[str], cx: float, cy: float, r: float) -> Shape:
    disc = circle(cx, cy, r)
    if "moon" in motifs:
        return disc - circle(cx + r * 0.42, cy - r * 0.18, r * 0.86)
    return disc


def render(plan: CoverPlan, rng: np.random.Generator, size: int) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor)
    paper_color, (focal_ink, ground_ink, accent_ink) = _paper_and_inks(colors)
    period = size / 95.0  # the same screen ruling at every output size
    x0, y0, x1, y1 = _art_box(zone, size)
    ys = (np.arange(size, dtype=np.float32)[:, None] + 0.5)
    xs = (np.arange(size, dtype=np.float32)[None, :] + 0.5)

    # Ground plate: a block over the art area, dense at one end, fading to sparse dots.
    ground_shape = rect(x0, y0, x1, y1)
    fade = np.clip((ys - y0) / max(y1 - y0, 1.0), 0, 1)
    if rng.random() < 0.5:
        fade = 1.0 - fade
    ground_tone = mask(ground_shape, size) * (0.12 + 0.5 * fade)

    # Focal plate: the motif, solid at the top-left, dissolving into dots. With the type in
    # the middle it hangs in the top third like a sun over the ground.
    if zone.anchor == "center":
        fy0, fy1 = 0.0, zone.y0 * size
    else:
        fy0, fy1 = max(y0, 0.0), min(y1, float(size))
    r = 0.36 * min(fy1 - fy0, size * 0.8)
    cx = size * float(rng.choice([0.36, 0.64]))
    cy = (fy0 + fy1) / 2 + (0.03 * size if zone.anchor == "center" else 0.0)
    focal = mask(_focal_shape(plan.motifs, cx, cy, r), size)
    diag = np.clip(((xs - (cx - r)) + (ys - (cy - r))) / (4 * r), 0, 1)
    focal_tone = focal * (1.0 - 0.7 * np.clip(diag * 1.6 - 0.35, 0, 1))

    # Accent plate: one small solid disc, placed where the focal form is not.
    ax = size * (0.82 if cx < size / 2 else 0.18)
    ay = fy0 + (fy1 - fy0) * (0.25 if rng.random() < 0.5 else 0.75)
    accent = mask(circle(ax, ay, size * 0.04), size)

    nudge = max(1, round(size * 0.0025))
    plates: list[tuple[np.ndarray, np.ndarray]] = []
    for tone, ink, angle in ((ground_tone, ground_ink, 15.0), (focal_tone, focal_ink, 75.0),
                             (accent, accent_ink, 45.0)):
        dots = screen(tone, period, angle)
        dx, dy = (int(v) for v in rng.integers(-nudge, nudge + 1, size=2))
        plates.append((shift(dots * ink_density(rng, size), dx, dy), ink))
    paper = paper_field(paper_color, rng, size, strength=0.025)
    return np.clip(overprint(paper, plates), 0.0, 1.0)
