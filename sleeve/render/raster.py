"""Fast raster primitives every procedural style is built from.

Two resolutions are at work. Smooth things (skies, gas clouds, glows, noise) are computed on a
small working field and upscaled once; at 3000² a per-pixel pass costs ~10–70 ms, so a style
can afford only a handful of them. Crisp things (discs, ridges, polygons) are drawn at full
resolution but only over their bounding box, as a ``Mask`` that knows where it sits on the
page. Colours are float32 sRGB triples in [0, 1]; blends between palette colours go through
OKLab so a ramp from navy to amber passes through a clean mid-tone, not a muddy grey.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from sleeve.core.plan import hex_to_rgb

FIELD_RES = 512  # side of the working field for smooth layers (upscaled to the page)

# --- colour -------------------------------------------------------------------------------


def rgb(value: str) -> np.ndarray:
    """'#rrggbb' → float32 sRGB triple in [0, 1]."""
    return np.asarray(hex_to_rgb(value), dtype=np.float32) / 255.0


def srgb_to_linear(c: np.ndarray) -> np.ndarray:
    """sRGB-encoded values → linear light (same shape)."""
    c = np.asarray(c, dtype=np.float32)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4).astype(np.float32)


def linear_to_srgb(c: np.ndarray) -> np.ndarray:
    """Linear light → sRGB-encoded values (same shape), clipped to [0, 1]."""
    c = np.clip(np.asarray(c, dtype=np.float32), 0.0, 1.0)
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1 / 2.4) - 0.055).astype(np.float32)


_M1 = np.asarray([[0.4122214708, 0.5363325363, 0.0514459929],
                  [0.2119034982, 0.6806995451, 0.1073969566],
                  [0.0883024619, 0.2817188376, 0.6299787005]], dtype=np.float32)
_M2 = np.asarray([[0.2104542553, 0.7936177850, -0.0040720468],
                  [1.9779984951, -2.4285922050, 0.4505937099],
                  [0.0259040371, 0.7827717662, -0.8086757660]], dtype=np.float32)


def to_oklab(c: np.ndarray) -> np.ndarray:
    """sRGB (..., 3) → OKLab (..., 3)."""
    lms = srgb_to_linear(c) @ _M1.T
    return (np.cbrt(lms) @ _M2.T).astype(np.float32)


def from_oklab(lab: np.ndarray) -> np.ndarray:
    """OKLab (..., 3) → sRGB (..., 3), clipped to [0, 1]."""
    lms = np.asarray(lab, dtype=np.float32) @ np.linalg.inv(_M2).T.astype(np.float32)
    return linear_to_srgb((lms**3) @ np.linalg.inv(_M1).T.astype(np.float32))


def mix(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """One colour between ``a`` (t=0) and ``b`` (t=1), interpolated in OKLab."""
    return from_oklab(to_oklab(a) * (1.0 - t) + to_oklab(b) * t)


def shade(c: np.ndarray, lightness: float) -> np.ndarray:
    """``c`` with its OKLab lightness scaled by ``lightness`` (<1 darker, >1 lighter)."""
    lab = to_oklab(c)
    lab[..., 0] = np.clip(lab[..., 0] * lightness, 0.0, 1.0)
    return from_oklab(lab)


def lightness(c: np.ndarray) -> float:
    """OKLab lightness of one colour: perceptual, unlike ``luminance``."""
    return float(to_oklab(np.asarray(c, dtype=np.float32))[..., 0])


def standing_off(c: np.ndarray, backdrop: np.ndarray, gap: float,
                 chroma: float = 1.25) -> np.ndarray:
    """``c`` if its OKLab lightness is ``gap`` off ``backdrop``'s; else the same hue made that
    much deeper (or paler, on a dark backdrop), with its chroma lifted by ``chroma``.

    A pale accent on a pale sky becomes a richer version of itself (gold → amber), where
    swapping in another palette colour would give a grey or navy disc: an eclipse, not a sun.
    """
    lab = to_oklab(np.asarray(c, dtype=np.float32))
    ground = lightness(backdrop)
    if abs(float(lab[0]) - ground) >= gap:
        return np.asarray(c, dtype=np.float32)
    lab[0] = ground - gap if ground > 0.5 else ground + gap
    lab[1:] *= chroma
    return np.clip(from_oklab(lab), 0.0, 1.0).astype(np.float32)


def luminance(c: np.ndarray) -> float:
    """Relative luminance (WCAG) of one sRGB colour."""
    return float(srgb_to_linear(c) @ np.asarray([0.2126, 0.7152, 0.0722], dtype=np.float32))


def ramp(colors: Sequence[np.ndarray], stops: Sequence[float] | None = None,
         n: int = 1024) -> np.ndarray:
    """A colour lookup table (n, 3) through ``colors`` at ``stops`` (default: evenly), OKLab."""
    labs = np.stack([to_oklab(np.asarray(c, dtype=np.float32)) for c in colors])
    where = np.linspace(0.0, 1.0, len(colors)) if stops is None else np.asarray(stops)
    t = np.linspace(0.0, 1.0, n)
    table = np.stack([np.interp(t, where, labs[:, k]) for k in range(3)], axis=1)
    return from_oklab(table.astype(np.float32))


def apply_ramp(t: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Map a field of values in [0, 1] through a ``ramp`` table → (..., 3) float32."""
    index = np.clip(t * (len(table) - 1) + 0.5, 0, len(table) - 1).astype(np.intp)
    return np.take(table, index, axis=0)


