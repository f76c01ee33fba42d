"""Glitch / VHS: one bold form, then broken the way a worn tape breaks it — but on purpose.

The form (the object motif's solid silhouette, or a stark disc or triangle) is drawn big:
with a centred title it spans the page and the title cuts through it. A ground motif (sea,
city, road) is not torn, it is laid on whole over a torn disc setting behind it. The signal
is damaged in the order a tape damages it, aimed at the form: the red and blue channels
slip apart, many thin strips tear
sideways, one or two thick bands are thrown far with a wide colour split, a few blocks are
corrupted (pixelated, smeared, or flooded with the accent colour) and scanlines run over
everything. Outside the art bands the page goes back to clean paper, so the title sits on
a hard-edged, quiet field.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sleeve.core.plan import CoverPlan
from sleeve.render import motifs
from sleeve.render.frame import FULL, Frame
from sleeve.render.halftone import misregister
from sleeve.render.page import (
    Zone,
    bolden,
    first_motif,
    focal_pair,
    independent,
    is_thin,
    palette_rgb,
    paper_field,
    type_zone,
)
from sleeve.render.raster import Pen, lightness, mix, paint

DESCRIPTION = "Glitch/VHS: a bold form with RGB split, torn bands, corrupt blocks, scanlines"


Band = tuple[int, int]  # page rows [start, end) that hold art and take damage


def _art_bands(zone: Zone, size: int, frame: Frame = FULL) -> list[Band]:
    """The rows holding the form; damage stays inside them, clear of the type. A centred
    title gets the middle of the page as a clean band, with art above and below it."""
    gap = int(0.03 * frame.height * size)
    bands = []
    if zone.anchor != "top":
        bands.append((int(frame.y0 * size), int(zone.y0 * size) - gap))
    if zone.anchor != "bottom":
        bands.append((int(zone.y1 * size) + gap, int(frame.y1 * size)))
    return [(a, b) for a, b in bands if b > a]


def _form_box(zone: Zone, kind: str | None, frame: Frame = FULL) -> motifs.Box:
    if zone.anchor == "center" and frame.height > 1.2 * frame.width:
        # A tall frame: a form spanning the page would be narrower than the title band and
        # vanish behind it, so it takes the art below the title whole.
        h = frame.height
        top = zone.y1 + 0.03 * h
        if kind == "ground":
            top = zone.y1 + 0.3 * (frame.y1 - zone.y1)
        return motifs.Box(frame.x(0.08), top, frame.x(0.92), frame.y(0.96))
    return _square_form_box(zone, kind).within(frame)


def _square_form_box(zone: Zone, kind: str | None) -> motifs.Box:
    """Where the form goes: big. A centred title cuts through it, so it spans the page."""
    if zone.anchor == "top":
        y0, y1 = 0.38, 0.98
    elif zone.anchor == "bottom":
        y0, y1 = 0.02, 0.62
    else:
        # Taller than the page is wide: the halves above and below the title stay large.
        y0, y1 = -0.04, 1.04
    if kind == "ground":
        # The lower part of the art: a ground the disc sets behind, not a wall.
        top = 0.72 if zone.anchor == "center" else y0 + (y1 - y0) * 0.58
        # Over a bottom title it ends short of the zone: a long title rises out of it.
        return motifs.Box(0.0, top, 1.0, 0.58 if zone.anchor == "bottom" else min(y1, 1.0))
    return motifs.Box(0.02 if zone.anchor == "center" else 0.08, y0,
                      0.98 if zone.anchor == "center" else 0.92, y1)


# Motifs whose own silhouette cannot carry the damage: a crescent's thin horns vanish beside a
# centred title, so glitch draws the night as the moon's full disc.
_SOLID = {"night": "moon"}

Target = tuple[int, int, int, int]  # page rows [r0, r1) and columns [c0, c1) of the form


def _form_colors(colors: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(form, echo, ground): the focal colour, its ghost, and the mass a ground motif is cut
    from, standing off both the paper and the form so the disc sets visibly behind it."""
    form, echo = focal_pair(colors)
    paper = lightness(colors["background"])
    if abs(lightness(form) - paper) < 0.25:
        # A pale palette (fog, pastel) would leave a ghost of a form: damage needs contrast
        # to show, so the form takes the ink, which the palette keeps readable on the paper.
        form, echo = colors["ink"], form

    reach = abs(lightness(form) - paper)

    def fits(c: np.ndarray) -> bool:
        # Between the paper and the form: the ground reads as a mass, the form stays the
        # loudest thing on the page.
        off = abs(lightness(c) - paper)
        return 0.12 <= off <= reach - 0.12

    ground = echo if fits(echo) else mix(form, colors["background"], 0.5)
    return form, echo, ground


