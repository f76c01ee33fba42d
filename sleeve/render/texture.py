"""Surface finish shared by every style: grain and dithering so gradients never band."""

from __future__ import annotations

import numpy as np


def finish(rgb: np.ndarray, rng: np.random.Generator, grain: float = 0.03) -> np.ndarray:
    """Float RGB in [0, 1] → uint8 with film grain and triangular dither.

    Grain is luminance-only (one channel shared by R, G and B) so it reads as film, not as
    colour noise; the ±1 LSB triangular dither breaks up the 8-bit steps of slow gradients.
    """
    h, w, _ = rgb.shape
    noise = rng.standard_normal((h, w), dtype=np.float32)
    # Mid-tones take the most grain, as film does; pure black and white stay clean.
    lum = rgb.mean(axis=2)
    weight = 4.0 * lum * (1.0 - lum) * grain
    out = rgb + (noise * weight)[..., None]
    dither = rng.random((h, w, 1), dtype=np.float32) - rng.random((h, w, 1), dtype=np.float32)
    out = out * 255.0 + dither + 0.5
    np.clip(out, 0, 255, out=out)
    return out.astype(np.uint8)