# --- fields -------------------------------------------------------------------------------


def field_res(size: int) -> int:
    """Working-field side for a page of ``size``: never larger than the page itself."""
    return min(size, FIELD_RES)


def coords(h: int, w: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates in [0, 1]: ys (h, 1) and xs (1, w) for broadcasting."""
    w = h if w is None else w
    ys = ((np.arange(h, dtype=np.float32) + 0.5) / h)[:, None]
    xs = ((np.arange(w, dtype=np.float32) + 0.5) / w)[None, :]
    return ys, xs


def smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    """Hermite step from 0 at ``edge0`` to 1 at ``edge1`` (either order)."""
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return (t * t * (3.0 - 2.0 * t)).astype(np.float32)


def resize(field: np.ndarray, h: int, w: int, smooth: bool = True) -> np.ndarray:
    """Resample a float field (h0, w0) or (h0, w0, c) to (h, w[, c]) with Pillow."""
    method = Image.Resampling.BICUBIC if smooth else Image.Resampling.BILINEAR
    if field.ndim == 3:
        return np.stack([resize(field[..., k], h, w, smooth) for k in range(field.shape[2])],
                        axis=2)
    if field.shape == (h, w):
        return field.astype(np.float32, copy=False)
    image = Image.fromarray(np.ascontiguousarray(field, dtype=np.float32), mode="F")
    if h < field.shape[0] and w < field.shape[1]:
        method = Image.Resampling.BOX  # averaging is the right filter when shrinking
    return np.asarray(image.resize((w, h), method), dtype=np.float32)


def upscale(field: np.ndarray, size: int) -> np.ndarray:
    """A working field → (size, size[, c]) float32 page layer (bilinear: fast, no ringing)."""
    return resize(field, size, size, smooth=False)


def value_noise(rng: np.random.Generator, h: int, w: int, cells_y: int,
                cells_x: int) -> np.ndarray:
    """Smooth random field (h, w) in [0, 1] with about ``cells`` blobs per side."""
    lattice = rng.random((cells_y + 1, cells_x + 1), dtype=np.float32)
    return np.clip(resize(lattice, h, w, smooth=True), 0.0, 1.0)


def fbm(rng: np.random.Generator, res: int, cells: float = 3.0, octaves: int = 5,
        persistence: float = 0.5, stretch: tuple[float, float] = (1.0, 1.0)) -> np.ndarray:
    """Fractal noise (res, res) normalised to [0, 1]; ``stretch`` = (y, x) blob elongation."""
    total = np.zeros((res, res), dtype=np.float32)
    amp, norm = 1.0, 0.0
    for k in range(octaves):
        c = cells * 2**k
        cy = max(1, round(c / stretch[0]))
        cx = max(1, round(c / stretch[1]))
        total += amp * value_noise(rng, res, res, min(cy, res // 2), min(cx, res // 2))
        norm += amp
        amp *= persistence
    lo, hi = float(total.min()), float(total.max())
    return ((total - lo) / max(hi - lo, 1e-6)).astype(np.float32)


def _box_blur(a: np.ndarray, r: int, axis: int) -> np.ndarray:
    if r < 1:
        return a
    pad = [(0, 0)] * a.ndim
    pad[axis] = (r + 1, r)
    c = np.cumsum(np.pad(a, pad, mode="edge"), axis=axis, dtype=np.float32)
    n = a.shape[axis]
    hi = np.take(c, np.arange(2 * r + 1, 2 * r + 1 + n), axis=axis)
    lo = np.take(c, np.arange(0, n), axis=axis)
    return ((hi - lo) / (2 * r + 1)).astype(np.float32)


def blur(field: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian-like blur of a small float field (three box passes), sigma in field pixels."""
    if sigma < 0.5:
        return field.astype(np.float32, copy=False)
    r = max(1, round(np.sqrt(12 * sigma * sigma / 3 + 1) / 2))
    out = field.astype(np.float32)
    for _ in range(3):
        out = _box_blur(_box_blur(out, r, 0), r, 1)
    return out


def radial(res: int, cx: float, cy: float, radius: float) -> np.ndarray:
    """Distance from (cx, cy) over ``radius`` on a (res, res) field; all in page fractions."""
    ys, xs = coords(res)
    return (np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2) / radius).astype(np.float32)


