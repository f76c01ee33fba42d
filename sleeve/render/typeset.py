"""Title and artist set on the artwork: exact text, chosen faces, grid, contrast guaranteed.

The flow for one cover, top to bottom:
1. split each string into runs by the first font in the role's fallback chain that has the
   glyph (role face → Noto CJK → DejaVu → Symbola), so nothing renders as a tofu box;
2. fit: wrap into balanced lines (≤ 4, more only for very long titles), then shrink, within
   the layout's column and height, never below a cap height legible on a 300 px thumbnail
   unless the margins demand it;
3. place the blocks on the grid (7.5% margins) for the plan's layout;
4. pick an ink, and if the art under the block is too busy for 4.5:1, lay a soft gradient
   scrim (or the layout's band) just strong enough; measure again on the output pixels.

The text is drawn exactly as entered (``type_layout.uppercase`` never changes letters: stores
reject covers whose text differs from the release metadata); the designed look comes from
face, weight, size and tracking of all-caps Latin runs. Everything is in fractions of the
image size, so 1024 and 3000 pixel covers look the same.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

import numpy as np
from PIL import Image, ImageDraw

from sleeve.core.color import relative_luminance
from sleeve.core.plan import CoverPlan, TypeLayoutName, hex_to_rgb, rgb_to_hex
from sleeve.render.contrast import (
    WCAG_AA,
    background_pixels,
    contrast_against,
    luminance,
    text_contrast,
)
from sleeve.render.fonts import (
    EMOJI_STRIKE,
    FontFile,
    FontLibrary,
    UnrenderableTextError,
    font_library,
    is_joiner,
    pick_font,
)

Role = Literal["title", "artist"]
Box = tuple[int, int, int, int]
RGB = tuple[int, int, int]

MARGIN = 0.075  # the grid margin, as a fraction of the width
SAFE = 0.05  # no text pixel closer than this to an edge (store rule)
MIN_CAP = 0.023  # title cap height ≥ 2.3% of the cover: ~7 px on a 300 px thumbnail
REF_SIZE = 200  # widths are measured once at this size and scaled
SHORT_TITLE_GROWTH = 1.7  # how much larger than the layout's size a short title may grow
SHORT_TITLE_FILL = 0.4  # … until its line fills this much of the column
TARGET = WCAG_AA * 1.06  # aim a little above 4.5 so the measured ratio clears it
TITLE_STRETCH = 0.6  # the most of the height a title may take to stay legible
SHRINKS = 40  # shrink steps of 10% before giving up on fitting the safe area (0.9**40 ≈ 1.5%)
PAPER: RGB = (247, 243, 236)
NEAR_BLACK: RGB = (17, 17, 19)


@dataclass(frozen=True)
class TextBox:
    role: Role
    text: str  # exactly what was drawn: the plan's string
    box: Box  # ink bounding box (x0, y0, x1, y1) in pixels of the final image
    fonts: tuple[str, ...]  # font files used, first use first
    color: str  # ink, "#rrggbb"
    contrast: float  # WCAG ratio, 5th percentile over the box's background pixels
    size_px: int  # font size
    cap_height_px: int
    lines: tuple[str, ...]
    uncovered: tuple[str, ...] = ()  # always empty: such text raises UnrenderableTextError


@dataclass(frozen=True)
class Paste:
    """One step of setting the type: ``fill`` (a colour or an RGBA sticker) pasted at ``at``
    through ``mask``, as ``Image.paste`` does."""

    fill: RGB | Image.Image
    at: tuple[int, int] | Box
    mask: Image.Image


@dataclass(frozen=True)
class TypesetResult:
    image: Image.Image
    boxes: list[TextBox]
    treatment: str = "none"  # "none" | "scrim" | "band"
    pastes: tuple[Paste, ...] = ()  # what was laid on the art, in order

    def lay_on(self, art: Image.Image) -> Image.Image:
        """The same type (ink, scrim, band) laid on other art of the same size: the frames
        of a motion loop keep the still cover's typography without setting it again."""
        image = art.convert("RGB")
        for step in self.pastes:
            image.paste(step.fill, step.at, step.mask)
        return image


