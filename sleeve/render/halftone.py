"""Print simulation: halftone screens, misregistration and overprinted spot inks.

A plate is a ``raster.Mask`` of ink coverage over a window of the page. ``screen`` turns a
continuous tone into round anti-aliased dots on a rotated grid; ``misregister`` nudges a
plate as a press does; ``overprint`` multiplies a transparent ink onto the page, so two
overlapping inks make a third colour, which is what gives risograph and old print its look.
"""

from __future__ import annotations

import numpy as np

from sleeve.render.page import independent
from sleeve.render.raster import EMPTY, Mask, resize


def _spot(h: int, w: int, period: float, angle_deg: float) -> np.ndarray:
    """The dot-screen function (h, w) in [0, 1], peaking at dot centres.

    ``(cos u + cos v) / 4 + 1/2`` on axes turned by the screen angle. Each cosine of a rotated
    coordinate splits into products of per-row and per-column terms (angle addition), so the
    page costs a few multiplications instead of two full-size transcendental passes.
    """
    a = np.deg2rad(angle_deg)
    k = 2 * np.pi / period
    ys = np.arange(h, dtype=np.float64) * k
    xs = np.arange(w, dtype=np.float64) * k
    c, s = np.cos(a), np.sin(a)
    # u = x·c + y·s ; v = y·c − x·s
    cxu, sxu = np.cos(xs * c).astype(np.float32), np.sin(xs * c).astype(np.float32)
    cyu, syu = np.cos(ys * s).astype(np.float32), np.sin(ys * s).astype(np.float32)
    cyv, syv = np.cos(ys * c).astype(np.float32), np.sin(ys * c).astype(np.float32)
    cxv, sxv = np.cos(xs * s).astype(np.float32), np.sin(xs * s).astype(np.float32)
    spot = np.multiply.outer(cyu, cxu)
    term = np.empty_like(spot)
    spot -= np.multiply.outer(syu, sxu, out=term)
    spot += np.multiply.outer(cyv, cxv, out=term)
    spot += np.multiply.outer(syv, sxv, out=term)
    spot *= 0.25
    spot += 0.5
    return spot


def screen(tone: np.ndarray, period: float, angle_deg: float) -> np.ndarray:
    """Amplitude-modulated halftone: ``tone`` (h, w) in [0, 1] → dot coverage (h, w)."""
    h, w = tone.shape
    spot = _spot(h, w, period, angle_deg)
    # A dot grows as the tone rises; its anti-aliased edge, about one pixel of the spot's
    # slope, is centred on the threshold so the mean coverage tracks the tone at any ruling.
    edge = np.float32(max(1.6 / period, 0.02))
    spot -= 1.0 - tone
    spot /= edge
    spot += 0.5
    np.clip(spot, 0.0, 1.0, out=spot)
    # The lightest tints fade in rather than starting as half-covered dot centres.
    spot *= np.clip(tone * (2.0 / edge), 0.0, 1.0)
    # Solid areas stay solid (no dot pattern left in a 100 % tint).
    np.maximum(spot, np.where(tone > 0.97, tone, 0.0), out=spot)
    if period < 4.0:
        # Dots under four pixels cannot be resolved (only moiré would show): lean on the tone.
        blend = np.float32((4.0 - period) / 2.0 if period > 2.0 else 1.0)
        spot *= 1.0 - blend
        spot += blend * tone
    return spot


def misregister(plate: Mask, dx: int, dy: int, size: int) -> Mask:
    """``plate`` moved by whole pixels, cropped to the page."""
    top, left = plate.top + dy, plate.left + dx
    h, w = plate.alpha.shape
    r0, c0 = max(0, -top), max(0, -left)
    r1, c1 = min(h, size - top), min(w, size - left)
    if r1 <= r0 or c1 <= c0:
        return EMPTY
    return Mask(plate.alpha[r0:r1, c0:c1], top + r0, left + c0)


def ink_density(rng: np.random.Generator, shape: tuple[int, int],
                strength: float = 0.18) -> np.ndarray:
    """Uneven ink laydown over a window: blotchy variation times fine speckle, ≤ 1."""
    rng = independent(rng)
    h, w = shape
    # Both the blotches and the speckle are built at a third of the window and upscaled once.
    sh, sw = h // 3 + 2, w // 3 + 2
    small = resize(rng.random((9, 9), dtype=np.float32), sh, sw) * np.float32(0.6)
    small += rng.random((sh, sw), dtype=np.float32) * np.float32(0.7)
    density = resize(small, h, w, smooth=False) * np.float32(-strength)
    density += 1.0
    return np.clip(density, 0.0, 1.0, out=density)


def overprint(page: np.ndarray, plate: Mask, ink: np.ndarray) -> None:
    """Multiply ink through ``plate`` onto ``page`` (in place): page · (1 − c·(1 − ink))."""
    if plate.is_empty():
        return
    under = page[plate.region]
    for ch in range(3):
        under[..., ch] *= 1.0 - plate.alpha * np.float32(1.0 - float(ink[ch]))