def _stark(box: motifs.Box, size: int, rng: np.random.Generator,
           disc_only: bool = False) -> motifs.Silhouette:
    """A stark disc or triangle filling ``box``: the form when no motif gives one."""
    x0, y0, x1, y1 = box.pixels(size)
    cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, 0.44 * min(x1 - x0, y1 - y0)
    pen = Pen(size, (x0, y0, x1, y1))
    if disc_only or rng.random() < 0.5:
        pen.ellipse(cx, cy, r, r)
    else:
        pen.polygon([(cx, cy - r), (cx + r * 0.95, cy + r * 0.72),
                     (cx - r * 0.95, cy + r * 0.72)])
    return motifs.Silhouette("form", "object", True, pen.mask())


def _sun_box(zone: Zone, ground: motifs.Box, frame: Frame) -> motifs.Box:
    """Where the disc goes that sets behind a ground motif: its lower part hidden by the
    ground, or, with a centred title, spanning the page so the title cuts through it."""
    if zone.anchor == "center":
        return _form_box(zone, None, frame)
    r = 0.26 * frame.short
    cx = frame.x(0.5)
    cy = ground.y0 - 0.1 * r  # more than half of it above the horizon
    return motifs.Box(cx - r, cy - r, cx + r, cy + r)


def _ground(plan: CoverPlan, zone: Zone, rng: np.random.Generator, size: int,
            frame: Frame) -> motifs.Silhouette | None:
    """The ground motif (sea, city, road…) as a solid mass along the foot of the art."""
    under = first_motif(plan.motifs, "ground")
    if under is None:
        return None
    return motifs.silhouette(under[0], size, rng, _form_box(zone, "ground", frame))


def _draw_form(canvas: np.ndarray, plan: CoverPlan, colors: dict[str, np.ndarray],
               zone: Zone, rng: np.random.Generator, frame: Frame,
               ground: motifs.Silhouette | None) -> Target:
    """Draw the one bold form and return where it shows (above any ground).

    With a ground motif the form is a stark disc setting behind it (a flame or a heart on a
    skyline, torn, scatters into confetti). Torn sideways, the ground's horizontal wave bands
    would not change and its lit windows would scatter into confetti, so the tears are
    aimed at the disc's round edge and the ground is laid on whole afterwards."""
    size = canvas.shape[0]
    form, echo, _ = _form_colors(colors)
    picked = first_motif(plan.motifs, "object")
    box = _form_box(zone, None if picked is None else picked[1], frame)
    if ground is not None:
        box = _sun_box(zone, _form_box(zone, "ground", frame), frame)
    shape = None
    if picked is not None and ground is None:
        shape = motifs.silhouette(_SOLID.get(picked[0], picked[0]), size, rng, box)
        if shape is not None and is_thin(shape.body):
            shape = None  # a neon outline tears into nothing: the stark form takes its place
    if shape is None:
        shape = _stark(box, size, rng, disc_only=ground is not None)
    # A hard edge is what the colour fringes and tears cut against: no glow, and no inner
    # marks (a flame's core, a flower's heart), which the tears would scatter into confetti.
    shape = replace(shape, body=bolden(shape.body, size), detail=motifs.EMPTY,
                    glow=motifs.EMPTY)
    # A ghost of the form in the secondary colour: the echo of a second tape generation.
    # In motion the ghost jumps out in bursts and settles back (twice a loop).
    burst = 1.0 + 1.2 * max(0.0, frame.wave(2)) ** 3
    ghost = misregister(shape.body, int(size * frame.short * rng.choice([-1, 1]) * 0.05 * burst),
                        0, size)
    paint(canvas, ghost, echo, 0.6)
    paint(canvas, shape.body, form)
    h, w = shape.body.alpha.shape
    bottom = shape.body.top + h
    if ground is not None:
        # Only rows where the disc shows above the ground: tears there are never hidden.
        solid = np.flatnonzero(ground.body.alpha.mean(axis=1) > 0.5)
        if solid.size:
            bottom = min(bottom, ground.body.top + int(solid[0]))
    return shape.body.top, min(size, bottom), shape.body.left, min(size, shape.body.left + w)