def vignette(res: int, strength: float = 0.25, roundness: float = 2.2) -> np.ndarray:
    """Multiplier field (res, res): 1 at the centre falling to 1-strength in the corners."""
    ys, xs = coords(res)
    d = (np.abs(xs - 0.5) ** roundness + np.abs(ys - 0.5) ** roundness) ** (1 / roundness)
    return (1.0 - strength * smoothstep(0.25, 0.75, d)).astype(np.float32)


# --- masks: shapes that know where they sit on the page -----------------------------------


@dataclass(frozen=True)
class Mask:
    """Coverage in [0, 1] over a window of the page: ``alpha`` starts at (top, left)."""

    alpha: np.ndarray  # (h, w) float32
    top: int
    left: int

    @property
    def region(self) -> tuple[slice, slice]:
        h, w = self.alpha.shape
        return slice(self.top, self.top + h), slice(self.left, self.left + w)

    def full(self, size: int) -> np.ndarray:
        """The mask as a (size, size) float32 page."""
        page = np.zeros((size, size), dtype=np.float32)
        page[self.region] = self.alpha
        return page

    def scaled(self, factor: float) -> Mask:
        """The same window with coverage multiplied by ``factor``."""
        return Mask((self.alpha * factor).astype(np.float32), self.top, self.left)

    def union(self, other: Mask, size: int) -> Mask:
        """Coverage of either mask (max), over the window holding both."""
        if other.alpha.size == 0:
            return self
        if self.alpha.size == 0:
            return other
        t, left = min(self.top, other.top), min(self.left, other.left)
        b = max(self.top + self.alpha.shape[0], other.top + other.alpha.shape[0])
        r = max(self.left + self.alpha.shape[1], other.left + other.alpha.shape[1])
        out = np.zeros((min(b, size) - t, min(r, size) - left), dtype=np.float32)
        for m in (self, other):
            ys = slice(m.top - t, m.top - t + m.alpha.shape[0])
            xs = slice(m.left - left, m.left - left + m.alpha.shape[1])
            np.maximum(out[ys, xs], m.alpha, out=out[ys, xs])
        return Mask(out, t, left)

    def cropped(self, x0: float, x1: float) -> Mask:
        """Only the columns from ``x0`` to ``x1`` (page pixels) of this mask."""
        lo = int(np.clip(np.floor(x0) - self.left, 0, self.alpha.shape[1]))
        hi = int(np.clip(np.ceil(x1) - self.left, lo, self.alpha.shape[1]))
        return Mask(self.alpha[:, lo:hi], self.top, self.left + lo)

    def quieted(self, weight: np.ndarray, amount: float = 1.0) -> Mask:
        """Coverage faded by ``amount`` where a page row ``weight`` ((size, 1), 0–1) is high:
        how a style keeps marks out of the type zone."""
        rows = weight[self.top:self.top + self.alpha.shape[0]]
        return Mask((self.alpha * (1.0 - amount * rows)).astype(np.float32), self.top, self.left)

    def is_empty(self) -> bool:
        return self.alpha.size == 0 or float(self.alpha.max()) <= 0.0


EMPTY = Mask(np.zeros((0, 0), dtype=np.float32), 0, 0)


def _window(size: int, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
    c0, r0 = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
    c1, r1 = min(size, int(np.ceil(x1)) + 1), min(size, int(np.ceil(y1)) + 1)
    return c0, r0, max(c0, c1), max(r0, r1)


def disc(size: int, cx: float, cy: float, r: float, feather: float = 1.0) -> Mask:
    """Anti-aliased disc, centre and radius in page pixels; ``feather`` = edge width in px."""
    c0, r0, c1, r1 = _window(size, cx - r - feather, cy - r - feather, cx + r + feather,
                             cy + r + feather)
    ys = np.arange(r0, r1, dtype=np.float32)[:, None] + 0.5
    xs = np.arange(c0, c1, dtype=np.float32)[None, :] + 0.5
    d = np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2)
    return Mask(np.clip((r - d) / feather + 0.5, 0.0, 1.0).astype(np.float32), r0, c0)


