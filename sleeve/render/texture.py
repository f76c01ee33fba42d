"""Surface finish shared by every style: grain and dithering so gradients never band.

Drawing 9 M gaussian samples per 3000² cover costs more than the rest of the finish, and
white noise has no structure to repeat, so the grain is one seeded tile (1024²) laid across
the page from a random offset. Each repeat of the tile is
rolled and each strip of rows shifted at random, so nothing lines up into a visible
pattern. The work runs
in strips of rows, which keeps the temporaries in cache: ~100 ms at 3000² on one core.

Grain and dither come in 2×2-pixel clumps (``CLUMP``). At 3000² a pixel is ~8 µm of a 35 mm
frame, about half a film grain, so one-pixel noise reads as a digital sensor's, not film's;
and one-pixel noise is incompressible: a lossless encoder must spend ~5 bits per channel on
every grainy pixel (PNG cannot share the luminance grain between R, G and B), which put 3000²
PNG masters at 12–14 MB against the stores' 10 MB. In clumps, three of every four pixels repeat
a neighbour's grain, which PNG's Sub and Up filters predict exactly: ~7 MB.
"""

from __future__ import annotations

import numpy as np

TILE = 1024
CLUMP = 2  # grain and dither are drawn per CLUMP×CLUMP block of pixels
GRAIN = 0.03  # the default grain strength (styles may set their own: ``styles.grain_of``)
_STRIP = 128  # divides TILE, so a strip never crosses a tile row


def _wide(tile: np.ndarray, width: int, rng: np.random.Generator, clump: int) -> np.ndarray:
    """``tile`` laid sideways to at least ``width`` + TILE columns, each copy rolled
    vertically by its own amount so no copy repeats its neighbour."""
    copies = -(-width // TILE) + 1
    rolls = rng.integers(0, TILE // clump, copies) * clump  # whole clumps stay whole
    return np.concatenate([np.roll(tile, int(r), axis=0) for r in rolls], axis=1)


def _clumps(cells: np.ndarray, clump: int) -> np.ndarray:
    """Each value of ``cells`` as a clump×clump block: a TILE² tile."""
    return np.repeat(np.repeat(cells, clump, axis=0), clump, axis=1)


def clump_for(scale: float) -> int:
    """The clump, in pixels, for art drawn at ``scale`` of the size it is shown at, so the
    grain shows CLUMP pixels wide however the art was drawn (at least one pixel)."""
    return max(1, round(CLUMP * scale))


def finish(rgb: np.ndarray, rng: np.random.Generator, grain: float = GRAIN,
           clump: int = CLUMP) -> np.ndarray:
    """Float RGB in [0, 1] → uint8 with film grain and triangular dither.

    Grain is luminance-only (one channel shared by R, G and B) so it reads as film, not as
    colour noise; mid-tones take the most, as on film, and pure black and white stay clean.
    The ±1 LSB triangular dither breaks up the 8-bit steps of slow gradients everywhere.
    """
    h, w, _ = rgb.shape
    # With s = R+G+B, l(1-l) = s(3-s)/9, so the 1/9 and the 255 go into the tile once.
    if TILE % clump:
        raise ValueError(f"a grain clump must divide the {TILE}-pixel tile, got {clump}")
    cells = (TILE // clump, TILE // clump)
    noise = _clumps(rng.standard_normal(cells, dtype=np.float32) * np.float32(
        4.0 * grain * 255.0 / 9.0), clump)
    dither = _clumps(rng.random(cells, dtype=np.float32) - rng.random(cells, dtype=np.float32),
                     clump)
    dither += np.float32(0.5)  # rounding, folded in
    noise, dither = _wide(noise, w, rng, clump), _wide(dither, w, rng, clump)
    # Sideways shift per strip, in whole clumps: grain and dither clumps share one grid, so
    # three of every four pixels repeat a neighbour's offset exactly.
    shifts = rng.integers(0, TILE // clump, (2, h // _STRIP + 2)) * clump
    oy = rng.integers(0, TILE // _STRIP, 2) * _STRIP
    out = np.empty((h, w, 3), dtype=np.uint8)
    strip = np.empty((_STRIP, w, 3), dtype=np.float32)
    for y in range(0, h, _STRIP):
        rows = rgb[y:y + _STRIP]
        n = rows.shape[0]
        s = rows[..., 0] + rows[..., 1]  # explicit adds: sum(axis=2) is ~10x slower here
        s += rows[..., 2]
        offset = np.float32(3.0) - s
        offset *= s
        yn, yd = y + int(oy[0]), y + int(oy[1])
        xn, xd = int(shifts[0, y // _STRIP]), int(shifts[1, y // _STRIP])
        offset *= noise[yn % TILE:yn % TILE + n, xn:xn + w]
        offset += dither[yd % TILE:yd % TILE + n, xd:xd + w]
        buf = strip[:n]
        np.multiply(rows, np.float32(255.0), out=buf)
        buf += offset[..., None]
        np.clip(buf, 0, 255, out=buf)
        out[y:y + n] = buf
    return out
