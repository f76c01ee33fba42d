"""Motion loops: every style moves, the loop closes on itself, and the MP4 is what the stores
ask for (size, frame rate, length, no audio)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from sleeve.core.motion_presets import PRESETS, get_preset
from sleeve.pipeline import render_plan
from sleeve.render.artwork import render_artwork
from sleeve.render.motion import frames, loop_art
from sleeve.render.styles import STYLE_NAMES
from sleeve.render.typeset import typeset
from sleeve.render.video import encode_mp4
from tests.render.conftest import build_plan

SIZE = (144, 256)  # a 9:16 canvas frame, small


def _art(style: str, t: float) -> np.ndarray:
    plan = build_plan(style=style, motifs=["sea", "moon"])
    return np.asarray(loop_art(plan, 4, *SIZE, t), dtype=np.float32)


@pytest.mark.parametrize("style", STYLE_NAMES)
def test_each_style_moves_and_its_loop_closes(style: str) -> None:
    start, quarter, end = _art(style, 0.0), _art(style, 0.25), _art(style, 1.0)
    # t = 1 is t = 0 again: no jump where the loop wraps.
    assert np.abs(end - start).mean() < 0.05
    # …and in between the style's own elements have moved.
    assert np.abs(quarter - start).mean() > 0.2


@pytest.mark.parametrize("style", STYLE_NAMES)
def test_the_first_phase_is_the_still_art(style: str) -> None:
    plan = build_plan(style=style)
    still = render_artwork(plan, 2, 256)
    assert np.array_equal(np.asarray(loop_art(plan, 2, 256, 256, 0.0)), np.asarray(still))


def test_canvas_mp4_decodes_with_its_size_rate_and_length_and_no_audio(tmp_path: Path) -> None:
    preset = get_preset("canvas")
    width, height = preset.size(0.15)
    data = encode_mp4(frames(build_plan(style="synthwave"), 1, preset, 3.0, scale=0.15),
                      width, height, preset.fps)
    path = tmp_path / "loop.mp4"
    path.write_bytes(data)
    with av.open(str(path)) as container:
        assert not container.streams.audio
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", width,
                                                                            height)
        assert stream.average_rate == 30
        decoded = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
        assert container.duration is not None and abs(container.duration / 1e6 - 3.0) < 0.05
    assert len(decoded) == 90
    # Seamless: the wrap (last → first) is no bigger a step than any step inside the loop.
    steps = [np.abs(decoded[i + 1].astype(int) - decoded[i]).mean() for i in range(89)]
    wrap = np.abs(decoded[0].astype(int) - decoded[-1]).mean()
    assert wrap <= max(steps) * 1.5 + 0.5


def test_apple_first_frame_works_as_the_still_cover() -> None:
    preset = get_preset("apple-square")
    plan = build_plan(style="aurora")
    first = next(frames(plan, 6, preset, 8.0, scale=0.1))
    still = render_plan(plan, 6, size=first.shape[0]).image
    assert first.shape == (still.height, still.width, 3)
    # Same composition and the same type; seen without the grain (which the working
    # resolution draws coarser) the two are the same picture.
    small = (48, 48)
    a = np.asarray(Image.fromarray(first).resize(small, Image.Resampling.BOX), dtype=int)
    b = np.asarray(still.resize(small, Image.Resampling.BOX), dtype=int)
    assert np.abs(a - b).mean() < 3.0


def test_type_laid_on_the_same_art_is_the_typeset_cover() -> None:
    """Loops lay the still cover's type on every frame: on frame 0's art it is the cover."""
    art = loop_art(build_plan(style="nebula"), 3, 256, 256, 0.0)
    set_once = typeset(art, build_plan(style="nebula"))
    assert np.array_equal(np.asarray(set_once.lay_on(art)), np.asarray(set_once.image))


def test_presets_keep_the_store_limits() -> None:
    assert (PRESETS["canvas"].width, PRESETS["canvas"].height, PRESETS["canvas"].text) == (
        1080, 1920, False)
    assert (PRESETS["apple-square"].width, PRESETS["apple-square"].height) == (3840, 3840)
    assert (PRESETS["apple-portrait"].width, PRESETS["apple-portrait"].height) == (2048, 2732)
    with pytest.raises(ValueError, match="3–8 s"):
        PRESETS["canvas"].check_seconds(9)
    with pytest.raises(ValueError, match="8–20 s"):
        PRESETS["apple-square"].check_seconds(5)


def test_a_loop_with_the_tracks_tempo_lasts_whole_beats_within_the_preset() -> None:
    canvas, square = get_preset("canvas"), get_preset("apple-square")
    for preset, seconds, bpm in ((canvas, 5.0, 120.0), (canvas, 5.0, 70.0), (canvas, 8.0, 50.0),
                                 (canvas, 3.0, 25.0), (square, 8.0, 97.0), (square, 20.0, 61.0)):
        length = preset.loop_seconds(seconds, bpm)
        beats = length * bpm / 60
        assert abs(beats - round(beats)) < 1e-4 and round(beats) >= 1, (preset.name, bpm, length)
        assert preset.min_seconds <= length <= preset.max_seconds
        assert abs(length - seconds) <= 60 / bpm  # the nearest that fits, within a beat
    assert canvas.loop_seconds(5.0, 120.0) == 5.0  # ten beats already
    assert canvas.loop_seconds(5.0, 70.0) == pytest.approx(6 * 60 / 70)
    assert canvas.loop_seconds(8.0, 50.0) == pytest.approx(6 * 60 / 50)  # 7 beats overrun 8 s
    assert canvas.loop_seconds(5.0, None) == 5.0  # no tempo: as asked