@dataclass(frozen=True)
class Layout:
    """Where blocks go: title size, vertical anchor per block, alignment, height budget."""

    title_frac: float  # title font size / width
    anchor: Literal["top", "bottom", "center"]
    align: Literal["left", "center", "right"]
    max_height: float  # block height budget / height
    split: bool = False  # title top-left, artist bottom-right
    band: bool = False


LAYOUTS: dict[TypeLayoutName, Layout] = {
    "top-left": Layout(0.085, "top", "left", 0.42),
    "top-center": Layout(0.085, "top", "center", 0.42),
    "bottom-left": Layout(0.085, "bottom", "left", 0.42),
    "bottom-center": Layout(0.085, "bottom", "center", 0.42),
    "center-stack": Layout(0.11, "center", "center", 0.6),
    "band-bottom": Layout(0.07, "bottom", "left", 0.34, band=True),
    "split": Layout(0.085, "top", "left", 0.4, split=True),
}


# ---------------------------------------------------------------------------- runs and lines
@dataclass(frozen=True)
class Run:
    text: str
    font: FontFile
    tracked: bool


def _is_latin_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(ord(c) < 0x250 and not c.islower() for c in letters)


def split_runs(text: str, chain: Sequence[FontFile]) -> tuple[list[Run], list[str]]:
    """Runs of consecutive characters drawn by the same font, and the uncovered characters."""
    runs: list[tuple[list[str], FontFile]] = []
    uncovered: list[str] = []
    for char in text:
        joined = runs and runs[-1][0][-1] == "\u200d" and runs[-1][1].covers(char)
        if runs and (is_joiner(char) or joined):
            runs[-1][0].append(char)  # spaces and marks stay with their neighbour's font
            continue
        font = pick_font(char, chain)
        if font is None:
            if not is_joiner(char):
                uncovered.append(char)
            font = chain[-1]
        if runs and runs[-1][1] == font:
            runs[-1][0].append(char)
        else:
            runs.append(([char], font))
    latin = chain[0]
    return [Run("".join(chars), font, font == latin and _is_latin_caps("".join(chars)))
            for chars, font in runs], uncovered


@lru_cache(maxsize=4096)
def _length(font: FontFile, size: int, text: str) -> float:
    """Advance width of ``text`` (kerning included); cached: fitting measures pieces again."""
    if font.colour:  # drawn at the strike size and scaled to ``size``
        return float(font.at(size).getlength(text)) * size / EMOJI_STRIKE
    return float(font.at(size).getlength(text))


def _run_width(run: Run, size: int, tracking: float) -> float:
    width = _length(run.font, size, run.text)
    if run.tracked and tracking:
        width += tracking * size * (len(run.text) - 1)
    return width


def line_width(runs: Sequence[Run], size: int, tracking: float) -> float:
    return sum(_run_width(r, size, tracking) for r in runs)


def _breakable_cjk(char: str) -> bool:
    """Han and kana break between any two characters (Hangul breaks at spaces)."""
    name = unicodedata.name(char, "")
    return name.startswith(("CJK UNIFIED", "HIRAGANA", "KATAKANA", "CJK COMPATIBILITY IDEO"))


def drawable(text: str) -> str:
    """The text as drawn: any whitespace (a newline, a tab) is a space and control characters
    are dropped — the typesetter makes the lines, and FreeType cannot draw controls."""
    return "".join(" " if c.isspace() else c for c in text
                   if c.isspace() or unicodedata.category(c) != "Cc")


BREAK_AFTER = frozenset("-\u2010\u2012\u2013\u2014/\\|_")  # hyphens, dashes, slashes


def tokens(text: str) -> list[str]:
    """Pieces of ``text`` with a line-break opportunity after each: spaces, between Han and
    kana, and after a hyphen, dash or slash inside a word (the mark stays on the line)."""
    out: list[str] = []
    current = ""
    for char in text:
        after_mark = (bool(current) and current[-1] in BREAK_AFTER and not char.isspace()
                      and char not in BREAK_AFTER and bool(current.strip("".join(BREAK_AFTER))))
        if current and ((current[-1].isspace() and not char.isspace()) or after_mark
                        or _breakable_cjk(char) or _breakable_cjk(current[-1])):
            out.append(current)
            current = ""
        current += char
    if current:
        out.append(current)
    return out


