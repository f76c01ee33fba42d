"""From the model's 1024² to the 3000² master, without seams.

With a learned upscaler configured (``SLEEVE_UPSCALER_MODEL``, see
``sleeve.diffusion.upscaler``), it enlarges ×4 tile by tile (``tiled_map`` with ``scale=4``)
and the result is resampled to the master size. Otherwise (the default, and always without
such weights): Lanczos resampling of the whole image, then an unsharp mask to restore the edge
contrast resampling softens. Lanczos is the best plain resampler (sharp, little ringing) and,
applied to the whole image at once, has no tiles and so no seams; it needs no weights, which
matters because Sleeve may download nothing at run time and no SR weights ship with SDXL.

Optionally (``tiled-img2img``) the Lanczos result is redrawn tile by tile with the SDXL
weights already loaded, at low strength, adding real detail at full resolution (the "SD
upscale" technique). A 3000² image does not fit the model in one pass, so tiles overlap and
are blended with feathered (linearly ramped) weights that sum to one everywhere: where two
tiles disagree, the result fades from one to the other across the overlap instead of
stepping at a tile edge.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageFilter

# Tile → redrawn tile (same size). The int is the tile's index, for a per-tile seed.
TileFn = Callable[[Image.Image, int], Image.Image]


def tile_starts(length: int, tile: int, overlap: int) -> list[int]:
    """Offsets of tiles of ``tile`` px covering ``length`` px, each overlapping the next by at
    least ``overlap`` px; the last tile ends exactly at ``length``."""
    if tile >= length:
        return [0]
    if not 0 <= overlap < tile:
        raise ValueError(f"overlap must be in [0, {tile}), got {overlap}")
    stride = tile - overlap
    count = -(-(length - overlap) // stride)  # ceil
    # Spread the tiles evenly so every overlap is at least the requested one.
    return [round(i * (length - tile) / (count - 1)) for i in range(count)] if count > 1 else [0]


def feather(tile: int, overlap: int) -> np.ndarray:
    """Square blending weights: 1 in the middle, ramping down over ``overlap`` px to each edge,
    never zero (so a border pixel covered by one tile keeps its value after normalising)."""
    ramp = np.ones(tile, dtype=np.float64)
    if overlap > 0:
        edge = (np.arange(overlap) + 0.5) / overlap
        ramp[:overlap] = np.minimum(ramp[:overlap], edge)
        ramp[-overlap:] = np.minimum(ramp[-overlap:], edge[::-1])
    return np.outer(ramp, ramp)[..., None]


def tiled_map(image: Image.Image, tile: int, overlap: int, fn: TileFn,
              scale: int = 1) -> Image.Image:
    """Apply ``fn`` to overlapping square tiles of ``image`` and blend the results seamlessly.
    ``fn`` returns each tile ``scale`` times larger (an upscaler); the result is too."""
    width, height = image.size
    tile = min(tile, width, height)
    overlap = min(overlap, tile // 2)
    out_tile = tile * scale
    weights = feather(out_tile, overlap * scale)
    total = np.zeros((height * scale, width * scale, 3), dtype=np.float64)
    norm = np.zeros((height * scale, width * scale, 1), dtype=np.float64)
    index = 0
    for top in tile_starts(height, tile, overlap):
        for left in tile_starts(width, tile, overlap):
            crop = image.crop((left, top, left + tile, top + tile))
            out = fn(crop, index).convert("RGB")
            if out.size != (out_tile, out_tile):
                out = out.resize((out_tile, out_tile), Image.Resampling.LANCZOS)
            y, x = top * scale, left * scale
            total[y:y + out_tile, x:x + out_tile] += np.asarray(out, dtype=np.float64) * weights
            norm[y:y + out_tile, x:x + out_tile] += weights
            index += 1
    return Image.fromarray(np.clip(np.rint(total / norm), 0, 255).astype(np.uint8))


def lanczos_upscale(image: Image.Image, size: int) -> Image.Image:
    """Resample to ``size``² and sharpen in proportion to the enlargement."""
    out = image.convert("RGB").resize((size, size), Image.Resampling.LANCZOS)
    factor = size / image.width
    if factor <= 1:
        return out
    # Radius grows with the enlargement: the blur Lanczos adds is about one source pixel wide.
    radius = 0.6 * factor
    return out.filter(ImageFilter.UnsharpMask(radius=radius, percent=60, threshold=2))


def upscale(image: Image.Image, size: int, *, redraw: TileFn | None = None, tile: int = 1024,
            overlap: int = 128) -> Image.Image:
    """``image`` at ``size``²: Lanczos + unsharp, then, given ``redraw``, a tiled detail pass."""
    out = lanczos_upscale(image, size)
    if redraw is None or size <= image.width:
        return out
    return tiled_map(out, tile, overlap, redraw)