def _lay_ground(canvas: np.ndarray, ground: motifs.Silhouette, colors: dict[str, np.ndarray],
                zone: Zone) -> None:
    """The ground, whole and hard-edged, over the damaged disc: sea bands and windows stay
    tonal marks of the mass, not confetti."""
    _, _, color = _form_colors(colors)
    body = ground.body.quieted(zone.weight(canvas.shape[0], feather=0.01))
    paint(canvas, body, color)
    paint(canvas, ground.detail.quieted(zone.weight(canvas.shape[0], feather=0.01)),
          mix(color, colors["background"], 0.16))


def _split_channels(canvas: np.ndarray, offset: int) -> None:
    """Red slips one way, blue the other: the colour fringes of a misaligned tape head."""
    canvas[..., 0] = np.roll(canvas[..., 0], offset, axis=1)
    canvas[..., 2] = np.roll(canvas[..., 2], -offset, axis=1)


def _slice(canvas: np.ndarray, band: Band, rng: np.random.Generator) -> None:
    """Cut the art rows into strips and tear many sideways, some hard, most a little."""
    size = canvas.shape[0]
    # Cut positions are drawn as page fractions, so the same tears happen at every size.
    edge, bottom = band[0] / size, band[1] / size
    while edge < bottom:
        step = float(rng.uniform(0.005, 0.04))
        y, y_next = round(edge * size), round(min(edge + step, bottom) * size)
        edge += step
        strip = canvas[y:y_next]
        hard = rng.random() < 0.2
        if hard or rng.random() < 0.45:
            offset = float(np.clip(rng.normal(0, 0.035), -0.1, 0.1))
            if hard:
                offset = float(rng.choice([-1, 1]) * rng.uniform(0.06, 0.16))
            strip[:] = np.roll(strip, int(size * offset), axis=1)
            if rng.random() < 0.5:
                _split_channels(strip, max(1, round(size * 0.02)))


def _on_form(band: Band, target: Target) -> Band:
    """The rows of ``band`` the form crosses (the whole band if it crosses none): damage
    aimed there always breaks the form, never only empty paper."""
    a, b = max(band[0], target[0]), min(band[1], target[1])
    return (a, b) if b - a > 0.04 * (target[1] - target[0]) and b > a else band


def _displace(canvas: np.ndarray, band: Band, target: Target, rng: np.random.Generator,
              frame: Frame = FULL) -> None:
    """One or two thick bands thrown far sideways with a wide colour split, through the form:
    the big, deliberate break that makes the damage read at thumbnail size. In motion they
    slide to and fro."""
    size = canvas.shape[0]
    lo, hi = _on_form(band, target)
    a, b = lo / size, hi / size
    for k in range(int(rng.integers(1, 3))):
        h = float(rng.uniform(0.04, 0.09))
        y = a + float(rng.random()) * max(0.0, b - a - h)
        offset = float(rng.choice([-1, 1]) * rng.uniform(0.12, 0.24))
        offset *= 1.0 + 0.5 * frame.wave(1, 0.15 + 0.3 * k)
        rows = slice(round(y * size), round(min(y + h, band[1] / size) * size))
        canvas[rows] = np.roll(canvas[rows], int(size * offset), axis=1)
        _split_channels(canvas[rows], max(1, round(size * 0.035)))


