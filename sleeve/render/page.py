"""What every procedural page starts from: palette colours as floats, the type zone, paper.

The type zone is the band ``plan.type_layout.anchor`` names; styles keep it calm so the
typesetter has open space. Smooth fields are made at low resolution and upscaled by Pillow,
which is what keeps them cheap at 3000² and free of blocky artefacts (primitives in raster).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from sleeve.core.plan import Palette, TypeAnchor, TypeLayoutName
from sleeve.render import motifs
from sleeve.render.frame import FULL, Frame
from sleeve.render.raster import Mask, fbm, luminance, resize, rgb, soften

PALETTE_NAMES = ("background", "primary", "secondary", "accent", "ink")

# Fractions of the page height; generous so title, artist and their margins all fit.
_ZONES: dict[str, tuple[float, float]] = {
    "top": (0.0, 0.34),
    "bottom": (0.66, 1.0),
    "center": (0.36, 0.64),
}


# A split layout sets the artist line in the bottom corner: art ends above this fraction.
_SPLIT_FOOT = 0.86


@dataclass(frozen=True)
class Zone:
    anchor: TypeAnchor
    y0: float  # fraction of the height
    y1: float
    foot: float = 1.0  # where the art must end at the bottom (< 1 for a split layout)

    def rows(self, size: int) -> slice:
        return slice(int(self.y0 * size), int(np.ceil(self.y1 * size)))

    def weight(self, size: int, feather: float = 0.06) -> np.ndarray:
        """(size, 1) float32: 1 inside the zone, easing to 0 over ``feather`` of the height."""
        y = (np.arange(size, dtype=np.float32) + 0.5) / size
        inside = np.minimum(y - self.y0, self.y1 - y)
        t = np.clip(inside / feather + 1.0, 0.0, 1.0)
        return (t * t * (3 - 2 * t))[:, None].astype(np.float32)


def type_zone(anchor: TypeAnchor, layout: TypeLayoutName | None = None,
              frame: Frame = FULL) -> Zone:
    """The calm band for ``anchor`` in ``frame``'s window (sheet fractions); a ``split``
    layout also keeps a foot for the artist."""
    y0, y1 = _ZONES[anchor]
    foot = _SPLIT_FOOT if layout == "split" else 1.0
    if frame == FULL.at(frame.t):
        return Zone(anchor, y0, y1, foot)
    # Outside the window the band runs on to the sheet's edge: nothing there is seen.
    lo = frame.y(y0) if y0 > 0 else 0.0
    hi = frame.y(y1) if y1 < 1 else 1.0
    return Zone(anchor, lo, hi, frame.y(foot) if foot < 1 else 1.0)


def palette_rgb(palette: Palette) -> dict[str, np.ndarray]:
    return {name: rgb(getattr(palette, name)) for name in PALETTE_NAMES}


def focal_pair(colors: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(focal, supporting): of primary and secondary, the one standing out more from the
    background carries the focal form, so the focal point survives the thumbnail test."""
    bg = luminance(colors["background"])
    primary, secondary = colors["primary"], colors["secondary"]
    if abs(luminance(secondary) - bg) > abs(luminance(primary) - bg) + 0.1:
        return secondary, primary
    return primary, secondary


def first_motif(names: list[str], *kinds: str) -> tuple[str, str] | None:
    """The first motif of the first wanted kind (``object``, ``ground``, ``weather``) that
    ``motifs`` can draw, with that kind; None when there is none."""
    known = [(name, motifs.kind_of(name)) for name in names]
    for kind in kinds:
        for name, found in known:
            if found == kind:
                return name, kind
    return None


def pixel_centres(top: int, left: int, h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates of a page window: ys (h, 1) and xs (1, w), float32."""
    ys = np.arange(top, top + h, dtype=np.float32)[:, None] + np.float32(0.5)
    xs = np.arange(left, left + w, dtype=np.float32)[None, :] + np.float32(0.5)
    return ys, xs


def independent(rng: np.random.Generator) -> np.random.Generator:
    """A child generator costing the parent one draw, whatever the child later consumes.

    Texture draws scale with the output size; taking them from a child keeps the parent's
    stream, and so the composition, identical at every size.
    """
    return np.random.default_rng(int(rng.integers(0, 2**63)))


def is_thin(body: Mask) -> bool:
    """A line drawing (a neon outline) rather than a solid silhouette."""
    return not body.is_empty() and float(body.alpha.mean()) <= 0.2


def bolden(body: Mask, size: int, weight: float = 1.0) -> Mask:
    """Thin silhouettes (a neon outline) get a heavier stroke, about ``weight`` × 2% of the
    page wide; solid ones pass unchanged.

    Hairlines vanish in halftone dots and look flimsy cut from paper.
    """
    if not is_thin(body):
        return body
    thick = soften(body, size, size * 0.006 * weight)
    return Mask(np.clip(thick.alpha * 3.0, 0.0, 1.0), thick.top, thick.left)


def paper_field(color: np.ndarray, rng: np.random.Generator, size: int,
                strength: float = 0.02) -> np.ndarray:
    """A flat field of ``color`` with faint mottling and fibre, like uncoated stock.

    The texture is built at no more than 1024² and upscaled once: finer fibre than that is
    lost under the film grain anyway.
    """
    rng = independent(rng)
    res = min(size, 1024)
    mottle = fbm(rng, 96, cells=3.0, octaves=4) - 0.5
    fibre = resize(rng.standard_normal((res // 3 + 1, res // 9 + 1)).astype(np.float32), res, res)
    tone = resize(mottle, res, res) * 2.0 + fibre * 0.35
    # The page-sized upscale runs on 8-bit levels (Pillow's fastest path): the texture spans
    # only a few output levels, so nothing is lost that the final 8-bit image would keep.
    levels = np.clip(tone * 32.0 + 128.0, 0, 255).astype(np.uint8)
    big = Image.fromarray(levels, "L").resize((size, size), Image.Resampling.BILINEAR)
    out = np.empty((size, size, 3), dtype=np.float32)
    np.multiply(np.asarray(big)[..., None], np.float32(strength / 32.0), out=out)
    out += color - np.float32(strength * 4.0)
    return out
