"""The musician's photo printed into the artwork, in the treatment the plan chose.

Where: the type's place is known before a pixel is drawn (typesetting depends on the plan
and the size only), so the open part of the page — the *stage* — is the largest band the
text leaves free inside the margins, and the face is placed in it: never under the text.

How: never as a pasted photograph. The photo is reduced to its tones (local contrast
evened out, the face at a mid tone) and printed in the cover's own inks:

- ``duotone``: a full-bleed block in two inks, hard-edged against the type's part of the
  page, with a rule of the accent along the seam (Blue Note);
- ``halftone``: the person cut out (``cutout.person_mask``), a flat block of colour with
  the portrait screened over it in dots of one dark ink, slightly out of register;
- ``riso``: the cut-out printed in two overprinted inks on paper, each its own screen angle;
- ``arch`` / ``circle``: a tritone portrait in a window with a printed offset shadow and a
  fine keyline, standing in the art like an object in it.

Everything is drawn on the style's float page before the film finish, so the grain runs
over art and photo alike. Pure: (page, plan, photo, rng) → the same pixels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from sleeve.core.plan import CoverPlan, PortraitTreatment
from sleeve.core.portrait import FacePhoto
from sleeve.render.cutout import WORK_SIDE, person_mask
from sleeve.render.fonts import FontLibrary
from sleeve.render.halftone import screen
from sleeve.render.page import palette_rgb
from sleeve.render.raster import (
    Mask,
    lightness,
    mix,
    paint,
    ramp,
    shade,
    standing_off,
    to_oklab,
)
from sleeve.render.typeset import LAYOUTS, typeset

Rect = tuple[float, float, float, float]  # (x0, y0, x1, y1) in page pixels

PROXY = 512  # typeset at this size to learn where the text goes (it scales with the page)
TEXT_AIR = 0.035  # kept clear around every text box, as a fraction of the page
BAND_PAD = 0.035  # a band layout's label reaches this far above its text (typeset)
STAGE_MARGIN = 0.06  # the stage stays this far inside the page edges
MAX_FACE = 0.3  # the face's height never exceeds this fraction of the page


# ---------------------------------------------------------------------------- where
def text_rects(plan: CoverPlan, size: int, fonts: FontLibrary | None = None) -> list[Rect]:
    """Where ``plan``'s title and artist will be set on a ``size`` page in ``fonts`` (the
    typesetter's own), with air around."""
    proxy = typeset(Image.new("RGB", (PROXY, PROXY), (128, 128, 128)), plan, fonts=fonts)
    k = size / PROXY
    air = TEXT_AIR * size
    band = LAYOUTS[plan.type_layout.name].band
    rects: list[Rect] = []
    for box in proxy.boxes:
        x0, y0, x1, y1 = (v * k for v in box.box)
        if band:  # the label runs across the page and down to the foot
            x0, y0, x1, y1 = 0.0, y0 - BAND_PAD * size, float(size), float(size)
        rects.append((max(0.0, x0 - air), max(0.0, y0 - air), min(size, x1 + air),
                      min(size, y1 + air)))
    return rects


def stage_for(rects: list[Rect], size: int) -> Rect:
    """The tallest full-width band inside the margins that no text rect reaches."""
    edge = STAGE_MARGIN * size
    free: list[tuple[float, float]] = [(edge, size - edge)]
    for _, y0, _, y1 in rects:
        free = [piece for lo, hi in free
                for piece in ((lo, min(hi, y0)), (max(lo, y1), hi)) if piece[1] > piece[0]]
    if not free:  # text everywhere (a title taking the whole page): the face goes on top
        return edge, edge, size - edge, size * 0.5
    lo, hi = max(free, key=lambda piece: piece[1] - piece[0])
    return edge, lo, size - edge, hi


@dataclass(frozen=True)
class Placement:
    """Photo pixel (x, y) lands on page pixel (x·scale + tx, y·scale + ty)."""

    scale: float
    tx: float
    ty: float

    def rect(self, box: tuple[float, float, float, float]) -> Rect:
        x, y, w, h = box
        return (x * self.scale + self.tx, y * self.scale + self.ty,
                (x + w) * self.scale + self.tx, (y + h) * self.scale + self.ty)


