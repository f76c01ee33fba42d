"""Contrast: the ink for a block of type, and the scrim (or band) under it just strong enough
for WCAG AA (4.5:1) over the art — predicted on the art's pixels, measured on the output."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image

from sleeve.core.color import relative_luminance
from sleeve.core.plan import CoverPlan, hex_to_rgb
from sleeve.render.contrast import (
    WCAG_AA,
    background_pixels,
    contrast_against,
    luminance,
    text_contrast,
)
from sleeve.render.typeset.placement import SAFE, Layout

Box = tuple[int, int, int, int]
RGB = tuple[int, int, int]

TARGET = WCAG_AA * 1.06  # aim a little above 4.5 so the measured ratio clears it
PAPER: RGB = (247, 243, 236)
NEAR_BLACK: RGB = (17, 17, 19)


def _scrim_colour(background: RGB, light_ink: bool) -> RGB:
    """A tinted near-black (or near-white): darker than the art, but of the same palette."""
    if light_ink:
        return (round(background[0] * 0.16), round(background[1] * 0.16),
                round(background[2] * 0.16))
    return (round(255 - (255 - background[0]) * 0.12), round(255 - (255 - background[1]) * 0.12),
            round(255 - (255 - background[2]) * 0.12))


def _predicted(background: np.ndarray, ink: RGB, scrim: RGB, alpha: float) -> float:
    """Contrast once a scrim of ``alpha`` lies over ``background`` (N×3 pixels), blended as
    Image.paste blends, in sRGB bytes."""
    blended = np.rint(background * np.float32(1 - alpha)
                      + np.asarray(scrim, np.float32) * np.float32(alpha)).astype(np.uint8)
    return contrast_against(relative_luminance(ink), luminance(blended))


BAND_ALPHA = 0.94  # a little art shows through, so the band keeps the cover's grain
ALPHAS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def choose_ink(pixels: np.ndarray, mask: np.ndarray, candidates: Sequence[RGB],
               background: RGB, start: float = 0.0) -> tuple[RGB, RGB, float]:
    """(ink, scrim colour, scrim alpha): the candidate that reaches the target with the
    weakest scrim; the palette's own ink wins ties, so plain art keeps the designed colour."""
    behind = background_pixels(pixels, mask, budget=20_000).astype(np.float32)
    best: tuple[RGB, RGB, float] | None = None
    for ink in candidates:
        light = relative_luminance(ink) > 0.18
        scrim = _scrim_colour(background, light)
        for alpha in ALPHAS:
            if alpha < start or (best is not None and alpha >= best[2]):
                continue
            if _predicted(behind, ink, scrim, alpha) >= TARGET:
                best = (ink, scrim, alpha)
                break
    if best is None:  # only reachable with odd candidates: black/white on solid always passes
        return candidates[-1], _scrim_colour(background, False), 1.0
    return best


def band_ink(behind: np.ndarray, band: RGB, alpha: float, candidates: Sequence[RGB]) -> RGB:
    """Ink for a band of ``alpha`` over the ``behind`` pixels (N×3): the palette ink if it
    reaches the target there, else the strongest candidate."""
    scores = [_predicted(behind.astype(np.float32), c, band, alpha) for c in candidates]
    return candidates[0] if scores[0] >= TARGET else candidates[int(np.argmax(scores))]


def _smoothstep(x: np.ndarray) -> np.ndarray:
    t = np.clip(x, 0.0, 1.0)
    return t * t * (3 - 2 * t)


def scrim_region(size: tuple[int, int], rect: Box, feather: float, hard: bool) -> Box:
    reach = 0 if hard else round(feather)
    return (max(0, rect[0] - reach), max(0, rect[1] - reach),
            min(size[0], rect[2] + reach), min(size[1], rect[3] + reach))


def scrim_mask(size: tuple[int, int], rect: Box, feather: float, alpha: float,
               hard: bool = False) -> tuple[Image.Image, Box]:
    """Alpha (L) that is ``alpha`` inside ``rect`` and fades out over ``feather`` pixels — a
    soft gradient — and the image region it covers. Computed at 1/8 resolution (it is
    smooth) and scaled up, so a 3000² cover costs a few milliseconds."""
    region = scrim_region(size, rect, feather, hard)
    rw, rh = region[2] - region[0], region[3] - region[1]
    if hard:
        return Image.new("L", (rw, rh), round(alpha * 255)), region
    scale = 8
    w, h = -(-rw // scale), -(-rh // scale)
    xs = region[0] + (np.arange(w, dtype=np.float32) + 0.5) * scale
    ys = region[1] + (np.arange(h, dtype=np.float32) + 0.5) * scale
    dx = np.maximum(np.maximum(rect[0] - xs, xs - rect[2]), 0.0)[None, :]
    dy = np.maximum(np.maximum(rect[1] - ys, ys - rect[3]), 0.0)[:, None]
    dist = np.sqrt(dx * dx + dy * dy)
    a = alpha * (1.0 - _smoothstep(dist / max(feather, 1.0)))
    small = Image.fromarray(np.rint(a * 255).astype(np.uint8), "L")
    full = small.resize((w * scale, h * scale), Image.Resampling.BILINEAR)
    return full.crop((0, 0, rw, rh)), region


def candidates(plan: CoverPlan) -> list[RGB]:
    ink = hex_to_rgb(plan.palette.ink)
    out = [ink]
    for c in (PAPER, NEAR_BLACK, (255, 255, 255), (0, 0, 0)):
        if c not in out:
            out.append(c)
    return out


def measured_contrast(image: Image.Image, mask: Image.Image, box: Box | None, ink: RGB) -> float:
    assert box is not None
    return text_contrast(np.asarray(image.crop(box)), np.asarray(mask.crop(box)), ink)


def grown(box: Box, by: int, width: int, height: int) -> Box:
    return (max(0, box[0] - by), max(0, box[1] - by), min(width, box[2] + by),
            min(height, box[3] + by))


def combined(masks: Sequence[Image.Image], region: Box) -> np.ndarray:
    out = np.zeros((region[3] - region[1], region[2] - region[0]), np.uint8)
    for m in masks:
        out = np.maximum(out, np.asarray(m.crop(region)))
    return out


def band_rect(block: Box, width: int, height: int) -> Box:
    """A label across the bottom, inside the safe area, holding the block with padding."""
    pad = round(0.035 * width)
    return (round(width * (SAFE + 0.005)), block[1] - pad, round(width * (1 - SAFE - 0.005)),
            round(height * (1 - SAFE - 0.005)))


def scrim_rect(block: Box, layout: Layout, width: int, height: int) -> Box:
    """Full strength behind the block (plus air); a top or bottom block's scrim runs out to
    its edge as a gradient, like a caption over a photograph, a centred one fades all round."""
    air = round(0.03 * width)
    x0, y0, x1, y1 = block[0] - air, block[1] - air, block[2] + air, block[3] + air
    if block[3] > height * 0.6:
        return (0, y0, width, height)
    if block[1] < height * 0.4:
        return (0, 0, width, y1)
    return (x0, y0, x1, y1)
