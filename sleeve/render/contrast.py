"""Text-versus-background contrast measured on pixels (the WCAG maths is sleeve.core.color).

The background under type is never one colour, so a single average hides the bright spots
that make letters vanish. The measure here is robust and pessimistic: the per-pixel WCAG
ratio between the ink and every background pixel of the box that is not text, and then its
low percentile (5th by default) — the ratio that 95% of the background beats.
"""

from __future__ import annotations

import numpy as np

from sleeve.core.color import relative_luminance

WCAG_AA = 4.5
PERCENTILE = 5.0

# sRGB byte → linear light per channel; the luminance weights come from the WCAG formula.
_LINEAR = np.array([relative_luminance((v, v, v)) for v in range(256)], dtype=np.float32)
_WEIGHTS = np.array(
    [relative_luminance(c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))], dtype=np.float32)


def luminance(pixels: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of uint8 RGB pixels (…×3) as float32 in [0, 1]."""
    return _LINEAR[pixels] @ _WEIGHTS


def sample_step(count: int, budget: int = 60_000) -> int:
    """Stride that keeps about ``budget`` pixels of ``count``: a percentile needs no more."""
    return max(1, int((count / budget) ** 0.5))


def background_pixels(pixels: np.ndarray, text_mask: np.ndarray | None = None,
                      budget: int = 60_000) -> np.ndarray:
    """The background pixels (N×3) of an RGB region — those where the text mask is 0 —
    subsampled on a grid so large regions cost the same as small ones."""
    step = sample_step(pixels.shape[0] * pixels.shape[1], budget)
    sub = pixels[::step, ::step].reshape(-1, 3)
    if text_mask is None:
        return sub
    return sub[text_mask[::step, ::step].ravel() == 0]


def background_luminance(pixels: np.ndarray, text_mask: np.ndarray | None = None) -> np.ndarray:
    """Luminance of the (subsampled) background pixels of a region."""
    return luminance(background_pixels(pixels, text_mask))


def contrast_against(ink_luminance: float, background: np.ndarray,
                     percentile: float = PERCENTILE) -> float:
    """The ``percentile`` of per-pixel WCAG ratios between the ink and the background."""
    if background.size == 0:
        return 21.0  # nothing behind the ink but ink: no background to lose it in
    hi = np.maximum(background, ink_luminance)
    lo = np.minimum(background, ink_luminance)
    ratios = (hi + 0.05) / (lo + 0.05)
    k = int(ratios.size * percentile / 100.0)
    return float(np.partition(ratios, k)[k])


def text_contrast(pixels: np.ndarray, text_mask: np.ndarray, ink: tuple[int, int, int]) -> float:
    """Contrast of ``ink`` against the non-text pixels of an RGB region (uint8 H×W×3)."""
    return contrast_against(relative_luminance(ink), background_luminance(pixels, text_mask))
