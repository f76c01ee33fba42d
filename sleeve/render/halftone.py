"""Print simulation: halftone screens, misregistration and overprinted spot inks.

Ink layers are coverage fields in [0, 1]. ``screen`` turns a continuous tone into round
anti-aliased dots on a rotated grid; ``shift`` nudges a whole plate as a press does;
``overprint`` multiplies transparent inks onto paper, so two overlapping inks make a third
colour, which is what gives risograph and old print its look.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sleeve.render.page import independent
from sleeve.render.raster import upscale


def screen(tone: np.ndarray, period: float, angle_deg: float) -> np.ndarray:
    """Amplitude-modulated halftone: ``tone`` (h, w) in [0, 1] → dot coverage (h, w)."""
    h, w = tone.shape
    a = np.deg2rad(angle_deg)
    k = np.float32(2 * np.pi / period)
    ys = np.arange(h, dtype=np.float32)[:, None]
    xs = np.arange(w, dtype=np.float32)[None, :]
    u = (xs * np.float32(np.cos(a)) + ys * np.float32(np.sin(a))) * k
    v = (ys * np.float32(np.cos(a)) - xs * np.float32(np.sin(a))) * k
    # 0.5 + (cos u + cos v) / 4 peaks at dot centres; a dot grows as the tone rises.
    spot = np.cos(u)
    spot += np.cos(v)
    spot *= 0.25
    spot += 0.5
    edge = np.float32(max(1.6 / period, 0.02))  # about one pixel of the spot function's slope
    spot -= 1.0 - tone
    spot /= edge
    np.clip(spot, 0.0, 1.0, out=spot)
    # Solid areas stay solid (no dot pattern left in a 100 % tint).
    return np.where(tone > 0.97, np.maximum(spot, tone), spot).astype(np.float32)


def shift(layer: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """Move a plate by whole pixels, filling the uncovered edge with no ink."""
    out = np.zeros_like(layer)
    h, w = layer.shape[:2]
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[yd, xd] = layer[ys, xs]
    return out


def ink_density(rng: np.random.Generator, size: int, strength: float = 0.18) -> np.ndarray:
    """Uneven ink laydown: blotchy low-frequency variation times fine speckle, ≤ 1."""
    rng = independent(rng)
    blotch = upscale(rng.random((9, 9), dtype=np.float32), size)
    speckle = upscale(rng.random((size // 2 + 1, size // 2 + 1), dtype=np.float32), size)
    return np.clip(1.0 - strength * (0.6 * blotch + 0.7 * speckle), 0.0, 1.0)


def overprint(paper: np.ndarray, layers: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Multiply each (coverage, ink rgb) onto ``paper`` (h, w, 3) in order; returns a new array."""
    out = paper.copy()
    for coverage, ink in layers:
        # paper · (1 − c·(1 − ink)): a transparent ink filter, as on a riso drum.
        for ch in range(3):
            out[..., ch] *= 1.0 - coverage * (1.0 - float(ink[ch]))
    return out
