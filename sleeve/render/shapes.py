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

from sleeve.render.raster import EMPTY, Mask, paint

Distance = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (ys (h,1), xs (1,w)) → (h,w)

_HUGE = 1e7


@dataclass(frozen=True)
class Shape:
    distance: Distance
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels

    def __and__(self, other: Shape) -> Shape:
        a, b = self.bbox, other.bbox
        return Shape(
            lambda y, x: np.maximum(self.distance(y, x), other.distance(y, x)),
            (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])),
        )

    def __or__(self, other: Shape) -> Shape:
        a, b = self.bbox, other.bbox
        return Shape(
            lambda y, x: np.minimum(self.distance(y, x), other.distance(y, x)),
            (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])),
        )

    def __sub__(self, other: Shape) -> Shape:
        return Shape(lambda y, x: np.maximum(self.distance(y, x), -other.distance(y, x)),
                     self.bbox)


def circle(cx: float, cy: float, r: float) -> Shape:
    return Shape(lambda y, x: np.sqrt((x - cx) ** 2 + (y - cy) ** 2) - r,
                 (cx - r - 1, cy - r - 1, cx + r + 1, cy + r + 1))


def ring(cx: float, cy: float, r: float, width: float) -> Shape:
    return Shape(lambda y, x: np.abs(np.sqrt((x - cx) ** 2 + (y - cy) ** 2) - r) - width / 2,
                 (cx - r - width, cy - r - width, cx + r + width, cy + r + width))


def rect(x0: float, y0: float, x1: float, y1: float) -> Shape:
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, abs(x1 - x0) / 2, abs(y1 - y0) / 2
    return Shape(lambda y, x: np.maximum(np.abs(x - cx) - hx, np.abs(y - cy) - hy),
                 (min(x0, x1) - 1, min(y0, y1) - 1, max(x0, x1) + 1, max(y0, y1) + 1))


def rotated_rect(cx: float, cy: float, half_w: float, half_h: float, angle: float) -> Shape:
    """A bar centred on (cx, cy); ``angle`` (radians) turns its long axis from vertical."""
    c, s = float(np.cos(angle)), float(np.sin(angle))

    def distance(y: np.ndarray, x: np.ndarray) -> np.ndarray:
        dx, dy = x - cx, y - cy
        u = dx * c - dy * s
        v = dx * s + dy * c
        return np.maximum(np.abs(u) - half_w, np.abs(v) - half_h)

    reach = abs(half_w) + abs(half_h)
    return Shape(distance, (cx - reach, cy - reach, cx + reach, cy + reach))


def half_plane(nx: float, ny: float, offset: float) -> Shape:
    """Points with ``nx*x + ny*y <= offset`` (n normalised here) are inside."""
    norm = float(np.hypot(nx, ny))
    nx, ny, offset = nx / norm, ny / norm, offset / norm
    return Shape(lambda y, x: nx * x + ny * y - offset, (-_HUGE, -_HUGE, _HUGE, _HUGE))


def polygon(points: list[tuple[float, float]]) -> Shape:
    """A convex polygon (points in either winding order)."""
    pts = np.asarray(points, dtype=np.float64)
    centre = pts.mean(axis=0)
    planes: list[Shape] = []
    for (x0, y0), (x1, y1) in zip(pts, np.roll(pts, -1, axis=0), strict=True):
        nx, ny = y1 - y0, -(x1 - x0)
        if nx * (centre[0] - x0) + ny * (centre[1] - y0) > 0:
            nx, ny = -nx, -ny
        planes.append(half_plane(nx, ny, nx * x0 + ny * y0))
    shape = planes[0]
    for plane in planes[1:]:
        shape = shape & plane
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    return Shape(shape.distance, (lo[0] - 1, lo[1] - 1, hi[0] + 1, hi[1] + 1))


def coverage(shape: Shape, size: int) -> Mask:
    """The shape's anti-aliased coverage over its bounding box on a (size, size) page."""
    x0, y0, x1, y1 = shape.bbox
    c0, r0 = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
    c1, r1 = min(size, int(np.ceil(x1)) + 1), min(size, int(np.ceil(y1)) + 1)
    if c1 <= c0 or r1 <= r0:
        return EMPTY
    ys = np.arange(r0, r1, dtype=np.float32)[:, None] + 0.5
    xs = np.arange(c0, c1, dtype=np.float32)[None, :] + 0.5
    alpha = np.clip(0.5 - shape.distance(ys, xs), 0.0, 1.0).astype(np.float32)
    return Mask(alpha, r0, c0)


def mask(shape: Shape, size: int) -> np.ndarray:
    """The shape's coverage as a full (size, size) float32 page."""
    return coverage(shape, size).full(size)


def fill(canvas: np.ndarray, shape: Shape, color: np.ndarray, opacity: float = 1.0) -> None:
    """Paint ``shape`` in ``color`` onto a float RGB page in place."""
    paint(canvas, coverage(shape, canvas.shape[0]), color, opacity)
