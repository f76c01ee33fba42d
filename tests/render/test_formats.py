"""The release kit's formats: every style re-composed for every frame, type in the safe area.

Rendered at reduced sizes (the short side ~200 px): layout is in fractions of the frame, so
what holds there holds at full size."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from sleeve.pipeline import render_plan
from sleeve.render.artwork import render_framed
from sleeve.render.formats import FORMATS, Format, get_format, render_format
from sleeve.render.frame import frame_for
from sleeve.render.page import type_zone
from sleeve.render.styles import STYLE_NAMES
from sleeve.render.typeset import SAFE
from tests.render.conftest import build_plan

SHORT_SIDE = 200


def scale_for(fmt: Format) -> float:
    return SHORT_SIDE / min(fmt.width, fmt.height)


@pytest.mark.parametrize("style", STYLE_NAMES)
def test_every_format_keeps_type_inside_its_safe_area(style: str) -> None:
    for fmt, layout in zip(FORMATS, ("bottom-left", "top-center", "center-stack",
                                     "band-bottom", "split"), strict=True):
        plan = build_plan(style=style, type_layout=build_plan().type_layout.model_copy(
            update={"name": layout, "anchor": {"bottom-left": "bottom", "top-center": "top",
                                               "center-stack": "center", "band-bottom": "bottom",
                                               "split": "top"}[layout]}))
        result = render_format(plan, 5, fmt, scale=scale_for(fmt))
        width, height = fmt.scaled(scale_for(fmt))
        assert result.image.size == (width, height)
        assert {box.role for box in result.boxes} == {"title", "artist"}
        for box in result.boxes:
            x0, y0, x1, y1 = box.box
            assert x0 >= width * SAFE - 1 and x1 <= width * (1 - SAFE) + 1, (fmt.name, box)
            assert y0 >= height * SAFE - 1 and y1 <= height * (1 - SAFE) + 1, (fmt.name, box)


def _detail(pixels: np.ndarray) -> np.ndarray:
    """Per-row edge energy of an image (mean absolute gradient of the luminance)."""
    lum = pixels.astype(np.float32).mean(axis=2)
    return np.abs(np.diff(lum, axis=1)).mean(axis=1)[1:] + np.abs(np.diff(lum, axis=0)).mean(
        axis=1)


@pytest.mark.parametrize("style", STYLE_NAMES)
@pytest.mark.parametrize("name", ["story", "video"])
def test_art_is_composed_around_the_frames_own_type_band(style: str, name: str) -> None:
    """Re-composed, not cropped: in a 9:16 or 16:9 frame the art keeps the type band (the
    top third of the frame here) calmer than the rest of the frame."""
    fmt = get_format(name)
    width, height = fmt.scaled(scale_for(fmt))
    plan = build_plan(style=style, motifs=["moon"], type_layout=build_plan().type_layout
                      .model_copy(update={"name": "top-left", "anchor": "top"}))
    art = np.asarray(render_framed(plan, 3, width, height, grain=False))
    energy = _detail(art)
    band = energy[: int(0.3 * height)].mean()
    rest = energy[int(0.4 * height):].mean()
    assert band < rest, (band, rest)


def test_the_square_format_is_the_cover_itself() -> None:
    plan = build_plan(style="swiss", motifs=["sea"])
    cover = render_plan(plan, 9, size=300)
    fmt = get_format("cover")
    assert np.array_equal(np.asarray(render_format(plan, 9, fmt, scale=0.1).image),
                          np.asarray(cover.image))


@pytest.mark.parametrize(("width", "height"), [(1080, 1920), (1920, 1080), (1500, 500),
                                               (1080, 1350), (3000, 3000)])
def test_the_window_is_exactly_the_frame_and_the_zone_inside_it(width: int, height: int) -> None:
    sheet, frame = frame_for(width, height)
    rows, cols = frame.pixels(sheet)
    assert (rows.stop - rows.start, cols.stop - cols.start) == (height, width)
    zone = type_zone("bottom", frame=frame)
    assert frame.y0 < zone.y0 < frame.y1
    assert zone.y0 == pytest.approx(frame.y(0.66))


def test_formats_are_named_and_sized_as_the_stores_ask() -> None:
    sizes = {(f.ratio, f.width, f.height) for f in FORMATS}
    assert sizes == {("1:1", 3000, 3000), ("4:5", 1080, 1350), ("9:16", 1080, 1920),
                     ("16:9", 1920, 1080), ("3:1", 1500, 500)}
    assert isinstance(render_format(build_plan(), 1, get_format("header"), scale=0.2).image,
                      Image.Image)
