"""Torn-paper collage: a few big pieces of coloured stock, a photocopied halftone block and one
scissor-cut motif on top, each casting a soft shadow.

Piece edges are rotated rectangles whose distance field is displaced by two noises (a slow
wander and a fine fibrous jitter), so every edge tears differently; a pale rim shows the white
core of the paper on the torn side. The cut-out focal form keeps crisp scissor edges. The type
zone is bare paper; a centred title has the whole middle band bare, the pieces and the
cut-out above it and the photocopy below.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sleeve.core.plan import CoverPlan
from sleeve.render import motifs
from sleeve.render.frame import FULL, Frame
from sleeve.render.halftone import misregister, screen
from sleeve.render.page import (
    Zone,
    bolden,
    first_motif,
    independent,
    palette_rgb,
    paper_field,
    pixel_centres,
    type_zone,
)
from sleeve.render.raster import EMPTY, Mask, fbm, luminance, paint, soften, to_oklab, upscale
from sleeve.render.shapes import Shape, circle, coverage, covered, rect, rotated_rect, window

DESCRIPTION = "Torn-paper collage: paper pieces with torn edges, a halftone block, a cut-out motif"

_WHITE = np.asarray([0.96, 0.95, 0.92], dtype=np.float32)
_SHADOW_SOFTNESS = 0.015  # the shadow ramp's width, as a fraction of the page


@dataclass(frozen=True)
class _Box:
    """The art area in pixels (the page minus the type zone)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def at(self, u: float, v: float) -> tuple[float, float]:
        return self.x0 + u * (self.x1 - self.x0), self.y0 + v * (self.y1 - self.y0)

    @property
    def w(self) -> float:
        return self.x1 - self.x0

    @property
    def h(self) -> float:
        return self.y1 - self.y0


def _art_boxes(zone: Zone, size: int, frame: Frame = FULL) -> tuple[_Box, _Box]:
    """(where the coloured piece, the strip and the cut-out go; where the photocopy goes):
    the page minus the type zone.

    A centred title keeps its whole band bare paper: laid over a stack of pieces, even on a
    label of its own, it read as one more scrap in a busy heap. The pieces and the focal
    cut-out sit above the title, the photocopy below it, each band framed by bare paper."""
    left, right = frame.x0 * size, frame.x1 * size
    if zone.anchor == "top":
        box = _Box(left, zone.y1 * size, right, min(zone.foot, frame.y1) * size)
        return box, box
    if zone.anchor == "bottom":
        box = _Box(left, frame.y0 * size, right, zone.y0 * size)
        return box, box
    gap = 0.07 * frame.height * size  # a two-line title rises out of its band
    x0, x1 = frame.x(0.06) * size, frame.x(0.94) * size
    return (_Box(x0, frame.y(0.05) * size, x1, zone.y0 * size - gap),
            _Box(x0, zone.y1 * size + gap, x1, frame.y(0.95) * size))


