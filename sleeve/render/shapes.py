"""Crisp, anti-aliased vector shapes as signed distance fields, with boolean operations.

A shape is a distance function (negative inside, in pixels) plus a bounding box, so its
coverage (a ``raster.Mask``) is computed only where it can be; coverage is
``clip(0.5 - d, 0, 1)``, a one-pixel anti-aliased edge at every size without supersampling.
Intersection, union and difference (``&``, ``|``, ``-``) are exact on distances, which is
what Pillow's drawing cannot do: a semicircle is a disc ``&`` a half-plane, a crescent a
disc ``-`` a disc.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sleeve.render.page import pixel_centres
from sleeve.render.raster import EMPTY, Mask, paint

Distance = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (ys (h,1), xs (1,w)) → (h,w)

_HUGE = 1e7


# Distance functions return fresh arrays, so combinators and callers may work in place:
# at 3000² every page-sized temporary avoided is worth several milliseconds.


@dataclass(frozen=True)
class Shape:
    distance: Distance
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels

    def _combined(self, other: Shape, op: Callable[..., np.ndarray],
                  bbox: tuple[float, float, float, float]) -> Shape:
        def distance(y: np.ndarray, x: np.ndarray) -> np.ndarray:
            d = self.distance(y, x)
            return op(d, other.distance(y, x), out=d)

        return Shape(distance, bbox)

    def __and__(self, other: Shape) -> Shape:
        a, b = self.bbox, other.bbox
        return self._combined(other, np.maximum, (max(a[0], b[0]), max(a[1], b[1]),
                                                  min(a[2], b[2]), min(a[3], b[3])))

    def __or__(self, other: Shape) -> Shape:
        a, b = self.bbox, other.bbox
        return self._combined(other, np.minimum, (min(a[0], b[0]), min(a[1], b[1]),
                                                  max(a[2], b[2]), max(a[3], b[3])))

    def __sub__(self, other: Shape) -> Shape:
        def distance(y: np.ndarray, x: np.ndarray) -> np.ndarray:
            d = self.distance(y, x)
            cut = other.distance(y, x)
            np.negative(cut, out=cut)
            return np.maximum(d, cut, out=d)

        return Shape(distance, self.bbox)


def _radius(y: np.ndarray, x: np.ndarray, cx: float, cy: float) -> np.ndarray:
    d = np.square(x - cx) + np.square(y - cy)
    return np.sqrt(d, out=d)


def circle(cx: float, cy: float, r: float) -> Shape:
    def distance(y: np.ndarray, x: np.ndarray) -> np.ndarray:
        d = _radius(y, x, cx, cy)
        d -= r
        return d

    return Shape(distance, (cx - r - 1, cy - r - 1, cx + r + 1, cy + r + 1))


def ring(cx: float, cy: float, r: float, width: float) -> Shape:
    def distance(y: np.ndarray, x: np.ndarray) -> np.ndarray:
        d = _radius(y, x, cx, cy)
        d -= r
        np.abs(d, out=d)
        d -= width / 2
        return d

    return Shape(distance, (cx - r - width, cy - r - width, cx + r + width, cy + r + width))


def _box(u: np.ndarray, v: np.ndarray, half_u: float, half_v: float) -> np.ndarray:
    """max(|u| − half_u, |v| − half_v), computed into ``u`` (``u`` must be writable)."""
    np.abs(u, out=u)
    u -= half_u
    v = np.abs(v)
    v -= half_v
    return np.maximum(u, v, out=u)


def rect(x0: float, y0: float, x1: float, y1: float) -> Shape:
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, abs(x1 - x0) / 2, abs(y1 - y0) / 2

    def distance(y: np.ndarray, x: np.ndarray) -> np.ndarray:
        u = np.broadcast_to(x - cx, np.broadcast_shapes(x.shape, y.shape)).copy()
        return _box(u, y - cy, hx, hy)

    return Shape(distance, (min(x0, x1) - 1, min(y0, y1) - 1, max(x0, x1) + 1, max(y0, y1) + 1))


def rotated_rect(cx: float, cy: float, half_w: float, half_h: float, angle: float) -> Shape:
    """A bar centred on (cx, cy); ``angle`` (radians) turns its long axis from vertical."""
    c, s = float(np.cos(angle)), float(np.sin(angle))

    def distance(y: np.ndarray, x: np.ndarray) -> np.ndarray:
        dx, dy = x - cx, y - cy
        u = dx * c - dy * s
        v = dx * s + dy * c
        return _box(u, v, half_w, half_h)

    reach_x = abs(half_w * c) + abs(half_h * s)
    reach_y = abs(half_w * s) + abs(half_h * c)
    return Shape(distance, (cx - reach_x - 1, cy - reach_y - 1, cx + reach_x + 1, cy + reach_y + 1))


def half_plane(nx: float, ny: float, offset: float) -> Shape:
    """Points with ``nx*x + ny*y <= offset`` (n normalised here) are inside."""
    norm = float(np.hypot(nx, ny))
    nx, ny, offset = nx / norm, ny / norm, offset / norm
    return Shape(lambda y, x: nx * x + ny * y - offset, (-_HUGE, -_HUGE, _HUGE, _HUGE))


def window(bbox: tuple[float, float, float, float], size: int) -> tuple[int, int, int, int] | None:
    """(top, left, height, width) of the page pixels a bounding box touches; None if none."""
    x0, y0, x1, y1 = bbox
    c0, r0 = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
    c1, r1 = min(size, int(np.ceil(x1)) + 1), min(size, int(np.ceil(y1)) + 1)
    if c1 <= c0 or r1 <= r0:
        return None
    return r0, c0, r1 - r0, c1 - c0


def covered(distance: np.ndarray, top: int, left: int) -> Mask:
    """Signed distances (pixels, consumed) → anti-aliased coverage ``clip(0.5 − d, 0, 1)``."""
    alpha = distance.astype(np.float32, copy=False)
    np.negative(alpha, out=alpha)
    alpha += 0.5
    return Mask(np.clip(alpha, 0.0, 1.0, out=alpha), top, left)


def coverage(shape: Shape, size: int) -> Mask:
    """The shape's anti-aliased coverage over its bounding box on a (size, size) page."""
    win = window(shape.bbox, size)
    if win is None:
        return EMPTY
    top, left, h, w = win
    ys, xs = pixel_centres(top, left, h, w)
    return covered(shape.distance(ys, xs), top, left)


