"""Risograph: two or three spot inks overprinted on uncoated paper, slightly out of register.

A ground plate (the ground motif's silhouette — a skyline, the sea, a ridge — or a plain
block, in a halftone gradient), a focal plate (the object motif, or a disc, fading from solid
ink into dots) and a small accent plate (the motif's details, or one solid dot). Inks
multiply where they overlap, each plate lands a few pixels off and the ink lies unevenly: the
marks of a real riso print. The type zone stays bare paper.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeve.core.plan import CoverPlan
from sleeve.render import motifs
from sleeve.render.frame import FULL, Frame
from sleeve.render.halftone import ink_density, misregister, overprint, screen
from sleeve.render.page import (
    Zone,
    bolden,
    first_motif,
    independent,
    is_thin,
    palette_rgb,
    paper_field,
    pixel_centres,
    type_zone,
)
from sleeve.render.raster import EMPTY, Mask, luminance
from sleeve.render.shapes import circle, coverage, rect

DESCRIPTION = "Risograph print: spot inks in halftone gradients, overprinted and misregistered"

_CREAM = np.asarray([0.953, 0.929, 0.878], dtype=np.float32)
_PAPER_MIN_LUMINANCE = 0.48  # WCAG relative luminance
_INK_MAX_LUMINANCE = 0.7  # lighter inks vanish on paper


@dataclass(frozen=True)
class _Plate:
    tone: Mask  # continuous tone in [0, 1] before screening
    ink: np.ndarray
    angle: float  # screen angle, different per plate as on a real press


def _paper_and_inks(colors: dict[str, np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Paper is the palette's lightest colour if it is light enough; the two inks for the
    forms come from primary, secondary and background; the accent stays the accent.
    Returns (paper, [focal, ground, accent])."""
    names = ["background", "ink", "primary", "secondary", "accent"]
    lightest = max(names, key=lambda n: luminance(colors[n]))
    paper = colors[lightest] if luminance(colors[lightest]) >= _PAPER_MIN_LUMINANCE else _CREAM

    def printable(name: str) -> bool:
        return name != lightest and luminance(colors[name]) < _INK_MAX_LUMINANCE

    inks: list[np.ndarray] = []
    for name in ("primary", "secondary", "background"):
        if printable(name) and all(np.abs(colors[name] - u).sum() > 0.12 for u in inks):
            inks.append(colors[name])
    while len(inks) < 2:
        # Too few printable colours: deepen one we have, as a second pass of the same drum.
        inks.append(np.clip(inks[-1] * 0.55, 0, 1) if inks else np.zeros(3, np.float32))
    # The lighter ink lays the ground, the darker one carries the focal form over it.
    ground, focal = sorted(inks[:2], key=luminance, reverse=True)
    accent = colors["accent"] if printable("accent") else focal
    return paper, [focal, ground, accent]


def _trim(mask: Mask, floor: float) -> Mask:
    """``mask`` cropped to where it reaches ``floor``: a glow's faint tail prints no dots."""
    rows = np.flatnonzero((mask.alpha >= floor).any(axis=1))
    cols = np.flatnonzero((mask.alpha >= floor).any(axis=0))
    if rows.size == 0:
        return EMPTY
    return Mask(mask.alpha[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1],
                mask.top + int(rows[0]), mask.left + int(cols[0]))


def _art_rows(zone: Zone, frame: Frame = FULL) -> tuple[float, float]:
    """The band (sheet fractions) the ground plate fills; it bleeds off the frame's edge."""
    if zone.anchor == "bottom":
        return frame.y0, zone.y0 - 0.02 * frame.height
    return zone.y1 + 0.02 * frame.height, frame.y1


def _with_tone(mask: Mask, tone: np.ndarray) -> Mask:
    """``mask`` times a tone field given for the mask's window."""
    return Mask((mask.alpha * tone).astype(np.float32), mask.top, mask.left)


def _diagonal(mask: Mask, cx: float, cy: float, r: float) -> np.ndarray:
    """0 at the top-left of a form of radius ``r`` round (cx, cy), 1 at its bottom-right,
    over the mask's window: the direction the ink thins out along."""
    ys, xs = pixel_centres(mask.top, mask.left, *mask.alpha.shape)
    return np.clip(((xs - (cx - r)) + (ys - (cy - r))) / (4 * r), 0, 1)