def _corrupt_blocks(canvas: np.ndarray, band: Band, target: Target, rng: np.random.Generator,
                    colors: dict[str, np.ndarray]) -> None:
    """A few corrupt blocks on the form (never adrift in the paper, where they read as
    stray marks): one flooded with the accent, the others held or smeared."""
    size = canvas.shape[0]
    a, b = _on_form(band, target)
    left, right = max(target[2], int(0.08 * size)), min(target[3], int(0.92 * size))
    for k in range(int(rng.integers(3, 6))):
        h = int(size * (rng.uniform(0.01, 0.025) if k == 0 else rng.uniform(0.02, 0.07)))
        w = int(size * rng.uniform(0.05, 0.14 if k == 0 else 0.3))
        y = a + int(rng.random() * max(1, b - h - a))
        x = left + int(rng.random() * max(1.0, right - left - w))
        block = canvas[y:min(y + h, band[1]), x:x + w]
        if block.size == 0:
            continue
        if k == 0:
            block += (colors["accent"] - block) * 0.9
        elif k % 2:
            # Sample and hold: macro-blocks of a starved codec.
            cell = max(2, int(size * 0.014))
            ys = (np.arange(block.shape[0]) // cell) * cell
            xs = (np.arange(block.shape[1]) // cell) * cell
            block[:] = block[ys][:, xs]
        else:
            # Smear: the first column of the block dragged across it.
            block[:] = block[:, :1]


def _scanlines(canvas: np.ndarray, zone: Zone, t: float = 0.0) -> None:
    """Scanlines over the page; in motion they roll down it, one line per loop."""
    size = canvas.shape[0]
    period = max(2.5, size / 300)
    y = np.arange(size, dtype=np.float32)
    lines = 0.5 + 0.5 * np.cos(2 * np.pi * y / np.float32(period) - np.float32(2 * np.pi * t))
    depth = 0.22 * (1.0 - 0.8 * zone.weight(size)[:, 0])
    # Centred on 1 so the lines texture the page without shifting its average brightness.
    canvas *= (1.0 + depth * (0.5 - lines))[:, None, None]


def _tracking_noise(canvas: np.ndarray, band: Band, target: Target, rng: np.random.Generator,
                    color: np.ndarray) -> None:
    """One band of snow where the tape's tracking slipped, across the form: never hugging
    the page edge (a line along the trim reads as a printing fault, not as a tape)."""
    size = canvas.shape[0]
    lo, hi = _on_form(band, target)
    a, b = max(lo, int(0.08 * size)), min(hi, int(0.92 * size))
    h = max(2, int(size * 0.012))
    y = a + int(rng.random() * max(1, b - h - a))
    texture = independent(rng)
    speck = texture.random((h, size // 3 + 1), dtype=np.float32)
    speck = np.repeat(speck, 3, axis=1)[:, :size]
    streak = np.clip((speck - 0.55) * 2.2, 0, 1) * 0.6
    streak[:, :max(0, target[2])] = 0.0
    streak[:, target[3]:] = 0.0
    strip = canvas[y:y + h]
    strip += (color - strip) * streak[:strip.shape[0], :, None]


@dataclass(frozen=True)
class Signal:
    """The picture before the tape damages it: paper and the bold form, and where they are."""

    canvas: np.ndarray  # (size, size, 3) float RGB: the paper with the form drawn on it
    colors: dict[str, np.ndarray]
    zone: Zone
    bands: list[Band]  # rows that take damage
    target: Target  # where the form shows: the damage is aimed there
    ground: motifs.Silhouette | None  # laid on whole after the damage
    paper: list[tuple[slice, np.ndarray]]  # the calm rows, as clean paper


def signal(plan: CoverPlan, rng: np.random.Generator, size: int,
           frame: Frame = FULL) -> Signal:
    """The undamaged picture; ``render`` goes on from the same generator state to damage it
    (tests compare the two to see the tears)."""
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor, frame=frame)
    canvas = paper_field(colors["background"], independent(rng), size, strength=0.015)
    bands = _art_bands(zone, size, frame)
    edges = [0, *(row for band in bands for row in band), size]
    calm = [slice(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b > a]
    paper = [(rows, canvas[rows].copy()) for rows in calm]
    ground = _ground(plan, zone, rng, size, frame)
    target = _draw_form(canvas, plan, colors, zone, rng, frame, ground)
    return Signal(canvas, colors, zone, bands, target, ground, paper)


def render(plan: CoverPlan, rng: np.random.Generator, size: int,
           frame: Frame = FULL) -> np.ndarray:
    picture = signal(plan, rng, size, frame)
    canvas, colors, zone, target = picture.canvas, picture.colors, picture.zone, picture.target
    # Glitch bursts in motion: the channels tear apart in sharp pulses, three times a loop.
    burst = 1.0 + 2.5 * max(0.0, frame.wave(3, 0.1)) ** 4
    _split_channels(canvas, max(1, round(size * frame.short * 0.01 * burst)))
    for band in picture.bands:
        _slice(canvas, band, rng)
        _displace(canvas, band, target, rng, frame)
        _corrupt_blocks(canvas, band, target, rng, colors)
    _tracking_noise(canvas, picture.bands[0], target, rng, colors["ink"])
    if picture.ground is not None:
        _lay_ground(canvas, picture.ground, colors, zone)
    # Everything outside the art bands goes back to clean paper: a hard-edged, quiet field
    # for the type, which makes the damage around it look chosen rather than accidental.
    for rows, paper in picture.paper:
        canvas[rows] = paper
    _scanlines(canvas, zone, frame.t)
    return np.clip(canvas, 0.0, 1.0, out=canvas)
