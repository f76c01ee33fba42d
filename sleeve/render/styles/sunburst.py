"""Sunburst: a retro poster — rays from one point, a ringed medallion, warm printed paper.

Rays fan out from a point in the art area in the primary ink over paper in the background
colour, slightly worn as if printed. At the origin sits a medallion: a disc in the accent,
framed by a thin ring, a ring of beads and an outer rule, carrying the plan's object motif
(heart, flower, star…) when there is one. The type zone is a flat paper banner edged with a
double rule, the way trot and cabaret posters set their titles.
"""

from __future__ import annotations

import numpy as np

from sleeve.core.plan import CoverPlan
from sleeve.render import motifs
from sleeve.render.frame import FULL, Frame
from sleeve.render.page import Zone, independent, palette_rgb, paper_field, type_zone
from sleeve.render.raster import (
    Mask,
    Pen,
    fbm,
    field_res,
    luminance,
    mix,
    paint,
    upscale,
    vignette,
)

DESCRIPTION = "Sunburst: retro poster rays from a ringed medallion on warm printed paper"

# Origin of the rays (x, y as page fractions) and medallion radius, by type anchor.
_ORIGIN = {"top": (0.5, 0.7, 0.17), "bottom": (0.5, 0.33, 0.17), "center": (0.5, 1.0, 0.2)}


def _inks(colors: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(paper, ray ink, rule ink): paper is the lighter of background and the paper-ish
    secondary, so a dark palette still prints on stock."""
    paper = colors["background"]
    ray = colors["primary"]
    if abs(luminance(ray) - luminance(paper)) < 0.12:
        ray = colors["secondary"]
    rule = max((colors["accent"], colors["ink"], ray),
               key=lambda c: abs(luminance(c) - luminance(paper)))
    return paper, ray, rule


def _rays(size: int, ox: float, oy: float, rng: np.random.Generator, t: float = 0.0) -> Mask:
    """The rays; in motion they turn one ray's width per loop (the burst looks the same
    every 2π/n, so the loop closes)."""
    n = int(rng.choice([16, 20, 24, 28]))
    turn = rng.uniform(0, 2 * np.pi / n) + 2 * np.pi * t / n
    reach = 2.0 * size
    pen = Pen(size, (0, 0, size, size))
    for k in range(n):
        a0 = turn + 2 * np.pi * k / n
        a1 = a0 + np.pi / n
        pen.polygon([(ox, oy), (ox + reach * np.cos(a0), oy + reach * np.sin(a0)),
                     (ox + reach * np.cos(a1), oy + reach * np.sin(a1))])
    return pen.mask()


def _wear(size: int, rng: np.random.Generator) -> np.ndarray:
    """(size, size) ink density 0.8–1: uneven inking across the sheet."""
    res = field_res(size) // 2
    return upscale(0.8 + 0.2 * fbm(independent(rng), res, cells=6.0, octaves=4), size)


def _medallion(page: np.ndarray, cx: float, cy: float, r: float, colors: dict[str, np.ndarray],
               paper: np.ndarray, ray: np.ndarray, rule: np.ndarray,
               short: float = 1.0) -> None:
    """Disc, rings and beads, all from one distance field over the medallion's window."""
    size = page.shape[0]
    outer = r * 1.5
    c0, r0 = max(0, int(cx - outer - 2)), max(0, int(cy - outer - 2))
    c1, r1 = min(size, int(cx + outer + 3)), min(size, int(cy + outer + 3))
    if c1 <= c0 or r1 <= r0:
        return
    ys = np.arange(r0, r1, dtype=np.float32)[:, None] + 0.5 - cy
    xs = np.arange(c0, c1, dtype=np.float32)[None, :] + 0.5 - cx
    d = np.sqrt(xs * xs + ys * ys)
    unit = size * short * 0.0025  # one hairline

    def ring_at(radius: float, width: float) -> Mask:
        return Mask(np.clip(width / 2 - np.abs(d - radius) + 0.5, 0, 1).astype(np.float32),
                    r0, c0)

    def disc_at(radius: float) -> Mask:
        return Mask(np.clip(radius - d + 0.5, 0, 1).astype(np.float32), r0, c0)

    paint(page, disc_at(r * 1.46), paper)  # a paper collar separates medallion from rays
    paint(page, ring_at(r * 1.4, unit * 1.6), rule)
    # Beads: a ring of small dots, as pressed into a tin sign.
    theta = np.arctan2(ys, xs)
    beads = 36
    phase = (theta * beads / (2 * np.pi)) % 1.0 - 0.5
    along = np.abs(phase) * (2 * np.pi * r * 1.25 / beads)
    across = np.abs(d - r * 1.25)
    dots = np.clip(r * 0.035 - np.sqrt(along * along + across * across) + 0.5, 0, 1)
    paint(page, Mask(dots.astype(np.float32), r0, c0), ray)
    paint(page, ring_at(r * 1.1, unit * 1.2), rule)
    paint(page, disc_at(r), colors["accent"] if abs(
        luminance(colors["accent"]) - luminance(paper)) > 0.1 else ray)
    paint(page, ring_at(r * 0.86, unit), paper)


def _banner(page: np.ndarray, zone: Zone, paper: np.ndarray, rule: np.ndarray,
            rng: np.random.Generator, frame: Frame) -> None:
    """Flat paper over the type zone with a double rule on its art side."""
    size = page.shape[0]
    top, bottom = int(zone.y0 * size), int(np.ceil(zone.y1 * size))
    page[top:bottom] = paper
    unit = max(1, round(size * frame.short * 0.003))
    edges = []
    if zone.anchor in ("top", "center"):
        edges.append((bottom, -1))
    if zone.anchor in ("bottom", "center"):
        edges.append((top, 1))
    for edge, into in edges:
        for offset, w in ((0, unit * 2), (unit * 4, unit)):
            y = edge + into * offset
            a, b = sorted((y, y + into * w))
            page[max(0, a):max(0, b)] = rule


def render(plan: CoverPlan, rng: np.random.Generator, size: int,
           frame: Frame = FULL) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor, frame=frame)
    paper, ray, rule = _inks(colors)
    page = paper_field(paper, rng, size, 0.025)
    ox, oy, r = _ORIGIN[zone.anchor]
    ox = frame.x(ox + rng.uniform(-0.03, 0.03))
    oy, r = frame.y(oy), frame.r(r)
    rays = _rays(size, ox * size, oy * size, rng, frame.t)
    wear = _wear(size, rng)
    paint(page, Mask(rays.alpha * wear[rays.region], rays.top, rays.left),
          mix(ray, paper, 0.12))
    _banner(page, zone, paper, rule, rng, frame)
    _medallion(page, ox * size, oy * size, r * size, colors, paper, ray, rule, frame.short)
    _emblem(page, plan, colors, paper, ox, oy, r, rng)
    page *= upscale(vignette(field_res(size), 0.18), size)[..., None]
    return np.clip(page, 0.0, 1.0, out=page)


def _emblem(page: np.ndarray, plan: CoverPlan, colors: dict[str, np.ndarray],
            paper: np.ndarray, ox: float, oy: float, r: float, rng: np.random.Generator) -> None:
    """The plan's object motif, small and flat inside the medallion."""
    for name, _ in motifs.pick(plan.motifs, "object"):
        if name in ("sun", "moon", "night"):
            return  # the medallion already is the sun
        s = r * 0.55
        box = motifs.Box(ox - s, oy - s, ox + s, oy + s)
        shape = motifs.silhouette(name, page.shape[0], rng, box)
        if shape is not None:
            paint(page, shape.body, paper)
            paint(page, shape.detail, colors["primary"])
        return