def clusters(text: str) -> list[str]:
    """``text`` cut between characters (marks, joiners, variation selectors and what a ZWJ
    joins stay together): the last-resort break points of a word too long for any line.
    No hyphen is added — the text stays exactly as entered."""
    out: list[str] = []
    for char in text:
        if out and (is_joiner(char) or out[-1].endswith("\u200d")):
            out[-1] += char
        else:
            out.append(char)
    return out


def _greedy_lines(widths: Sequence[float], spaces: Sequence[float], limit: float) -> int:
    lines, used = 1, 0.0
    for w, s in zip(widths, spaces, strict=True):
        if used and used + w - s > limit:
            lines, used = lines + 1, 0.0
        used += w
    return lines


def balanced(pieces: list[str], widths: list[float], spaces: list[float], count: int) -> list[str]:
    """Break into at most ``count`` lines minimising the longest: the narrowest column width
    at which greedy filling still needs ≤ ``count`` lines (binary search)."""
    lo, hi = max(w - s for w, s in zip(widths, spaces, strict=True)), sum(widths)
    for _ in range(24):
        mid = (lo + hi) / 2
        if _greedy_lines(widths, spaces, mid) <= count:
            hi = mid
        else:
            lo = mid
    lines: list[str] = []
    used, current = 0.0, ""
    for piece, w, s in zip(pieces, widths, spaces, strict=True):
        if current and used + w - s > hi:
            lines.append(current.rstrip())
            used, current = 0.0, ""
        used += w
        current += piece
    lines.append(current.rstrip())
    return lines


# ---------------------------------------------------------------------------- fitting
@dataclass(frozen=True)
class SetText:
    """One role's text fitted: its lines (as runs), size, leading and tracking."""

    role: Role
    text: str
    lines: tuple[str, ...]
    runs: tuple[tuple[Run, ...], ...]
    size: int
    leading: float  # baseline-to-baseline, in em
    tracking: float
    chain: tuple[FontFile, ...]
    uncovered: tuple[str, ...]

    def widths(self) -> list[float]:
        return [line_width(r, self.size, self.tracking) for r in self.runs]

    def cap_height(self) -> int:
        """Height of a capital (or a Hangul/kana glyph when the text has no Latin)."""
        first = [r.font for r in (self.runs[0] if self.runs else ()) if not r.font.colour]
        font = first[0] if first else self.chain[0]
        letters = [c for line in self.runs for run in line for c in run.text
                   if run.font == font and not is_joiner(c)]
        probe = ("H" if font == self.chain[0] else "国" if font.covers("国")
                 else letters[0] if letters else "H")
        box = font.at(self.size).getbbox(probe, anchor="ls")
        return int(-box[1])

    def resized(self, size: int) -> SetText:
        return replace(self, size=size)


def _leading(text: str, role: Role) -> float:
    cjk = any(ord(c) >= 0x1100 for c in text)
    base = 1.06 if role == "title" else 1.2
    return base + (0.2 if cjk else 0.0)


MOST_LINES = 12  # only a very long text with no break reaches this many


def _piece_width(piece: str, chain: Sequence[FontFile], tracking: float) -> float:
    return line_width(split_runs(piece, chain)[0], REF_SIZE, tracking)