def _contains(outer: Rect, inner: Rect) -> bool:
    return (inner[0] >= outer[0] - 0.5 and inner[1] >= outer[1] - 0.5
            and inner[2] <= outer[2] + 0.5 and inner[3] <= outer[3] + 0.5)


def place(photo: FacePhoto, face_height: float, centre: tuple[float, float],
          stage: Rect, cover: Rect | None = None) -> Placement:
    """Scale and shift so the face is ``face_height`` tall around ``centre``; with ``cover``,
    the photo also covers that rect (no page shows past its edge). When covering pushes the
    face out of the stage, the scale changes until it is back inside."""
    h, w = photo.pixels.shape[:2]
    fx, fy, fw, fh = photo.face
    scale = face_height / fh
    placement = Placement(scale, 0.0, 0.0)
    for _ in range(12):
        if cover is not None:
            scale = max(scale, (cover[2] - cover[0]) / w, (cover[3] - cover[1]) / h)
        tx = centre[0] - (fx + fw / 2) * scale
        ty = centre[1] - (fy + fh / 2) * scale
        if cover is not None:
            tx = float(np.clip(tx, cover[2] - w * scale, cover[0]))
            ty = float(np.clip(ty, cover[3] - h * scale, cover[1]))
        placement = Placement(scale, tx, ty)
        face = placement.rect(photo.face)
        if _contains(stage, face):
            return placement
        too_big = face[3] - face[1] > stage[3] - stage[1] or face[2] - face[0] > stage[2] - stage[0]
        scale *= 0.88 if too_big else 1.12
    return placement


def _region(rect: Rect, size: int) -> tuple[int, int, int, int]:
    x0, y0 = max(0, int(np.floor(rect[0]))), max(0, int(np.floor(rect[1])))
    x1, y1 = min(size, int(np.ceil(rect[2]))), min(size, int(np.ceil(rect[3])))
    return x0, y0, max(x0, x1), max(y0, y1)


def warp(channel: np.ndarray, placement: Placement, region: tuple[int, int, int, int],
         border: int = cv2.BORDER_REPLICATE) -> np.ndarray:
    """One photo channel laid on the page window ``region`` (x0, y0, x1, y1)."""
    scale = placement.scale
    if scale < 0.7:  # shrink first: bilinear sampling alone would alias a large photo
        h, w = channel.shape[:2]
        first = max(scale * 1.4, 0.05)
        channel = cv2.resize(channel, (max(1, round(w * first)), max(1, round(h * first))),
                             interpolation=cv2.INTER_AREA)
        scale = scale / (channel.shape[1] / w)
    x0, y0, x1, y1 = region
    matrix = np.array([[scale, 0, placement.tx - x0], [0, scale, placement.ty - y0]], np.float32)
    return cv2.warpAffine(channel, matrix, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR,
                          borderMode=border, borderValue=0)