def mask(shape: Shape, size: int) -> np.ndarray:
    """The shape's coverage as a full (size, size) float32 page."""
    return coverage(shape, size).full(size)


def fill(canvas: np.ndarray, shape: Shape, color: np.ndarray, opacity: float = 1.0) -> None:
    """Paint ``shape`` in ``color`` onto a float RGB page in place."""
    paint(canvas, coverage(shape, canvas.shape[0]), color, opacity)


def rounded_rect(x0: float, y0: float, x1: float, y1: float, radius: float) -> Shape:
    """An axis-aligned rectangle whose corners are rounded by ``radius`` pixels (at most half
    the shorter side: a stadium)."""
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, abs(x1 - x0) / 2, abs(y1 - y0) / 2
    r = min(radius, hx, hy)

    def distance(y: np.ndarray, x: np.ndarray) -> np.ndarray:
        u = np.abs(x - cx) - (hx - r)
        v = np.abs(y - cy) - (hy - r)
        outside = np.hypot(np.maximum(u, 0.0), np.maximum(v, 0.0))
        outside += np.minimum(np.maximum(u, v), 0.0)
        outside -= r
        return outside

    return Shape(distance, (min(x0, x1) - 1, min(y0, y1) - 1, max(x0, x1) + 1, max(y0, y1) + 1))
