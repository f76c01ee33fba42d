"""Title and artist set on the artwork: exact text, chosen faces, grid, contrast guaranteed.

The flow for one cover, top to bottom (one module per step):
1. ``runs``: split each string into runs by the first font in the role's fallback chain that has
   the glyph (role face → Noto CJK → DejaVu → Symbola), so nothing renders as a tofu box —
   ``renderable`` refuses text no chain can draw;
2. ``lines`` and ``fitting``: wrap into balanced lines (≤ 4, more only for very long titles),
   then shrink, within the layout's column and height, never below a cap height legible on a
   300 px thumbnail unless the margins demand it;
3. ``placement``: place the blocks on the grid (7.5% margins) for the plan's layout, and
   ``glyphs`` draws them (colour emoji as stickers);
4. ``scrim``: pick an ink, and if the art under the block is too busy for 4.5:1, lay a soft
   gradient scrim (or the layout's band) just strong enough; measure again on the output pixels.

The text is drawn exactly as entered (``type_layout.uppercase`` never changes letters: stores
reject covers whose text differs from the release metadata); the designed look comes from
face, weight, size and tracking of all-caps Latin runs. Everything is in fractions of the
image size, so 1024 and 3000 pixel covers look the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from sleeve.core.plan import CoverPlan, hex_to_rgb, rgb_to_hex
from sleeve.render.contrast import WCAG_AA, background_pixels
from sleeve.render.fonts import FontLibrary, font_library
from sleeve.render.typeset.fitting import (
    MIN_CAP,
    REF_SIZE,
    SHORT_TITLE_GROWTH,
    TITLE_STRETCH,
    Role,
    SetText,
    fit,
)
from sleeve.render.typeset.glyphs import Sticker, draw_lines
from sleeve.render.typeset.placement import (
    LAYOUTS,
    MARGIN,
    SAFE,
    Block,
    Layout,
    measure,
    place,
)
from sleeve.render.typeset.renderable import check_plan
from sleeve.render.typeset.runs import is_latin_caps
from sleeve.render.typeset.scrim import (
    ALPHAS,
    BAND_ALPHA,
    RGB,
    Box,
    band_ink,
    band_rect,
    candidates,
    choose_ink,
    combined,
    grown,
    measured_contrast,
    scrim_mask,
    scrim_rect,
    scrim_region,
)

SHRINKS = 40  # shrink steps of 10% before giving up on fitting the safe area (0.9**40 ≈ 1.5%)


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


def _union(boxes: Sequence[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _fonts_used(st: SetText) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for line in st.runs:
        for run in line:
            seen.setdefault(str(run.font.path), None)
    return tuple(seen)


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
    artist_tracking = 0.08 if is_latin_caps(plan.artist) else 0.0
    artist_desired = min(max(0.42 * title.size, 0.03 * em), 0.05 * em, 0.8 * title.size)
    artist_desired = max(artist_desired, 0.022 * em * shrink)
    artist = fit("artist", plan.artist, artist_chain, artist_tracking, artist_desired,
                 0.02 * em * shrink, column, budget * 0.28, 2)
    return title, artist


def typeset(art: Image.Image, plan: CoverPlan, *,
            fonts: FontLibrary | None = None) -> TypesetResult:
    """Title and artist set on a copy of ``art`` (untouched), legible and inside the margins,
    in ``fonts`` (default: the system font directories; callers with settings pass
    ``sleeve.pipeline.fonts_for(settings)``).

    Pure and deterministic: the same art, plan and fonts give the same pixels.
    """
    library = fonts or font_library()
    base = art.convert("RGB")  # a copy even when art is RGB: art stays untouched
    width, height = base.size
    layout = LAYOUTS[plan.type_layout.name]
    margin_x, margin_y = width * MARGIN, height * MARGIN
    pad = 0.035 * width if layout.band else 0.0
    safe = (width * SAFE, height * SAFE, width * (1 - SAFE), height * (1 - SAFE))

    check_plan(plan, library)
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
        region = grown(block_box, round(0.01 * width), width, height)
        mask = combined([masks[r] for r in roles], region)
        pixels = np.asarray(image.crop(region))
        if layout.band:
            backing = band_rect(block_box, width, height)
            scrim, alpha = background, BAND_ALPHA
            ink = band_ink(background_pixels(pixels, mask, budget=20_000), scrim, alpha,
                           candidates(plan))
            treatment = "band"
        else:
            ink, scrim, alpha = choose_ink(pixels, mask, candidates(plan), background)
            backing = scrim_rect(block_box, layout, width, height)
        feather = 0.16 * width
        # Everything an attempt touches, kept so a failed attempt can be undone.
        touched = _union([block_box, scrim_region((width, height), backing, feather,
                                                  layout.band)])
        before = image.crop(touched)
        for attempt in range(len(ALPHAS) + 1):  # alpha rises every retry; 1.0 always passes
            if attempt:
                image.paste(before, touched[:2])
            steps: list[Paste] = []
            if alpha > 0:
                alpha_mask, where = scrim_mask((width, height), backing, feather, alpha,
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
            measured = {r: measured_contrast(image, masks[r], boxes[r], ink) for r in roles}
            if min(measured.values()) >= WCAG_AA or alpha >= 1.0:
                break
            # The art was busier under the glyphs than the prediction saw: stronger scrim.
            if layout.band:
                alpha = 1.0
            else:
                ink, scrim, alpha = choose_ink(pixels, mask, candidates(plan), background,
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