# ---------------------------------------------------------------------------- tones and inks
def tones(photo: FacePhoto) -> np.ndarray:
    """(h, w) uint8: the photo as print tones — local contrast evened out (CLAHE), the
    levels stretched, and the face's median lifted or lowered to a mid tone, so every photo
    prints with the same presence whatever its exposure."""
    gray = cv2.cvtColor(photo.pixels, cv2.COLOR_RGB2GRAY)
    gray = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(6, 6)).apply(gray)
    lo, hi = np.percentile(gray, (1.0, 99.5))
    t = np.clip((gray.astype(np.float32) - lo) / max(hi - lo, 1.0), 0.0, 1.0)
    x, y, w, h = photo.face
    face = t[y + h // 5:y + h * 4 // 5, x + w // 5:x + w * 4 // 5]
    middle = float(np.clip(np.median(face), 0.05, 0.95)) if face.size else 0.5
    t = t ** np.float32(np.log(0.56) / np.log(middle))
    t = t * t * (3.0 - 2.0 * t) * 0.35 + t * 0.65  # a gentle S: fuller blacks and whites
    return np.clip(t * 255.0 + 0.5, 0, 255).astype(np.uint8)


def _chroma(c: np.ndarray) -> float:
    lab = to_oklab(np.asarray(c, dtype=np.float32))
    return float(np.hypot(lab[1], lab[2]))


@dataclass(frozen=True)
class Inks:
    dark: np.ndarray  # shadows: the palette's deepest colour, deepened if needed
    vivid: np.ndarray  # the loud one: the most colourful colour light enough to carry a face
    light: np.ndarray  # paper: the palette's palest colour, lightened if needed
    ground: np.ndarray  # the page's own background


def inks_for(plan: CoverPlan) -> Inks:
    colours = palette_rgb(plan.palette)
    ordered = sorted(colours.values(), key=lightness)
    dark, light = ordered[0], ordered[-1]
    if lightness(dark) > 0.3:
        dark = shade(dark, 0.3 / lightness(dark))
    if lightness(light) < 0.9:
        light = mix(light, np.asarray((0.97, 0.95, 0.91), np.float32), 0.7)
    candidates = [c for c in colours.values() if lightness(c) - lightness(dark) >= 0.3]
    vivid = max(candidates, key=_chroma) if candidates else light
    if lightness(vivid) < 0.62:  # a face printed in a deep ink is a silhouette: lift it
        vivid = shade(vivid, 0.62 / max(lightness(vivid), 0.05))
    return Inks(dark, vivid, light, colours["background"])


def _colour(table: np.ndarray, tone: np.ndarray) -> np.ndarray:
    """(h, w, 3) float32: 8-bit ``tone`` (h, w) through a 256-entry colour ``table`` — one
    lookup per pixel (OpenCV's LUT, twice as fast as numpy's gather), no arithmetic."""
    lut = np.ascontiguousarray(table, dtype=np.float32).reshape(256, 1, 3)
    return np.asarray(cv2.LUT(cv2.merge([tone, tone, tone]), lut), dtype=np.float32)


def _face_x(plan: CoverPlan, stage: Rect) -> float:
    """The face sits on a vertical third, across from the type's alignment."""
    width = stage[2] - stage[0]
    align = plan.type_layout.align
    share = {"left": 0.6, "right": 0.4}.get(align, 0.5)
    return stage[0] + width * share


# ---------------------------------------------------------------------------- treatments
Treatment = Callable[[np.ndarray, CoverPlan, FacePhoto, Rect, list[Rect],
                      np.random.Generator], None]


def _duotone(page: np.ndarray, plan: CoverPlan, photo: FacePhoto, stage: Rect,
             rects: list[Rect], rng: np.random.Generator) -> None:
    size = page.shape[0]
    inks = inks_for(plan)
    above = any(r[3] <= stage[1] + 1 for r in rects)
    below = any(r[1] >= stage[3] - 1 for r in rects)
    panel: Rect = (0.0, stage[1] if above else 0.0, float(size), stage[3] if below else size)
    tall = stage[3] - stage[1]
    # A head-and-shoulders portrait, or a close crop on the face (the record sleeve's
    # classic): the cover's seed decides.
    share = 0.44 if rng.random() < 0.5 else 0.62
    face_h = min(tall * share, size * MAX_FACE)
    centre = (_face_x(plan, stage), stage[1] + tall * 0.48)
    placement = place(photo, face_h, centre, stage, cover=panel)
    region = _region(panel, size)
    tone = warp(tones(photo), placement, region)
    table = ramp([inks.dark, mix(inks.dark, inks.vivid, 0.55), inks.vivid],
                 stops=[0.0, 0.45, 1.0], n=256)
    x0, y0, x1, y1 = region
    page[y0:y1, x0:x1] = _colour(table, tone)
    # The seam against the type's part of the page: a rule of the accent, as in print.
    rule = max(2, round(size * 0.012))
    accent = standing_off(palette_rgb(plan.palette)["accent"], inks.dark, 0.3)
    if above:
        page[y0:y0 + rule, x0:x1] = accent
    if below:
        page[y1 - rule:y1, x0:x1] = accent


def _cutout_placement(plan: CoverPlan, photo: FacePhoto, stage: Rect,
                      size: int) -> Placement:
    tall = stage[3] - stage[1]
    face_h = min(tall * 0.38, size * MAX_FACE * 0.85)
    centre = (_face_x(plan, stage), stage[1] + tall * 0.4)
    # The person runs off the foot of the page, as a cut-out bust does, not off mid-air.
    fx = centre[0]
    return place(photo, face_h, centre, stage, cover=(fx, centre[1], fx + 1.0, float(size)))


def _cutout(page: np.ndarray, plan: CoverPlan, photo: FacePhoto, stage: Rect,
            rng: np.random.Generator) -> tuple[Mask, np.ndarray, tuple[int, int, int, int],
                                               float]:
    """(silhouette on the page, print tones under it, its window, the dot period)."""
    size = page.shape[0]
    placement = _cutout_placement(plan, photo, stage, size)
    person = person_mask(photo)
    # Only the window the person covers is worked on: the rest of a large photo is air.
    rows, cols = np.flatnonzero(person.max(axis=1) > 0), np.flatnonzero(person.max(axis=0) > 0)
    extent = ((int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1),
               int(rows[-1] - rows[0] + 1)) if rows.size else photo.face)
    region = _region(placement.rect(extent), size)
    alpha = warp(person, placement, region, border=cv2.BORDER_CONSTANT)
    # The mask is cut at GrabCut's working size; scaled up onto a 3000² page its edge would
    # be a blur tens of pixels wide. Steepen it back to a clean ~1.5 px cut along the same
    # smooth contour.
    edge = 1.2 * max(photo.pixels.shape[:2]) / WORK_SIDE * placement.scale
    if edge > 1.5:
        alpha -= np.float32(0.5)
        alpha *= np.float32(edge / 1.5)
        alpha += np.float32(0.5)
        np.clip(alpha, 0.0, 1.0, out=alpha)
    tone = warp(tones(photo), placement, region)
    face_h = photo.face[3] * placement.scale
    period = max(4.0, face_h / 26.0)
    return Mask(alpha, region[1], region[0]), tone, region, period