def _tear_field(rng: np.random.Generator, size: int) -> np.ndarray:
    """Edge displacement in pixels: a slow wander plus fine fibre jitter.

    Held at half the page (at most 768²; edges look up the nearest cell): finer fibre is
    invisible under the rim and the grain.
    """
    res = min(size, 1536) // 2
    scale = np.float32(size)
    wander = (upscale(fbm(rng, 96, cells=6.0, octaves=3), res) - 0.5) * (scale * 0.012)
    fibre = upscale(rng.random((res // 5 + 2, res // 5 + 2), dtype=np.float32) - 0.5, res)
    return wander + fibre * (scale * 0.004)


def _tear_at(tear: np.ndarray, size: int, y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Edge displacement for a window given by pixel-centre rows ``y`` and columns ``x``."""
    res = tear.shape[0]
    to_cell = np.float32(res / size)
    # Rows then columns: two 1-D takes are far cheaper than one 2-D gather.
    yi = np.clip((y[:, 0] * to_cell).astype(np.intp), 0, res - 1)
    xi = np.clip((x[0] * to_cell).astype(np.intp), 0, res - 1)
    taken: np.ndarray = tear.take(yi, axis=0).take(xi, axis=1)
    return taken


def _padded(shape: Shape, size: int) -> tuple[float, float, float, float]:
    """The shape's bounding box grown by the most a tear can push an edge out."""
    x0, y0, x1, y1 = shape.bbox
    pad = size * 0.02
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


def _torn_piece(shape: Shape, tear: np.ndarray, size: int) -> tuple[Mask, Mask, Mask]:
    """(the whole torn piece, its coloured face inside the pale rim, the shadow it casts),
    from one evaluation of the torn distance.

    The white core of the paper shows only where the tear bit into the sheet, so the rim is
    as wide as the (positive) tear displacement there.
    """
    win = window(_padded(shape, size), size)
    if win is None:
        return EMPTY, EMPTY, EMPTY
    top, left, h, w = win
    ys, xs = pixel_centres(top, left, h, w)
    t = _tear_at(tear, size, ys, xs)
    edge = shape.distance(ys, xs)
    edge += t
    shadow = _penumbra(edge, top, left, size)
    outer = covered(edge.copy(), top, left)
    np.clip(t, 0.0, np.float32(size * 0.006), out=t)
    t *= 1.4
    edge += t
    return outer, covered(edge, top, left), shadow


def _penumbra(distance: np.ndarray, top: int, left: int, size: int) -> Mask:
    """The soft shadow of a piece, offset down and right, straight from its signed distance.

    A ramp over a few pixels of distance looks like the blurred mask it replaces and costs
    two passes instead of a blur of the whole window: the shadows were half the style's time.
    """
    ramp = distance * np.float32(-1.0 / (size * _SHADOW_SOFTNESS))
    ramp += 0.5
    np.clip(ramp, 0.0, 1.0, out=ramp)
    return misregister(Mask(ramp, top, left), *_shadow_offset(size), size)


def _shadow_offset(size: int) -> tuple[int, int]:
    return round(size * 0.004), round(size * 0.007)


def _shadow(canvas: np.ndarray, piece: Mask, strength: float) -> None:
    """Darken under a cut-out lifted off the page: a soft, offset copy of its mask."""
    size = canvas.shape[0]
    soft = soften(piece, size, size * 0.006, reach=2.0)
    _darken(canvas, misregister(soft, *_shadow_offset(size), size), strength)


def _darken(canvas: np.ndarray, shade: Mask, strength: float) -> None:
    if shade.is_empty():
        return
    # A multiply toward black is one in-place pass: cheaper than a general blend.
    keep = shade.alpha * np.float32(-strength)
    keep += 1.0
    canvas[shade.region] *= keep[..., None]


def _lay(canvas: np.ndarray, piece: Mask, color: np.ndarray, shadow: float = 0.35) -> None:
    _shadow(canvas, piece, shadow)
    paint(canvas, piece, color)


def _lay_torn(canvas: np.ndarray, shape: Shape, tear: np.ndarray, color: np.ndarray,
              shadow: float = 0.35) -> None:
    """A torn piece: shadow, pale fibrous rim, then the coloured face inside the rim."""
    piece, face, shade = _torn_piece(shape, tear, canvas.shape[0])
    _darken(canvas, shade, shadow)
    paint(canvas, piece, _WHITE)
    paint(canvas, face, color)


def _lay_photocopy(canvas: np.ndarray, shape: Shape, tear: np.ndarray, paper: np.ndarray,
                   dark: np.ndarray, centre: tuple[float, float], reach: float) -> None:
    """A torn block of photocopied halftone: dots of ``dark`` on ``paper``, densest at
    ``centre``, the way a photo survives a cheap copier."""
    size = canvas.shape[0]
    piece, _, shade = _torn_piece(shape, tear, size)
    if piece.is_empty():
        return
    _darken(canvas, shade, 0.35)
    h, w = piece.alpha.shape
    ys, xs = pixel_centres(piece.top, piece.left, h, w)
    tone = np.square(xs - centre[0]) + np.square(ys - centre[1])
    np.sqrt(tone, out=tone)
    tone *= np.float32(-0.85 / reach)
    tone += 0.85
    np.clip(tone, 0.0, 0.85, out=tone)
    tone += 0.05
    dots = screen(tone, size / 120.0, 45.0)
    dots *= piece.alpha
    paint(canvas, piece, paper)
    paint(canvas, Mask(dots, piece.top, piece.left), dark)


def _cut_out(plan: CoverPlan, rng: np.random.Generator, size: int, box: _Box,
             centre: tuple[float, float], reach: float) -> tuple[Mask, Mask]:
    """The scissor-cut focal form and its detail marks: the object motif, else the ground
    motif along the bottom of the art, else a plain disc."""
    fx, fy = centre
    half = min(box.w, box.h) * reach
    picked = first_motif(plan.motifs, "object", "ground")
    shape = None
    if picked is not None and picked[1] == "object":
        where = motifs.Box((fx - half) / size, (fy - half) / size, (fx + half) / size,
                           (fy + half) / size)
        shape = motifs.silhouette(picked[0], size, rng, where)
    elif picked is not None:
        where = motifs.Box(box.x0 / size, (box.y0 + box.h * 0.55) / size, box.x1 / size,
                           (box.y1 - box.h * 0.04) / size)
        shape = motifs.silhouette(picked[0], size, rng, where)
    if shape is not None:
        return bolden(shape.body, size), shape.detail
    return coverage(circle(fx, fy, half * 0.84), size), EMPTY


def render(plan: CoverPlan, rng: np.random.Generator, size: int,
           frame: Frame = FULL) -> np.ndarray:
    colors = palette_rgb(plan.palette)
    zone = type_zone(plan.type_layout.anchor, plan.type_layout.name, frame)
    texture_rng = independent(rng)
    tear = _tear_field(independent(rng), size)
    box, low = _art_boxes(zone, size, frame)
    art = rect(box.x0 - 1, box.y0, box.x1 + 1, box.y1)
    low_art = rect(low.x0 - 1, low.y0, low.x1 + 1, low.y1)
    centred = zone.anchor == "center"
    flip = bool(rng.random() < 0.5)

    def u(value: float) -> float:
        return 1.0 - value if flip else value

    canvas = paper_field(colors["background"], texture_rng, size, strength=0.02)
    tilt = np.deg2rad(rng.uniform(2.0, 5.0, size=3)) * np.asarray([1, -1, 1])
    if frame.moving:  # in motion the pieces sway, each a little out of step with the others
        tilt = tilt + np.deg2rad(1.5) * np.asarray([frame.wave(1, k / 3) for k in range(3)])

    # 1. The big ground piece in the secondary colour.
    # Every placement jitters within its role, so seeds give different layouts of one idea.
    jitter = rng.uniform(-1.0, 1.0, size=8)
    cx, cy = box.at(u(0.4 + 0.07 * jitter[0]), 0.45 + 0.06 * jitter[1])
    # Above a centred title the band is short: the piece fills its height to stay a mass.
    tall = 0.44 if centred else 0.36
    big = rotated_rect(cx, cy, box.w * (0.36 + 0.04 * jitter[2]), box.h * tall, float(tilt[0]))
    _lay_torn(canvas, big & art, tear, colors["secondary"])

    # 2. A photocopied halftone block on pale paper, overlapping the first piece.
    # Below a centred title the photocopy is the band's one piece: wider, its photo (the
    # densest dots) in the middle of it rather than bleeding off its lower edge.
    bx, by = low.at(u((0.6 if centred else 0.7) + 0.06 * jitter[3]), 0.55 + 0.08 * jitter[4])
    block = rotated_rect(bx, by, low.w * ((0.3 if centred else 0.24) + 0.04 * jitter[5]),
                         low.h * (0.36 if centred else 0.33), float(tilt[1]))
    paper = colors["ink"] if luminance(colors["ink"]) > 0.45 else _WHITE
    dark = colors["background"] if luminance(colors["background"]) < 0.1 else colors["primary"]
    photo = (bx, by) if centred else (bx, by + low.h * 0.15)
    _lay_photocopy(canvas, block & low_art, tear, paper, dark, photo, low.h * 0.55)

    # The focal form sits on both the coloured piece and the photocopy: if the primary would
    # vanish on either, the accent takes the focal role and the primary becomes the strip.
    focal_name, strip_name = "primary", "accent"
    primary = colors["primary"]
    if min(_contrast(primary, paper), _contrast(primary, colors["secondary"])) < 0.18:
        focal_name, strip_name = "accent", "primary"

    # 3. A narrow torn strip, like tape across a corner.
    corner = rng.random() < 0.5
    sx, sy = box.at(u(0.18 if corner else 0.86), 0.16 if corner else 0.8)
    strip = rotated_rect(sx, sy, box.w * 0.03, box.h * 0.2, float(tilt[2]) + 0.9)
    _lay_torn(canvas, strip & art, tear, colors[strip_name], shadow=0.25)

    # 4. The scissor-cut motif: the focal point, with crisp edges.
    centre = box.at(u(0.5 + 0.08 * jitter[6]), 0.5 + 0.06 * jitter[7] + 0.02 * frame.wave())
    # Above a centred title the cut-out has the band to itself: it fills the band's height.
    focal, detail = _cut_out(plan, rng, size, box, centre, 0.46 if centred else 0.31)
    _lay(canvas, focal, colors[focal_name], shadow=0.45)
    # Details are cut away to the page colour when broad (wave bands), else inked in the
    # accent (lit windows), unless the accent already is the focal colour.
    broad = float(detail.alpha.sum()) > 0.03 * size * size
    paint(canvas, detail, colors["background" if broad or focal_name == "accent" else "accent"])

    return np.clip(canvas, 0.0, 1.0, out=canvas)


def _contrast(a: np.ndarray, b: np.ndarray) -> float:
    """How far apart two colours read: their distance in OKLab (lightness, hue and chroma)."""
    return float(np.linalg.norm(to_oklab(a) - to_oklab(b)))