def fit(role: Role, text: str, chain: tuple[FontFile, ...], tracking: float, desired: float,
        min_size: float, max_width: float, max_height: float, max_lines: int,
        stretch_height: float | None = None, growth: float = SHORT_TITLE_GROWTH) -> SetText:
    """Wrap ``text`` into balanced lines and size it as large as ``desired`` allows.

    Up to ``max_lines`` lines in ``max_height``; when that cannot reach ``min_size``, more
    lines, up to ``stretch_height``. A word too long for a line at ``min_size`` is cut
    between characters as a last resort."""
    shown = drawable(text)
    pieces = tokens(shown) or [shown]
    longest_piece = max_width / max(min_size, 1.0) * REF_SIZE
    pieces = [cut for p in pieces for cut in (
        clusters(p) if _piece_width(p.rstrip(), chain, tracking) > longest_piece else [p])]
    leading = _leading(shown, role)
    widths = [_piece_width(p, chain, tracking) for p in pieces]
    spaces = [_piece_width(p[len(p.rstrip()):], chain, tracking) if p != p.rstrip() else 0.0
              for p in pieces]

    def size_for(lines: list[str], height: float, fill: float = 1.0) -> float:
        longest = max(_piece_width(line, chain, tracking) for line in lines)
        by_width = max_width * fill / max(longest, 1.0) * REF_SIZE
        by_height = height / (1.0 + leading * (len(lines) - 1))
        return min(desired if fill == 1.0 else by_width, by_width, by_height)

    def options_in(height: float, most: int) -> list[tuple[float, list[str]]]:
        out: list[tuple[float, list[str]]] = []
        limit = min(len(pieces), max_lines)
        for count in range(1, min(len(pieces), most) + 1):
            lines = balanced(pieces, widths, spaces, count)
            out.append((size_for(lines, height), lines))
            if out[-1][0] >= desired or (count >= limit and max(o[0] for o in out) >= min_size):
                break
        return out

    options = options_in(max_height, 8)
    if max(o[0] for o in options) < min_size and stretch_height:
        options = options_in(max(stretch_height, max_height), MOST_LINES)
    best = max(size for size, _ in options)
    # Fewer lines when they cost little size: a title reads better in fewer, larger lines —
    # but never fewer at the price of falling under the legible minimum.
    size, lines = next(o for o in options if o[0] >= max(best * 0.94, min(best, min_size)))
    if role == "title" and len(lines) == 1:
        # A word or two set at the body size looks lost: let short titles grow into the grid.
        size = max(size, min(desired * growth,
                             size_for(lines, max_height, SHORT_TITLE_FILL)))
    runs, uncovered = [], []
    for line in lines:
        line_runs, missing = split_runs(line, chain)
        runs.append(tuple(line_runs))
        uncovered.extend(missing)
    return SetText(role, text, tuple(lines), tuple(runs), max(1, int(size)), leading, tracking,
                   chain, tuple(uncovered))


# ---------------------------------------------------------------------------- placement
@dataclass(frozen=True)
class PlacedLine:
    runs: tuple[Run, ...]
    size: int
    tracking: float
    x: float  # left edge
    baseline: float


@dataclass
class Block:
    texts: list[SetText]
    lines: dict[Role, list[PlacedLine]] = field(default_factory=dict)


def _gap(title: SetText, artist: SetText) -> float:
    """Title last baseline → artist first baseline."""
    return 0.5 * title.size + 1.15 * artist.size


def place(block: Block, anchor: str, align: str, width: int, height: int, left: float,
          right: float, top: float, bottom: float) -> None:
    """Baselines and x positions of every line of ``block`` within [left, right]×[top, bottom]."""
    first = block.texts[0]
    steps: list[tuple[SetText, int, float]] = []  # (text, line index, baseline offset)
    offset = 0.0
    for ti, st in enumerate(block.texts):
        if ti:
            offset += _gap(block.texts[ti - 1], st) - st.leading * st.size
        for li in range(len(st.lines)):
            if ti or li:
                offset += st.leading * st.size
            steps.append((st, li, offset))
    cap = first.cap_height()
    span = cap + offset  # cap top of the first line → last baseline
    if anchor == "top":
        start = top + cap
    elif anchor == "bottom":
        start = bottom - offset
    else:
        start = (height - span) / 2 + cap
    block.lines = {}
    for st, li, off in steps:
        w = st.widths()[li]
        x = left if align == "left" else right - w if align == "right" else (width - w) / 2
        block.lines.setdefault(st.role, []).append(
            PlacedLine(st.runs[li], st.size, st.tracking, x, start + off))


@dataclass(frozen=True)
class Sticker:
    """A colour glyph run (emoji), laid over the ink as it is: ink never recolours it."""

    image: Image.Image  # RGBA, already at the line's size
    at: tuple[int, int]  # top-left in the image


