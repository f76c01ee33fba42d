"""Typesetting, checked on output pixels: exact text, margins, contrast, layouts, scripts.

Where a test needs to know which pixels are text, it typesets the same plan on flat art of
the palette's background colour (the layout does not depend on the art, and flat art needs
no scrim) and takes the pixels that changed: a mask made independently of the typesetter's
own bookkeeping.
"""

from __future__ import annotations

from typing import Any, get_args

import numpy as np
import pytest
from PIL import Image

from sleeve.core.plan import CoverPlan, Typeface, TypeLayout, TypeLayoutName, hex_to_rgb
from sleeve.render.typeset import LAYOUTS, TypesetResult, typeset
from tests.render.conftest import build_plan

SIZE = 768
LAYOUT_NAMES: tuple[TypeLayoutName, ...] = get_args(TypeLayoutName)
LONG_TITLE = ("The Extraordinarily Long and Winding Title of a Song That Never Really Ends "
              "(Extended Version) and Then It Goes On: Another Verse, Another Chorus, a Bridge "
              "Over the River, and the Final Long Fade Out.")
assert len(LONG_TITLE) >= 200


def _plan(layout: TypeLayoutName = "bottom-left", typeface: Typeface = "grotesk",
          tracking: float = 0.1, **overrides: Any) -> CoverPlan:
    return build_plan(type_layout=TypeLayout(
        name=layout, anchor="bottom", typeface=typeface, uppercase=True,
        tracking=tracking), **overrides)


def _flat(rgb: tuple[int, int, int], size: int = SIZE) -> Image.Image:
    return Image.new("RGB", (size, size), rgb)


def _noise(size: int = SIZE, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8))


