"""Glitch / VHS: one bold form, then broken the way a worn tape breaks it — but on purpose.

The form (the motif's silhouette, or a stark disc or triangle) is drawn big: with a centred
title it spans the page and the title cuts through it. Then the signal is damaged in the
order a tape damages it: the red and blue channels slip apart, many thin strips tear
sideways, one or two thick bands are thrown far with a wide colour split, a few blocks are
corrupted (pixelated, smeared, or flooded with the accent colour) and scanlines run over
everything. Outside the art bands the page goes back to clean paper, so the title sits on
a hard-edged, quiet field.
"""

from __future__ import annotations

from dataclasses import replace

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
    palette_rgb,
    paper_field,
    type_zone,
)
from sleeve.render.raster import Pen, lightness, paint, soften

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
        top = 0.62 if zone.anchor == "center" else y0 + (y1 - y0) * 0.3
        return motifs.Box(0.0, top, 1.0, min(y1, 1.0))
    return motifs.Box(0.02 if zone.anchor == "center" else 0.08, y0,
                      0.98 if zone.anchor == "center" else 0.92, y1)


def _draw_form(canvas: np.ndarray, plan: CoverPlan, colors: dict[str, np.ndarray],
               zone: Zone, rng: np.random.Generator, frame: Frame) -> None:
    size = canvas.shape[0]
    form, echo = focal_pair(colors)
    if abs(lightness(form) - lightness(colors["background"])) < 0.25:
        # A pale palette (fog, pastel) would leave a ghost of a form: damage needs contrast
        # to show, so the form takes the ink, which the palette keeps readable on the paper.
        form, echo = colors["ink"], form
    ink = motifs.Ink(body=form, detail=colors["accent"], glow=form, glow_strength=0.16)
    picked = first_motif(plan.motifs, "object", "ground")
    shape = None
    if picked is not None:
        shape = motifs.silhouette(picked[0], size, rng, _form_box(zone, picked[1], frame))
    if shape is None:
        x0, y0, x1, y1 = _form_box(zone, None, frame).pixels(size)
        cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, 0.44 * min(x1 - x0, y1 - y0)
        pen = Pen(size, (x0, y0, x1, y1))
        if rng.random() < 0.5:
            pen.ellipse(cx, cy, r, r)
        else:
            pen.polygon([(cx, cy - r), (cx + r * 0.95, cy + r * 0.72),
                         (cx - r * 0.95, cy + r * 0.72)])
        body = pen.mask()
        shape = motifs.Silhouette("form", "object", True, body, glow=soften(body, size, r * 0.3))
    # A neon outline would tear into nothing: damage needs a solid mass to act on. No glow:
    # a hard edge is what the colour fringes and tears cut against.
    shape = replace(shape, body=bolden(shape.body, size), glow=motifs.EMPTY)
    # A ghost of the form in the secondary colour: the echo of a second tape generation.
    # In motion the ghost jumps out in bursts and settles back (twice a loop).
    burst = 1.0 + 1.2 * max(0.0, frame.wave(2)) ** 3
    ghost = misregister(shape.body, int(size * frame.short * rng.choice([-1, 1]) * 0.05 * burst),
                        0, size)
    paint(canvas, ghost, echo, 0.6)
    motifs.draw(canvas, shape, ink)


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


def _displace(canvas: np.ndarray, band: Band, rng: np.random.Generator,
              frame: Frame = FULL) -> None:
    """One or two thick bands thrown far sideways with a wide colour split: the big,
    deliberate break that makes the damage read at thumbnail size. In motion they slide to
    and fro."""
    size = canvas.shape[0]
    a, b = band[0] / size, band[1] / size
    for k in range(int(rng.integers(1, 3))):
        h = float(rng.uniform(0.04, 0.09))
        y = a + float(rng.random()) * max(0.0, b - a - h)
        offset = float(rng.choice([-1, 1]) * rng.uniform(0.12, 0.24))
        offset *= 1.0 + 0.5 * frame.wave(1, 0.15 + 0.3 * k)
        rows = slice(round(y * size), round(min(y + h, b) * size))
        canvas[rows] = np.roll(canvas[rows], int(size * offset), axis=1)
        _split_channels(canvas[rows], max(1, round(size * 0.035)))


def _corrupt_blocks(canvas: np.ndarray, band: Band, rng: np.random.Generator,
                    colors: dict[str, np.ndarray]) -> None:
    size = canvas.shape[0]
    a, b = band
    for k in range(int(rng.integers(3, 6))):
        h = int(size * (rng.uniform(0.01, 0.025) if k == 0 else rng.uniform(0.02, 0.07)))
        w = int(size * rng.uniform(0.05, 0.14 if k == 0 else 0.3))
        y = a + int(rng.random() * max(1, b - h - a))
        x = int(size * 0.1 + rng.random() * max(1.0, size * 0.8 - w))
        block = canvas[y:y + h, x:x + w]
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


def _tracking_noise(canvas: np.ndarray, band: Band, rng: np.random.Generator,
                    color: np.ndarray) -> None:
    """One band of snow where the tape's tracking slipped, never hugging the page edge (a
    line along the trim reads as a printing fault, not as a tape)."""
    size = canvas.shape[0]
    a, b = max(band[0], int(0.08 * size)), min(band[1], int(0.92 * size))
    h = max(2, int(size * 0.012))
    y = a + int(rng.random() * max(1, b - h - a))
    texture = independent(rng)
    speck = texture.random((h, size // 3 + 1), dtype=np.float32)
    speck = np.repeat(speck, 3, axis=1)[:, :size]
    streak = np.clip((speck - 0.55) * 2.2, 0, 1) * 0.6
    strip = canvas[y:y + h]
    strip += (color - strip) * streak[:strip.shape[0], :, None]


def render(plan: CoverPlan, rng: np.random.Generator, size: int,
           frame: Frame = FULL) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor, frame=frame)
    canvas = paper_field(colors["background"], independent(rng), size, strength=0.015)
    bands = _art_bands(zone, size, frame)
    edges = [0, *(row for band in bands for row in band), size]
    calm = [slice(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b > a]
    clean = [canvas[rows].copy() for rows in calm]
    _draw_form(canvas, plan, colors, zone, rng, frame)
    # Glitch bursts in motion: the channels tear apart in sharp pulses, three times a loop.
    burst = 1.0 + 2.5 * max(0.0, frame.wave(3, 0.1)) ** 4
    _split_channels(canvas, max(1, round(size * frame.short * 0.01 * burst)))
    for band in bands:
        _slice(canvas, band, rng)
        _displace(canvas, band, rng, frame)
        _corrupt_blocks(canvas, band, rng, colors)
    _tracking_noise(canvas, bands[0], rng, colors["ink"])
    # Everything outside the art bands goes back to clean paper: a hard-edged, quiet field
    # for the type, which makes the damage around it look chosen rather than accidental.
    for rows, paper in zip(calm, clean, strict=True):
        canvas[rows] = paper
    _scanlines(canvas, zone, frame.t)
    return np.clip(canvas, 0.0, 1.0, out=canvas)