@lru_cache(maxsize=256)
def _colour_run(font: FontFile, text: str, size: int) -> tuple[Image.Image, int, int]:
    """``text`` drawn in colour at the font's strike and scaled (Lanczos) to ``size`` px:
    the RGBA image and its offset from the pen position on the baseline."""
    strike = font.at(size)
    left, top, right, bottom = (int(v) for v in strike.getbbox(text, anchor="ls"))
    canvas = Image.new("RGBA", (max(1, right - left), max(1, bottom - top)), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).text((-left, -top), text, font=strike, anchor="ls",
                                embedded_color=True)
    scale = size / EMOJI_STRIKE
    shape = (max(1, round(canvas.width * scale)), max(1, round(canvas.height * scale)))
    return (canvas.resize(shape, Image.Resampling.LANCZOS), round(left * scale),
            round(top * scale))


def draw_lines(mask: Image.Image, lines: Sequence[PlacedLine]) -> list[Sticker]:
    """Draw the lines' glyphs into ``mask`` (L, 255 = ink); colour runs come back as
    stickers, their coverage drawn into the mask too (so margins and boxes see them)."""
    draw = ImageDraw.Draw(mask)
    stickers: list[Sticker] = []
    for line in lines:
        x = line.x
        for run in line.runs:
            font = run.font.at(line.size)
            if run.font.colour:
                art, dx, dy = _colour_run(run.font, run.text, line.size)
                at = (round(x) + dx, round(line.baseline) + dy)
                stickers.append(Sticker(art, at))
                alpha = art.getchannel("A")
                mask.paste(alpha, at, alpha)
            elif run.tracked and line.tracking:
                step = line.tracking * line.size
                for i, char in enumerate(run.text):
                    # Prefix lengths keep the font's kerning; tracking is added on top.
                    draw.text((x + font.getlength(run.text[:i]) + i * step, line.baseline),
                              char, font=font, fill=255, anchor="ls")
            else:
                draw.text((x, line.baseline), run.text, font=font, fill=255, anchor="ls")
            x += _run_width(run, line.size, line.tracking)
    return stickers


# ---------------------------------------------------------------------------- ink and scrim
def _scrim_colour(background: RGB, light_ink: bool) -> RGB:
    """A tinted near-black (or near-white): darker than the art, but of the same palette."""
    if light_ink:
        return (round(background[0] * 0.16), round(background[1] * 0.16),
                round(background[2] * 0.16))
    return (round(255 - (255 - background[0]) * 0.12), round(255 - (255 - background[1]) * 0.12),
            round(255 - (255 - background[2]) * 0.12))


def _predicted(background: np.ndarray, ink: RGB, scrim: RGB, alpha: float) -> float:
    """Contrast once a scrim of ``alpha`` lies over ``background`` (N×3 pixels), blended as
    Image.paste blends, in sRGB bytes."""
    blended = np.rint(background * np.float32(1 - alpha)
                      + np.asarray(scrim, np.float32) * np.float32(alpha)).astype(np.uint8)
    return contrast_against(relative_luminance(ink), luminance(blended))


BAND_ALPHA = 0.94  # a little art shows through, so the band keeps the cover's grain
ALPHAS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def choose_ink(pixels: np.ndarray, mask: np.ndarray, candidates: Sequence[RGB],
               background: RGB, start: float = 0.0) -> tuple[RGB, RGB, float]:
    """(ink, scrim colour, scrim alpha): the candidate that reaches the target with the
    weakest scrim; the palette's own ink wins ties, so plain art keeps the designed colour."""
    behind = background_pixels(pixels, mask, budget=20_000).astype(np.float32)
    best: tuple[RGB, RGB, float] | None = None
    for ink in candidates:
        light = relative_luminance(ink) > 0.18
        scrim = _scrim_colour(background, light)
        for alpha in ALPHAS:
            if alpha < start or (best is not None and alpha >= best[2]):
                continue
            if _predicted(behind, ink, scrim, alpha) >= TARGET:
                best = (ink, scrim, alpha)
                break
    if best is None:  # only reachable with odd candidates: black/white on solid always passes
        return candidates[-1], _scrim_colour(background, False), 1.0
    return best


def band_ink(behind: np.ndarray, band: RGB, alpha: float, candidates: Sequence[RGB]) -> RGB:
    """Ink for a band of ``alpha`` over the ``behind`` pixels (N×3): the palette ink if it
    reaches the target there, else the strongest candidate."""
    scores = [_predicted(behind.astype(np.float32), c, band, alpha) for c in candidates]
    return candidates[0] if scores[0] >= TARGET else candidates[int(np.argmax(scores))]