def _checkerboard(size: int = SIZE, cell: int = 12) -> Image.Image:
    yy, xx = np.indices((size, size))
    board = (((yy // cell) + (xx // cell)) % 2 * 255).astype(np.uint8)
    return Image.fromarray(np.repeat(board[:, :, None], 3, axis=2))


def _gradient(size: int = SIZE) -> Image.Image:
    t = np.linspace(0, 255, size, dtype=np.float32)
    rgb = np.stack(np.broadcast_arrays(t[None, :], t[:, None], 255 - t[None, :]), axis=-1)
    return Image.fromarray(rgb.astype(np.uint8))


BUSY = {"noise": _noise, "checkerboard": _checkerboard, "gradient": _gradient,
        "mid-grey": lambda: _flat((119, 119, 119)), "white": lambda: _flat((255, 255, 255)),
        "black": lambda: _flat((0, 0, 0))}


def _text_mask(plan: CoverPlan, size: int = SIZE) -> np.ndarray:
    flat = _flat(hex_to_rgb(plan.palette.background), size)
    out = typeset(flat, plan).image
    return np.any(np.asarray(out) != np.asarray(flat), axis=2)


def _wcag_luminance(pixels: np.ndarray) -> np.ndarray:
    """Independent oracle: WCAG 2.x relative luminance, straight from the formula."""
    c = pixels.astype(np.float64) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def _measured_contrast(image: Image.Image, mask: np.ndarray, box: tuple[int, int, int, int],
                       ink: str) -> float:
    x0, y0, x1, y1 = box
    pixels = np.asarray(image)[y0:y1, x0:x1][~mask[y0:y1, x0:x1]]
    lum = _wcag_luminance(pixels)
    ink_lum = float(_wcag_luminance(np.array(hex_to_rgb(ink))))
    ratios = (np.maximum(lum, ink_lum) + 0.05) / (np.minimum(lum, ink_lum) + 0.05)
    return float(np.percentile(ratios, 5))


def _role(result: TypesetResult, role: str) -> Any:
    return next(b for b in result.boxes if b.role == role)


def test_every_layout_name_of_the_plan_has_a_layout() -> None:
    assert set(LAYOUTS) == set(LAYOUT_NAMES)


# ---------------------------------------------------------------- exact text
@pytest.mark.parametrize(("title", "artist"), [
    ("paper lamp", "Slow Morning"), ("Midnight Rain", "Luna Vale"), ("밤하늘의 별", "하늘빛"),
    ("서울의 밤 (Seoul Nights)", "Han River Collective"), ("Fireflies 🌙", "June & The Moths"),
])
def test_text_is_drawn_exactly_as_entered(title: str, artist: str) -> None:
    plan = _plan(title=title, artist=artist)  # uppercase=True must not change any letter
    result = typeset(_flat((30, 30, 40)), plan)
    assert _role(result, "title").text == title
    assert _role(result, "artist").text == artist
    assert " ".join(_role(result, "title").lines).replace(" ", "") == title.replace(" ", "")


def test_art_is_untouched_and_output_is_deterministic() -> None:
    art = _noise()
    before = art.tobytes()
    first, second = typeset(art, _plan()), typeset(art, _plan())
    assert art.tobytes() == before
    assert first.image.tobytes() == second.image.tobytes()
    assert first.image.mode == "RGB" and first.image.size == art.size
    assert first.boxes == second.boxes


# ---------------------------------------------------------------- margins
@pytest.mark.parametrize("layout", LAYOUT_NAMES)
@pytest.mark.parametrize("title", ["Midnight Rain", "X", LONG_TITLE, "밤하늘의 별"])
def test_no_text_pixel_within_five_percent_of_an_edge(layout: TypeLayoutName, title: str) -> None:
    plan = _plan(layout, title=title, artist="A Band With An Equally Long Name Featuring Guests")
    changed = _text_mask(plan)
    assert changed.any()
    ys, xs = np.nonzero(changed)
    border = SIZE * 0.05
    assert xs.min() >= border and ys.min() >= border
    assert xs.max() < SIZE - border and ys.max() < SIZE - border


@pytest.mark.parametrize("typeface", ["serif", "grotesk", "condensed", "geometric", "mono",
                                      "display"])
@pytest.mark.parametrize("layout", ["bottom-left", "band-bottom"])
def test_200_character_title_wraps_fits_and_stays_legible(typeface: Typeface,
                                                          layout: TypeLayoutName) -> None:
    plan = _plan(layout, typeface=typeface, title=LONG_TITLE)
    title = _role(typeset(_flat((20, 20, 20)), plan), "title")
    assert 3 <= len(title.lines) <= 6
    assert title.cap_height_px >= SIZE * 0.022  # ≥ 6.6 px on a 300 px thumbnail
    lengths = [len(line) for line in title.lines]
    assert max(lengths) - min(lengths) <= max(lengths) * 0.6  # balanced, no widow line
    ys, xs = np.nonzero(_text_mask(plan))
    assert min(xs.min(), ys.min()) >= SIZE * 0.05 and max(xs.max(), ys.max()) < SIZE * 0.95


def test_short_title_is_one_line_and_grows() -> None:
    art = _flat((20, 20, 20))
    short = _role(typeset(art, _plan(title="X")), "title")
    longer = _role(typeset(art, _plan(title="Midnight Rain")), "title")
    assert short.lines == ("X",)
    assert short.size_px > longer.size_px


# ---------------------------------------------------------------- contrast
@pytest.mark.parametrize("art", list(BUSY))
@pytest.mark.parametrize("layout", LAYOUT_NAMES)
def test_contrast_holds_on_busy_and_plain_art(art: str, layout: TypeLayoutName) -> None:
    plan = _plan(layout)
    mask = _text_mask(plan)
    result = typeset(BUSY[art](), plan)
    for box in result.boxes:
        assert box.contrast >= 4.5, (box.role, box.contrast)
        assert _measured_contrast(result.image, mask, box.box, box.color) >= 4.5, box.role


def test_plain_art_keeps_the_palette_ink_without_a_scrim() -> None:
    plan = _plan("bottom-left")  # ink #f4efe6 on a dark field passes as it is
    result = typeset(_flat((27, 42, 65)), plan)
    assert result.treatment == "none"
    assert {b.color for b in result.boxes} == {plan.palette.ink}


def test_busy_art_gets_a_soft_scrim_not_a_box() -> None:
    result = typeset(_noise(), _plan("center-stack"))
    assert result.treatment == "scrim"
    # Soft: the darkening fades out — no hard step anywhere across the rows of the image.
    rows = np.asarray(result.image.convert("L"), dtype=np.float32).mean(axis=1)
    smooth = np.convolve(rows, np.ones(9) / 9, mode="valid")
    assert np.abs(np.diff(smooth)).max() < 12


def test_thumbnail_keeps_title_legible_at_300_px() -> None:
    size = 1500
    plan = _plan("bottom-left", title="Concrete Kingdom")
    result = typeset(_noise(size), plan)
    title = _role(result, "title")
    scale = 300 / size
    assert title.cap_height_px * scale >= 6.5
    thumb = result.image.resize((300, 300), Image.Resampling.LANCZOS)
    mask = Image.fromarray(_text_mask(plan, size)).resize((300, 300), Image.Resampling.BOX)
    x0, y0, x1, y1 = (round(v * scale) for v in title.box)
    box = (x0, y0, x1, y1)
    # Pixels that the downscale mixed with ink are text; the rest must still be background.
    thumb_mask = np.asarray(mask) > 0
    assert _measured_contrast(thumb, thumb_mask, box, title.color) >= 4.5


# ---------------------------------------------------------------- layouts and hierarchy
@pytest.mark.parametrize("layout", LAYOUT_NAMES)
def test_every_layout_places_title_where_it_says(layout: TypeLayoutName) -> None:
    result = typeset(_flat((30, 30, 40)), _plan(layout))
    title, artist = _role(result, "title"), _role(result, "artist")
    cy = (title.box[1] + title.box[3]) / 2
    cx = (title.box[0] + title.box[2]) / 2
    if layout.startswith("top") or layout == "split":
        assert cy < SIZE * 0.35
    if layout.startswith("bottom") or layout == "band-bottom":
        assert cy > SIZE * 0.6
    if layout == "center-stack":
        assert abs(cy - SIZE / 2) < SIZE * 0.15
    if layout.endswith("center") or layout == "center-stack":
        assert abs(cx - SIZE / 2) < SIZE * 0.02
    if layout.endswith("left") or layout == "split":
        assert abs(title.box[0] - SIZE * 0.075) < SIZE * 0.02
    if layout == "split":
        assert artist.box[3] > SIZE * 0.85 and artist.box[2] > SIZE * 0.85
    assert artist.size_px < title.size_px
    assert (result.treatment == "band") == (layout == "band-bottom")


def test_same_look_at_every_size() -> None:
    plan = _plan("bottom-left")
    small = typeset(_flat((30, 30, 40), 1024), plan)
    large = typeset(_flat((30, 30, 40), 2048), plan)
    for a, b in zip(small.boxes, large.boxes, strict=True):
        assert np.allclose(np.array(a.box) / 1024, np.array(b.box) / 2048, atol=0.01)


def test_tracking_spaces_latin_capitals_only() -> None:
    art = _flat((30, 30, 40))

    def width(title: str, tracking: float) -> int:
        box = _role(typeset(art, _plan(title=title, tracking=tracking)), "title").box
        return int(box[2] - box[0])

    assert width("ROCK ROLL", 0.15) > width("ROCK ROLL", 0.0) * 1.1
    assert width("Rock Roll", 0.15) == width("Rock Roll", 0.0)  # mixed case: font's spacing
    assert width("밤하늘의 별", 0.15) == width("밤하늘의 별", 0.0)  # Hangul is never tracked


# ---------------------------------------------------------------- scripts
@pytest.mark.parametrize(("title", "font"), [
    ("Fireflies 🌙", "NotoColorEmoji.ttf"), ("สวัสดี", "NotoSansThai-Bold.ttf"),
    ("नमस्ते", "NotoSansDevanagari-Bold.ttf"), ("ሰላም", "NotoSansEthiopic-Bold.ttf"),
    ("서울의 밤 (Seoul Nights)", "NotoSansCJK-Bold.ttc"),
    ("夜に駆ける", "NotoSansCJK-Bold.ttc"), ("Звёздная ночь", "InterDisplay-Bold.otf"),
    ("שלום עולם", "DejaVuSans-Bold.ttf"), ("مرحبا بالعالم", "DejaVuSans-Bold.ttf"),
])
def test_every_script_renders_with_a_font_that_has_it(title: str, font: str) -> None:
    result = typeset(_flat((30, 30, 40)), _plan(title=title, language="mixed"))
    box = _role(result, "title")
    assert box.uncovered == ()
    assert font in {f.rsplit("/", 1)[-1] for f in box.fonts}
    assert _text_mask(_plan(title=title, language="mixed")).any()


@pytest.mark.parametrize(("title", "artist"), [
    ("line\nbreak\ttitle", "tab\tartist"), ("nul\x00char", "A"), ("Title", ""), ("", "Artist"),
    ("W" * 300, "one unbreakable word"), ("e\u0301 \u200d👨\u200d👩\u200d👧 ✈️", "\u202eRTL"),
])
def test_unusual_text_never_crashes_and_stays_inside(title: str, artist: str) -> None:
    plan = _plan("top-left", title=title, artist=artist)
    result = typeset(_noise(), plan)
    assert {b.role: b.text for b in result.boxes} == {
        r: t for r, t in (("title", title), ("artist", artist)) if t.strip()}
    ys, xs = np.nonzero(_text_mask(plan))
    assert min(xs.min(), ys.min()) >= SIZE * 0.05 and max(xs.max(), ys.max()) < SIZE * 0.95


# ---------------------------------------------------------------- never a tofu box
def _title_ink(title: str, size: int = 512) -> tuple[np.ndarray, Any]:
    """The title's changed pixels (cropped to its box) and its TextBox, on flat art."""
    plan = _plan("center-stack", title=title, artist="A", language="mixed")
    flat = _flat((30, 30, 40), size)
    result = typeset(flat, plan)
    box = _role(result, "title")
    x0, y0, x1, y1 = box.box
    changed = np.any(np.asarray(result.image) != np.asarray(flat), axis=2)[y0:y1, x0:x1]
    return changed, box


def _notdef(font_path: str, size: int) -> np.ndarray:
    """The font's .notdef glyph (what a missing character shows) as a cropped bitmap."""
    from PIL import ImageDraw, ImageFont

    font = ImageFont.truetype(font_path, size)
    canvas = Image.new("L", (size * 2, size * 2))
    ImageDraw.Draw(canvas).text((size // 2, size // 2), "\U0010fffd", font=font, fill=255)
    bbox = canvas.getbbox()
    assert bbox is not None
    return np.asarray(canvas.crop(bbox)) > 0


@pytest.mark.parametrize(("first", "second"), [
    ("ก", "ข"), ("न", "म"), ("ሰ", "ላ"), ("ש", "ל"), ("ب", "م"),
])
def test_other_scripts_draw_real_glyphs_not_boxes(first: str, second: str) -> None:
    one, box = _title_ink(first)
    two, _ = _title_ink(second)
    assert box.uncovered == ()
    # Two different letters drawn as tofu would be the same box: real glyphs differ.
    assert one.shape != two.shape or bool(np.any(one != two))
    notdef = _notdef(box.fonts[0], box.size_px)
    assert one.shape != notdef.shape or np.mean(one == notdef) < 0.9


def test_new_emoji_are_drawn_in_colour_on_the_baseline() -> None:
    melting, box = _title_ink("🫠")
    assert box.uncovered == () and box.fonts[0].endswith("NotoColorEmoji.ttf")
    tea, _ = _title_ink("🧋")
    assert melting.shape != tea.shape or bool(np.any(melting != tea))
    plan = _plan("center-stack", title="Melt 🫠", artist="A")
    flat = _flat((30, 30, 40), 512)
    result = typeset(flat, plan)
    title = _role(result, "title")
    x0, y0, x1, y1 = title.box
    crop = np.asarray(result.image, dtype=np.int16)[y0:y1, x0:x1]
    saturation = crop.max(axis=2) - crop.min(axis=2)
    assert (saturation > 80).sum() > 100  # the yellow face, not a monochrome glyph
    # Emoji and letters share a baseline: the emoji's coloured pixels sit within the line.
    ys = np.nonzero(saturation > 80)[0] + y0
    assert ys.max() < y1 and ys.min() >= y0


TWO_HUNDRED = {
    "W": "W" * 200,
    "hyphenated": "-".join(["Super", "Extra", "Ultra", "Mega", "Hyper"] * 9)[:200],
    "hangul": "".join(chr(0xAC00 + (i * 37) % 11172) for i in range(200)),
    "sentence": LONG_TITLE[:200],
}


@pytest.mark.parametrize("title", list(TWO_HUNDRED))
@pytest.mark.parametrize("layout", ["bottom-left", "band-bottom", "split", "center-stack"])
def test_200_characters_of_any_kind_fit_legibly(title: str, layout: TypeLayoutName) -> None:
    text = TWO_HUNDRED[title]
    assert len(text) == 200
    plan = _plan(layout, title=text, artist="The Artist")
    result = typeset(_flat((20, 20, 20)), plan)
    box = _role(result, "title")
    assert "".join(box.lines).replace(" ", "") == text.replace(" ", "")  # no hyphen added
    assert box.cap_height_px >= SIZE * 0.022, (box.cap_height_px, box.lines)
    ys, xs = np.nonzero(_text_mask(plan))
    assert min(xs.min(), ys.min()) >= SIZE * 0.05 and max(xs.max(), ys.max()) < SIZE * 0.95


def test_hyphenated_title_breaks_after_its_hyphens() -> None:
    text = "Twenty-Seven-Thousand-Kilometres-Per-Hour-Across-The-Night-Sky"
    box = _role(typeset(_flat((20, 20, 20), 1000), _plan(title=text)), "title")
    assert len(box.lines) > 1 and all(line.endswith("-") for line in box.lines[:-1])
    assert "".join(box.lines) == text
    assert box.cap_height_px >= 1000 * 0.035  # was 21 px when the word could not break