def ring(size: int, cx: float, cy: float, r: float, width: float) -> Mask:
    """Anti-aliased circular line of ``width`` px centred on radius ``r`` (page pixels)."""
    reach = r + width / 2 + 1.0
    c0, r0, c1, r1 = _window(size, cx - reach, cy - reach, cx + reach, cy + reach)
    ys = np.arange(r0, r1, dtype=np.float32)[:, None] + 0.5
    xs = np.arange(c0, c1, dtype=np.float32)[None, :] + 0.5
    d = np.abs(np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2) - r)
    return Mask(np.clip(width / 2 - d + 0.5, 0.0, 1.0).astype(np.float32), r0, c0)


def ridge(size: int, heights: np.ndarray, bottom: float | None = None) -> Mask:
    """Everything below a skyline: ``heights`` (size,) = y in px of the edge in each column.

    The edge is anti-aliased along its normal (slope-corrected), so steep peaks stay smooth.
    """
    heights = np.asarray(heights, dtype=np.float32)
    base = float(size if bottom is None else bottom)
    top = max(0, int(np.floor(float(heights.min()))) - 1)
    r1 = min(size, int(np.ceil(base)))
    if r1 <= top:
        return EMPTY
    slope = np.gradient(heights)
    norm = np.sqrt(1.0 + slope * slope)[None, :]
    ys = np.arange(top, r1, dtype=np.float32)[:, None] + 0.5
    alpha = np.clip((ys - heights[None, :]) / norm + 0.5, 0.0, 1.0)
    if bottom is not None:
        alpha *= np.clip(base - ys + 0.5, 0.0, 1.0)
        alpha *= heights[None, :] < base  # a column with nothing above the base stays empty
    return Mask(alpha.astype(np.float32), top, 0)


class Pen:
    """Draws polygons, ellipses and lines into an anti-aliased ``Mask`` over a page window.

    Pillow draws hard-edged shapes, so the window is drawn ``supersample`` times larger and
    box-reduced; coordinates are page pixels throughout.
    """

    def __init__(self, size: int, box: tuple[float, float, float, float],
                 supersample: int = 0) -> None:
        self.size = size
        self.c0, self.r0, c1, r1 = _window(size, *box)
        self.w, self.h = max(1, c1 - self.c0), max(1, r1 - self.r0)
        # 4× for small windows; 2× (five coverage levels, ample under grain) for big ones,
        # where a 4× canvas would cost more than everything else on the page.
        self.ss = supersample or (4 if max(self.w, self.h) <= 768 else 2)
        self.image = Image.new("L", (self.w * self.ss, self.h * self.ss), 0)
        self.draw = ImageDraw.Draw(self.image)

    def _xy(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.c0) * self.ss, (y - self.r0) * self.ss

    def polygon(self, points: Sequence[tuple[float, float]], value: int = 255) -> None:
        """Filled polygon (any shape, even-odd rule is not used: fill is solid)."""
        self.draw.polygon([self._xy(x, y) for x, y in points], fill=value)

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, value: int = 255) -> None:
        """Filled axis-aligned ellipse."""
        x0, y0 = self._xy(cx - rx, cy - ry)
        x1, y1 = self._xy(cx + rx, cy + ry)
        self.draw.ellipse((x0, y0, max(x0, x1), max(y0, y1)), fill=value)

    def rect(self, x0: float, y0: float, x1: float, y1: float, value: int = 255) -> None:
        """Filled axis-aligned rectangle."""
        a, b = self._xy(x0, y0)
        c, d = self._xy(x1, y1)
        self.draw.rectangle((a, b, max(a, c), max(b, d)), fill=value)

    def line(self, points: Sequence[tuple[float, float]], width: float, value: int = 255) -> None:
        """Polyline of ``width`` page pixels with round joints."""
        w = max(1, round(width * self.ss))
        self.draw.line([self._xy(x, y) for x, y in points], fill=value, width=w, joint="curve")

    def mask(self) -> Mask:
        """The drawing as an anti-aliased mask."""
        small = self.image.reduce(self.ss) if self.ss > 1 else self.image
        return Mask(np.asarray(small, dtype=np.float32) / 255.0, self.r0, self.c0)