def _smoothstep(x: np.ndarray) -> np.ndarray:
    t = np.clip(x, 0.0, 1.0)
    return t * t * (3 - 2 * t)


def scrim_region(size: tuple[int, int], rect: Box, feather: float, hard: bool) -> Box:
    reach = 0 if hard else round(feather)
    return (max(0, rect[0] - reach), max(0, rect[1] - reach),
            min(size[0], rect[2] + reach), min(size[1], rect[3] + reach))


def scrim_mask(size: tuple[int, int], rect: Box, feather: float, alpha: float,
               hard: bool = False) -> tuple[Image.Image, Box]:
    """Alpha (L) that is ``alpha`` inside ``rect`` and fades out over ``feather`` pixels — a
    soft gradient — and the image region it covers. Computed at 1/8 resolution (it is
    smooth) and scaled up, so a 3000² cover costs a few milliseconds."""
    region = scrim_region(size, rect, feather, hard)
    rw, rh = region[2] - region[0], region[3] - region[1]
    if hard:
        return Image.new("L", (rw, rh), round(alpha * 255)), region
    scale = 8
    w, h = -(-rw // scale), -(-rh // scale)
    xs = region[0] + (np.arange(w, dtype=np.float32) + 0.5) * scale
    ys = region[1] + (np.arange(h, dtype=np.float32) + 0.5) * scale
    dx = np.maximum(np.maximum(rect[0] - xs, xs - rect[2]), 0.0)[None, :]
    dy = np.maximum(np.maximum(rect[1] - ys, ys - rect[3]), 0.0)[:, None]
    dist = np.sqrt(dx * dx + dy * dy)
    a = alpha * (1.0 - _smoothstep(dist / max(feather, 1.0)))
    small = Image.fromarray(np.rint(a * 255).astype(np.uint8), "L")
    full = small.resize((w * scale, h * scale), Image.Resampling.BILINEAR)
    return full.crop((0, 0, rw, rh)), region


# ---------------------------------------------------------------------------- typeset
def _candidates(plan: CoverPlan) -> list[RGB]:
    ink = hex_to_rgb(plan.palette.ink)
    out = [ink]
    for c in (PAPER, NEAR_BLACK, (255, 255, 255), (0, 0, 0)):
        if c not in out:
            out.append(c)
    return out


def _union(boxes: Sequence[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _fonts_used(st: SetText) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for line in st.runs:
        for run in line:
            seen.setdefault(str(run.font.path), None)
    return tuple(seen)


def measure(width: int, height: int) -> float:
    """What type sizes are fractions of: the frame's shorter side. A square cover's type
    keeps its proportions on a story (the width) and on a banner (the height), where sizing
    by the width would set a title taller than the banner's type band."""
    return float(min(width, height))


def _fit_all(plan: CoverPlan, library: FontLibrary, width: int, height: int,
             layout: Layout, shrink: float) -> tuple[SetText, SetText]:
    tl = plan.type_layout
    em = measure(width, height)
    title_chain = library.chain(tl.typeface, "title", plan.title, plan.language)
    artist_chain = library.chain(tl.typeface, "artist", plan.artist, plan.language)
    column = width * (1 - 2 * MARGIN) - (2 * 0.035 * width if layout.band else 0)
    budget = height * layout.max_height
    desired = em * layout.title_frac * tl.title_scale * shrink
    cap_ratio = max(0.5, -title_chain[0].at(REF_SIZE).getbbox("H", anchor="ls")[1] / REF_SIZE)
    # A title that cannot stay legible in its layout's share may take more of the height:
    # the block still fits the grid, and legibility on a thumbnail comes first.
    title = fit("title", plan.title, title_chain, tl.tracking, desired,
                em * MIN_CAP / cap_ratio * shrink, column, budget * 0.72, 4,
                stretch_height=height * TITLE_STRETCH,
                # A banner's type band is a sliver of its height: a short title stays at
                # the layout's size there rather than growing into the art.
                growth=SHORT_TITLE_GROWTH if height * 1.4 >= width else 1.0)
    artist_tracking = 0.08 if _is_latin_caps(plan.artist) else 0.0
    artist_desired = min(max(0.42 * title.size, 0.03 * em), 0.05 * em, 0.8 * title.size)
    artist_desired = max(artist_desired, 0.022 * em * shrink)
    artist = fit("artist", plan.artist, artist_chain, artist_tracking, artist_desired,
                 0.02 * em * shrink, column, budget * 0.28, 2)
    return title, artist


def typeset(art: Image.Image, plan: CoverPlan, *,
            fonts: FontLibrary | None = None) -> TypesetResult:
    """Title and artist set on a copy of ``art`` (untouched), legible and inside the margins.

    Pure and deterministic: the same art and plan give the same pixels.
    """
    library = fonts or font_library()
    base = art.convert("RGB")  # a copy even when art is RGB: art stays untouched
    width, height = base.size
    layout = LAYOUTS[plan.type_layout.name]
    margin_x, margin_y = width * MARGIN, height * MARGIN
    pad = 0.035 * width if layout.band else 0.0
    safe = (width * SAFE, height * SAFE, width * (1 - SAFE), height * (1 - SAFE))

    _check_renderable(plan, library)
    shrink = 1.0
    for _ in range(SHRINKS):  # ends inside the safe area: glyph overhangs cost a 10% step
        title, artist = _fit_all(plan, library, width, height, layout, shrink)
        blocks = ([Block([title]), Block([artist])] if layout.split
                  else [Block([title, artist])])
        for i, block in enumerate(blocks):
            anchor = "bottom" if layout.split and i == 1 else layout.anchor
            align = "right" if layout.split and i == 1 else layout.align
            place(block, anchor, align, width, height, margin_x + pad, width - margin_x - pad,
                  margin_y, height - margin_y - pad)
        masks: dict[Role, Image.Image] = {}
        stickers: dict[Role, list[Sticker]] = {}
        for block in blocks:
            for role, lines in block.lines.items():
                masks[role] = Image.new("L", (width, height), 0)
                stickers[role] = draw_lines(masks[role], lines)
        boxes = {role: m.getbbox() for role, m in masks.items()}
        inside = all(b is None or (b[0] >= safe[0] and b[1] >= safe[1] and b[2] <= safe[2]
                                   and b[3] <= safe[3]) for b in boxes.values())
        if inside:
            break
        shrink *= 0.9
    return _finish(base, plan, layout, blocks, masks, stickers, boxes,
                   {"title": title, "artist": artist})


def check_renderable(title: str, artist: str) -> None:
    """Raise UnrenderableTextError when no installed font can draw a character of ``title``
    or ``artist`` — before a job is accepted, so the musician hears it at once."""
    library = font_library()
    for role, text in (("title", title), ("artist", artist)):
        shown = drawable(text)
        missing = split_runs(shown, library.chain("grotesk", role, shown, "ko"))[1]
        if missing:
            raise UnrenderableTextError(role, missing)


def _check_renderable(plan: CoverPlan, library: FontLibrary) -> None:
    """Raise UnrenderableTextError when a character of the title or artist is in no
    installed font: a box (tofu) on a cover is never acceptable."""
    tl = plan.type_layout
    for role, text in (("title", plan.title), ("artist", plan.artist)):
        shown = drawable(text)
        chain = library.chain(tl.typeface, role, shown, plan.language)
        missing = split_runs(shown, chain)[1]
        if missing:
            raise UnrenderableTextError(role, missing)


def _finish(base: Image.Image, plan: CoverPlan, layout: Layout, blocks: list[Block],
            masks: dict[Role, Image.Image], stickers: dict[Role, list[Sticker]],
            boxes: dict[Role, Box | None], texts: dict[Role, SetText]) -> TypesetResult:
    width, height = base.size
    image = base  # typeset's own copy: drawn on in place
    out_boxes: list[TextBox] = []
    pastes: list[Paste] = []
    treatment = "none"
    background = hex_to_rgb(plan.palette.background)
    for block in blocks:
        roles = [r for r in block.lines if boxes.get(r) is not None]
        if not roles:
            continue
        block_box = _union([boxes[r] for r in roles if boxes[r] is not None])  # type: ignore[misc]
        region = _grow(block_box, round(0.01 * width), width, height)
        mask = _combined([masks[r] for r in roles], region)
        pixels = np.asarray(image.crop(region))
        if layout.band:
            band_rect = _band_rect(block_box, width, height)
            scrim, alpha = background, BAND_ALPHA
            ink = band_ink(background_pixels(pixels, mask, budget=20_000), scrim, alpha,
                           _candidates(plan))
            treatment = "band"
        else:
            ink, scrim, alpha = choose_ink(pixels, mask, _candidates(plan), background)
            band_rect = _scrim_rect(block_box, layout, width, height)
        feather = 0.16 * width
        # Everything an attempt touches, kept so a failed attempt can be undone.
        touched = _union([block_box, scrim_region((width, height), band_rect, feather,
                                                  layout.band)])
        before = image.crop(touched)
        for attempt in range(len(ALPHAS) + 1):  # alpha rises every retry; 1.0 always passes
            if attempt:
                image.paste(before, touched[:2])
            steps: list[Paste] = []
            if alpha > 0:
                alpha_mask, where = scrim_mask((width, height), band_rect, feather, alpha,
                                               hard=layout.band)
                steps.append(Paste(scrim, where, alpha_mask))
            for role in roles:
                box = boxes[role]
                assert box is not None
                # Stickers go over the ink: where their edge is soft, the ink under it reads
                # as a hairline outline that keeps an emoji apart from busy art.
                steps.append(Paste(ink, box, masks[role].crop(box)))
                steps.extend(Paste(sticker.image, sticker.at, sticker.image)
                             for sticker in stickers.get(role, []))
            for step in steps:
                image.paste(step.fill, step.at, step.mask)
            measured = {r: _measure(image, masks[r], boxes[r], ink) for r in roles}
            if min(measured.values()) >= WCAG_AA or alpha >= 1.0:
                break
            # The art was busier under the glyphs than the prediction saw: stronger scrim.
            if layout.band:
                alpha = 1.0
            else:
                ink, scrim, alpha = choose_ink(pixels, mask, _candidates(plan), background,
                                               start=alpha + 0.05)
        pastes.extend(steps)
        if alpha > 0 and not layout.band:
            treatment = "scrim"
        for role in roles:
            st, box = texts[role], boxes[role]
            assert box is not None
            out_boxes.append(TextBox(
                role=role, text=st.text, box=box, fonts=_fonts_used(st), color=rgb_to_hex(ink),
                contrast=round(measured[role], 3), size_px=st.size,
                cap_height_px=st.cap_height(), lines=st.lines, uncovered=st.uncovered))
    out_boxes.sort(key=lambda b: b.role != "title")
    return TypesetResult(image=image, boxes=out_boxes, treatment=treatment,
                         pastes=tuple(pastes))


def _measure(image: Image.Image, mask: Image.Image, box: Box | None, ink: RGB) -> float:
    assert box is not None
    return text_contrast(np.asarray(image.crop(box)), np.asarray(mask.crop(box)), ink)


def _grow(box: Box, by: int, width: int, height: int) -> Box:
    return (max(0, box[0] - by), max(0, box[1] - by), min(width, box[2] + by),
            min(height, box[3] + by))


def _combined(masks: Sequence[Image.Image], region: Box) -> np.ndarray:
    out = np.zeros((region[3] - region[1], region[2] - region[0]), np.uint8)
    for m in masks:
        out = np.maximum(out, np.asarray(m.crop(region)))
    return out


def _band_rect(block: Box, width: int, height: int) -> Box:
    """A label across the bottom, inside the safe area, holding the block with padding."""
    pad = round(0.035 * width)
    return (round(width * (SAFE + 0.005)), block[1] - pad, round(width * (1 - SAFE - 0.005)),
            round(height * (1 - SAFE - 0.005)))


def _scrim_rect(block: Box, layout: Layout, width: int, height: int) -> Box:
    """Full strength behind the block (plus air); a top or bottom block's scrim runs out to
    its edge as a gradient, like a caption over a photograph, a centred one fades all round."""
    air = round(0.03 * width)
    x0, y0, x1, y1 = block[0] - air, block[1] - air, block[2] + air, block[3] + air
    if block[3] > height * 0.6:
        return (0, y0, width, height)
    if block[1] < height * 0.4:
        return (0, 0, width, y1)
    return (x0, y0, x1, y1)