def _dots(tone: np.ndarray, period: float, angle: float) -> np.ndarray:
    """``halftone.screen`` of ``tone`` (h, w), computed with dots of at least ~8 px and then
    scaled up: a 3000² cover's 20-pixel dots cost a quarter as much, with edges as soft as
    the anti-aliasing already made them."""
    k = max(1, int(period // 8))
    if k == 1:
        return screen(tone, period, angle)
    h, w = tone.shape
    small = cv2.resize(tone, (max(1, w // k), max(1, h // k)), interpolation=cv2.INTER_AREA)
    return cv2.resize(screen(small, period / k, angle), (w, h), interpolation=cv2.INTER_LINEAR)


def _printed(paper: np.ndarray, plates: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """(h, w, 3): ``paper`` with each (coverage (h, w), ink) plate multiplied over it, as
    transparent inks overprint. Coverages are quantised to 256 levels and looked up: one
    gather per plate instead of arithmetic over every channel of a 3000² window."""
    out: np.ndarray | None = None
    levels = np.linspace(0.0, 1.0, 256, dtype=np.float32)[:, None]
    for coverage, ink in plates:
        table = 1.0 - levels * (1.0 - np.asarray(ink, np.float32))[None, :]
        # One saturating pass to 8 bits (OpenCV), where numpy would take three.
        index = np.asarray(cv2.convertScaleAbs(coverage, alpha=255.0), dtype=np.uint8)
        if out is None:
            out = _colour(table * np.asarray(paper, np.float32)[None, :], index)
        else:
            out *= _colour(table, index)
    assert out is not None
    return out


def _lay(page: np.ndarray, body: Mask, print_: np.ndarray) -> None:
    """``print_`` (the body's window, (h, w, 3)) laid on the page through the body."""
    y0, x0 = body.top, body.left
    h, w = body.alpha.shape
    under = page[y0:y0 + h, x0:x0 + w]
    print_ -= under
    print_ *= body.alpha[..., None]
    under += print_


def _halftone(page: np.ndarray, plan: CoverPlan, photo: FacePhoto, stage: Rect,
              rects: list[Rect], rng: np.random.Generator) -> None:
    size = page.shape[0]
    inks = inks_for(plan)
    body, tone, _, period = _cutout(page, plan, photo, stage, rng)
    fill = standing_off(inks.vivid, inks.ground, 0.22)
    shift = max(1, round(size * 0.012))
    # A flat block of colour, off register down and to the side; then the print itself:
    # paper with the portrait screened over it in the dark ink.
    block = np.zeros_like(body.alpha)
    block[shift:, shift:] = body.alpha[:-shift, :-shift]
    block *= 1.0 - body.alpha  # only the sliver the print leaves uncovered is painted
    _paint_halves(page, Mask(block, body.top, body.left), fill,
                  body.left + body.alpha.shape[1] / 2)
    coverage = _dots(1.0 - tone.astype(np.float32) * np.float32(1 / 255), period, 45.0)
    _lay(page, body, _printed(inks.light, [(coverage, inks.dark)]))


def _riso(page: np.ndarray, plan: CoverPlan, photo: FacePhoto, stage: Rect,
          rects: list[Rect], rng: np.random.Generator) -> None:
    size = page.shape[0]
    inks = inks_for(plan)
    body, tone, _, period = _cutout(page, plan, photo, stage, rng)
    t = tone.astype(np.float32) * np.float32(1 / 255)
    colour = standing_off(inks.vivid, inks.light, 0.3)
    # Two drums: the colour carries the mid tones, the dark ink only the shadows; the colour
    # drum prints a little out of register.
    mids = _dots(np.clip(1.05 - t * 1.1, 0.0, 1.0), period * 0.9, 75.0)
    darks = _dots(np.clip((0.62 - t) / 0.62, 0.0, 1.0), period, 15.0)
    dx, dy = (int(v) for v in rng.integers(-1, 2, 2) * max(1, round(size * 0.004)))
    mids = np.roll(mids, (dy, dx), axis=(0, 1))
    _lay(page, body, _printed(inks.light, [(mids, colour), (darks, inks.dark)]))


def _inside(region: tuple[int, int, int, int], frame: Rect,
            shape: PortraitTreatment) -> np.ndarray:
    """Signed distance into the window (px, > 0 inside) over ``region``: a circle, or an arch
    (a rectangle under a half circle). The window grown by g is ``inside + g`` — for an arch
    too, as its round top keeps its centre — so one field serves the window, its shadow and
    its keyline."""
    x0, y0, x1, y1 = region
    ys = np.arange(y0, y1, dtype=np.float32)[:, None] + np.float32(0.5)
    xs = np.arange(x0, x1, dtype=np.float32)[None, :] + np.float32(0.5)
    cx, r = (frame[0] + frame[2]) / 2, (frame[2] - frame[0]) / 2
    cy = (frame[1] + frame[3]) / 2 if shape == "circle" else frame[1] + r
    inside = np.float32(r) - np.sqrt((xs - np.float32(cx)) ** 2 + (ys - np.float32(cy)) ** 2)
    if shape == "arch":
        sides = np.minimum(np.float32(r) - np.abs(xs - np.float32(cx)), np.float32(frame[3]) - ys)
        below = (ys >= cy)[:, 0]
        inside[below] = np.broadcast_to(sides, inside.shape)[below]
    return inside


def _coverage(inside: np.ndarray, grow: float = 0.0) -> np.ndarray:
    return np.clip(inside + np.float32(grow + 0.5), 0.0, 1.0)


def _framed(page: np.ndarray, plan: CoverPlan, photo: FacePhoto, stage: Rect,
            rects: list[Rect], rng: np.random.Generator) -> None:
    size = page.shape[0]
    shape = plan.portrait.treatment if plan.portrait is not None else "circle"
    inks = inks_for(plan)
    colours = palette_rgb(plan.palette)
    tall, wide = stage[3] - stage[1], stage[2] - stage[0]
    aspect = 0.78 if shape == "arch" else 1.0
    fh = min(tall * 0.9, wide * 0.9 / aspect, size * 0.62)
    fw = fh * aspect
    cx, cy = (stage[0] + stage[2]) / 2, (stage[1] + stage[3]) / 2
    frame: Rect = (cx - fw / 2, cy - fh / 2, cx + fw / 2, cy + fh / 2)
    face_h = fh * (0.3 if shape == "arch" else 0.34)
    centre = (cx, frame[1] + fh * (0.44 if shape == "arch" else 0.45))
    placement = place(photo, face_h, centre, frame, cover=frame)
    gap, line = max(2.0, size * 0.012), max(1.5, size * 0.0035)
    offset = max(2, round(size * 0.016))
    reach = gap + line + 2
    region = _region((frame[0] - reach, frame[1] - reach, frame[2] + reach + offset,
                      frame[3] + reach + offset), size)
    inside = _inside(region, frame, shape)
    x0, y0, x1, y1 = region
    window = Mask(_coverage(inside), y0, x0)
    # A printed block of the secondary colour, offset down and to the side, under the photo:
    # only the sliver the photo leaves uncovered is painted (the rest would be covered).
    shadow = standing_off(colours["secondary"], inks.ground, 0.18)
    sliver = np.zeros_like(window.alpha)
    sliver[offset:, offset:] = window.alpha[:-offset, :-offset]
    sliver *= 1.0 - window.alpha
    _paint_halves(page, Mask(sliver, y0, x0), shadow, cx)
    tone = warp(tones(photo), placement, region)
    table = ramp([inks.dark, mix(inks.dark, inks.vivid, 0.6), inks.light],
                 stops=[0.0, 0.5, 1.0], n=256)
    under = page[y0:y1, x0:x1]
    under += (_colour(table, tone) - under) * window.alpha[..., None]
    # A keyline just outside the window, in the accent: the frame of a print.
    rim = _coverage(inside, gap + line) - _coverage(inside, gap)
    keyline = standing_off(colours["accent"], inks.ground, 0.25)
    _paint_halves(page, Mask(rim, y0, x0), keyline, cx)


def _paint_halves(page: np.ndarray, mask: Mask, colour: np.ndarray, cx: float) -> None:
    """``paint`` a thin outline in its left and right halves: each strip of rows then spans
    only its own stretch of the line, not the whole width between the two sides."""
    paint(page, mask.cropped(mask.left, cx), colour)
    paint(page, mask.cropped(cx, mask.left + mask.alpha.shape[1]), colour)


TREATMENTS: dict[PortraitTreatment, Treatment] = {
    "duotone": _duotone,
    "halftone": _halftone,
    "riso": _riso,
    "arch": _framed,
    "circle": _framed,
}


def feature_subject(page: np.ndarray, plan: CoverPlan, photo: FacePhoto,
                    rng: np.random.Generator, fonts: FontLibrary | None = None) -> None:
    """Print ``photo`` into the style's float RGB ``page`` (in place) as ``plan.portrait``
    says, with the face in the part of the page the type leaves open — the type as it will
    be set in ``fonts``, the ones the cover's typesetting uses."""
    if plan.portrait is None:
        raise ValueError("the plan features no subject (plan.portrait is None)")
    size = page.shape[0]
    rects = text_rects(plan, size, fonts)
    stage = stage_for(rects, size)
    TREATMENTS[plan.portrait.treatment](page, plan, photo, stage, rects, rng)


__all__ = ["TREATMENTS", "feature_subject", "stage_for", "text_rects"]