def soften(mask: Mask, size: int, radius: float, reach: float = 3.0) -> Mask:
    """A blurred copy of ``mask`` (a glow or shadow), ``radius`` in page pixels.

    Blurring happens on a shrunken copy so a glow half the page wide costs the same as a
    small one.
    """
    if mask.is_empty() or radius <= 0:
        return mask
    pad = int(np.ceil(radius * reach))
    h, w = mask.alpha.shape
    top, left = max(0, mask.top - pad), max(0, mask.left - pad)
    bottom, right = min(size, mask.top + h + pad), min(size, mask.left + w + pad)
    window = np.zeros((bottom - top, right - left), dtype=np.float32)
    window[mask.top - top:mask.top - top + h, mask.left - left:mask.left - left + w] = mask.alpha
    # Shrink until the blur radius is ~6 field pixels, or the window ~640 px across when
    # that still leaves the blur a couple of pixels wide: big windows cost little then.
    factor = max(1.0, radius / 6.0, min(radius / 2.0, max(window.shape) / 640.0))
    sh = max(2, round(window.shape[0] / factor))
    sw = max(2, round(window.shape[1] / factor))
    small = resize(window, sh, sw)
    small = blur(small, radius / factor)
    return Mask(np.clip(resize(small, *window.shape), 0.0, 1.0), top, left)


# --- compositing onto a float RGB page ----------------------------------------------------


_ROWS = 96  # compositing works in strips of rows: small temporaries stay in cache


def _strips(mask: Mask) -> Iterator[tuple[tuple[slice, slice], np.ndarray]]:
    """(page region, alpha) per strip of rows, trimmed to the columns the strip covers;
    strips with no coverage are skipped (rings and sparse marks are mostly empty)."""
    for r in range(0, mask.alpha.shape[0], _ROWS):
        alpha = mask.alpha[r:r + _ROWS]
        cols = np.flatnonzero(alpha.max(axis=0) > 0.0)
        if cols.size == 0:
            continue
        c0, c1 = int(cols[0]), int(cols[-1]) + 1
        rows = slice(mask.top + r, mask.top + r + alpha.shape[0])
        yield (rows, slice(mask.left + c0, mask.left + c1)), alpha[:, c0:c1]


def paint(canvas: np.ndarray, mask: Mask, color: np.ndarray, opacity: float = 1.0) -> None:
    """Normal blend: lay ``color`` over ``canvas`` (in place) through ``mask``."""
    if mask.is_empty():
        return
    c = np.asarray(color, dtype=np.float32)
    k = np.float32(opacity)
    for region, alpha in _strips(mask):
        under = canvas[region]
        step = under - c
        step *= (alpha * k)[..., None]
        under -= step


def paint_layer(canvas: np.ndarray, mask: Mask, layer: np.ndarray,
                opacity: float = 1.0) -> None:
    """Normal blend of a full-page RGB ``layer`` over ``canvas`` through ``mask`` (in place)."""
    if mask.is_empty():
        return
    k = np.float32(opacity)
    for region, alpha in _strips(mask):
        under = canvas[region]
        under += (layer[region] - under) * (alpha * k)[..., None]


def light(canvas: np.ndarray, mask: Mask, color: np.ndarray, strength: float = 1.0) -> None:
    """Screen blend (light adds, never clips to white harshly): glows, halos, neon."""
    if mask.is_empty():
        return
    c = np.asarray(color, dtype=np.float32) * np.float32(strength)
    for region, alpha in _strips(mask):
        glow = alpha[..., None] * c
        under = canvas[region]
        under *= 1.0 - glow
        under += glow


def blend(base: np.ndarray, over: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """``base`` → ``over`` by a field ``alpha`` (broadcast), returned as a new array."""
    return (base + (over - base) * alpha).astype(np.float32)


def solid(size: int, color: np.ndarray) -> np.ndarray:
    """A (size, size, 3) float32 page filled with one colour."""
    page = np.empty((size, size, 3), dtype=np.float32)
    page[:] = color
    return page


def band(size: int, upper: np.ndarray, lower: np.ndarray) -> Mask:
    """Full-width strip between two skylines ``upper`` and ``lower`` ((size,) y in px)."""
    upper = np.asarray(upper, dtype=np.float32)
    lower = np.maximum(np.asarray(lower, dtype=np.float32), upper)
    top = max(0, int(np.floor(float(upper.min()))) - 1)
    bottom = min(size, int(np.ceil(float(lower.max()))) + 1)
    if bottom <= top:
        return EMPTY
    ys = np.arange(top, bottom, dtype=np.float32)[:, None] + 0.5
    below_upper = np.clip((ys - upper[None, :]) / np.sqrt(1 + np.gradient(upper) ** 2) + 0.5, 0, 1)
    above_lower = np.clip((lower[None, :] - ys) / np.sqrt(1 + np.gradient(lower) ** 2) + 0.5, 0, 1)
    return Mask((below_upper * above_lower).astype(np.float32), top, 0)