def render(plan: CoverPlan, rng: np.random.Generator, size: int,
           frame: Frame = FULL) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor, frame=frame)
    texture = independent(rng)
    paper_color, (focal_ink, ground_ink, accent_ink) = _paper_and_inks(colors)
    a0, a1 = _art_rows(zone, frame)
    h = frame.height
    ground_pick = first_motif(plan.motifs, "ground")
    object_pick = first_motif(plan.motifs, "object")
    ground_name = ground_pick[0] if ground_pick else None
    object_name = object_pick[0] if object_pick else None
    accent = EMPTY

    # Ground plate: the ground motif along the bottom of the art band, else a plain block;
    # dense at one end and dissolving into sparse dots at the other.
    ground = None
    if ground_name is not None:
        top = a0 + (a1 - a0) * (0.5 if zone.anchor != "center" else 0.25)
        box = motifs.Box(frame.x(-0.02), top, frame.x(1.02),
                         a1 + (0.02 * h if a1 >= frame.y1 else 0.0))
        ground = motifs.silhouette(ground_name, size, rng, box)
    if ground is not None:
        ground_mask, accent = ground.body, ground.detail
    else:
        ground_mask = coverage(rect(-1, a0 * size, size + 1, a1 * size), size)
    ys, _ = pixel_centres(ground_mask.top, ground_mask.left, *ground_mask.alpha.shape)
    fade = np.clip((ys - ground_mask.top) / max(ground_mask.alpha.shape[0], 1), 0, 1)
    if rng.random() < 0.5:
        fade = 1.0 - fade
    # A silhouette must read as a shape, so it prints denser than a plain block.
    lo, span = (0.3, 0.6) if ground is not None else (0.14, 0.5)
    plates = [_Plate(_with_tone(ground_mask, lo + span * fade), ground_ink, 15.0)]

    # Focal plate: the object motif (or a disc), solid at the top-left, dissolving into dots.
    # Over a ground motif it hangs higher and smaller, like a sun over the horizon.
    if zone.anchor == "center":
        f0, f1 = frame.y0, zone.y0
    elif ground_name is not None:
        f0, f1 = ((a0, a0 + (a1 - a0) * 0.55) if zone.anchor == "bottom"
                  else (a0, a0 + 0.3 * h))
    else:
        f0, f1 = a0, a1
    r = 0.36 * min(f1 - f0, 0.8 * frame.short) * size
    cx = size * frame.x(float(rng.choice([0.36, 0.64])))
    cy = (f0 + f1) / 2 * size + (0.03 * h * size if zone.anchor == "center" else 0.0)
    focal_mask, glow = coverage(circle(cx, cy, r), size), EMPTY
    if object_name is not None:
        box = motifs.Box((cx - r * 1.2) / size, (cy - r * 1.2) / size, (cx + r * 1.2) / size,
                         (cy + r * 1.2) / size)
        shape = motifs.silhouette(object_name, size, rng, box)
        if shape is not None:
            # A line drawing prints in a heavy stroke over a tint disc in the accent ink,
            # a little off-centre: on its own an outline is too thin to carry the page.
            if is_thin(shape.body):
                backing = coverage(circle(cx + 0.1 * r, cy + 0.08 * r, r * 0.92), size)
                plates.append(_Plate(_with_tone(backing, 0.55 - 0.25 * _diagonal(
                    backing, cx, cy, r)), accent_ink, 15.0))
            focal_mask, glow = bolden(shape.body, size, weight=2.0), shape.glow
            accent = shape.detail if accent.is_empty() else accent
    diag = _diagonal(focal_mask, cx, cy, r)
    focal_tone = _with_tone(focal_mask, 1.0 - 0.7 * np.clip(diag * 1.6 - 0.35, 0, 1))
    if not glow.is_empty():
        # A light source's glow prints as a halo of fine dots around it.
        focal_tone = focal_tone.union(_trim(glow.scaled(0.6), 0.04), size)
    plates.append(_Plate(focal_tone, focal_ink, 75.0))

    # Accent plate: the motif's small marks (lit windows, a flame's core), else one solid dot
    # placed where the focal form is not.
    if accent.is_empty():
        ax = size * frame.x(0.82 if cx < frame.x(0.5) * size else 0.18)
        ay = (f0 + (f1 - f0) * (0.25 if rng.random() < 0.5 else 0.75)) * size
        accent = coverage(circle(ax, ay, size * frame.short * 0.04), size)
    # Broad details (wave bands, snow caps) would swamp the accent: they print in the focal ink.
    broad = float(accent.alpha.sum()) > 0.03 * size * size
    plates.append(_Plate(accent, focal_ink if broad else accent_ink, 45.0))

    page = paper_field(paper_color, texture, size, strength=0.025)
    period = size / 95.0  # the same screen ruling at every output size
    nudge = max(1, round(size * frame.short * 0.0025))
    bare = 1.0 - zone.weight(size, feather=0.02)
    for k, plate in enumerate(plates):
        if plate.tone.is_empty():
            continue
        # Halos and bleeds never reach the type zone: the title sits on bare paper.
        rows = slice(plate.tone.top, plate.tone.top + plate.tone.alpha.shape[0])
        dots = screen(plate.tone.alpha * bare[rows], period, plate.angle)
        dots *= ink_density(texture, dots.shape)
        # In motion each drum slips out of register and back, out of step with the others.
        slip = 1.5 * nudge * frame.wave(1, k / 3), 1.5 * nudge * frame.wave(1, k / 3 + 0.25)
        dx, dy = (round(v * nudge + s) for v, s in zip(rng.uniform(-1.0, 1.0, size=2), slip,
                                                      strict=True))
        printed = misregister(Mask(dots, plate.tone.top, plate.tone.left), dx, dy, size)
        overprint(page, printed, plate.ink)
    return np.clip(page, 0.0, 1.0, out=page)
