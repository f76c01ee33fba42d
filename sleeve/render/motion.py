"""Motion artwork: a seamless loop of a cover's art in which the style's own elements move.

Frame i of n is the style drawn at loop phase t = i / n (``sleeve.render.frame``): every
moving element is a periodic function of 2πt, so frame n would be frame 0 again and the loop
has no jump, and frame 0 is the still cover's art.

What keeps a loop cheap: the art is drawn at a reduced working resolution (smooth art loses
nothing; the grain is drawn there too, the same grain every frame, as on a film print, in
clumps sized so that scaled up they are the still cover's) and
scaled up by the encoder's scaler; the style is drawn only every ``step``-th frame and the
frames between are cross-faded (the motion is slow, a cycle or three per loop, so nothing
shows); the typography, when a preset has it, is set once on frame 0 and laid on every frame.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image

from sleeve.core.plan import CoverPlan
from sleeve.core.track import beat_locked_seconds
from sleeve.render.artwork import render_framed
from sleeve.render.fonts import FontLibrary
from sleeve.render.typeset import TypesetResult, typeset


@dataclass(frozen=True)
class MotionPreset:
    name: str
    width: int
    height: int
    min_seconds: float
    max_seconds: float
    seconds: float  # default length
    text: bool  # title and artist on the frames
    fps: int = 30
    work: float = 0.5  # working resolution, as a fraction of the output
    step: int = 2  # the style is drawn every step-th frame; the others are cross-faded
    use: str = ""

    def check_seconds(self, seconds: float) -> float:
        if not self.min_seconds <= seconds <= self.max_seconds:
            raise ValueError(f"{self.name} loops last {self.min_seconds:g}–{self.max_seconds:g} s,"
                             f" got {seconds:g}")
        return seconds

    def loop_seconds(self, seconds: float, bpm: float | None) -> float:
        """The loop's length: with the track's tempo, the whole number of beats nearest
        ``seconds`` that the preset allows (so the loop restarts on a beat); without one, or
        when no whole number of beats fits, ``seconds`` as it is."""
        if bpm is None:
            return seconds
        beat = 60 / bpm
        locked = beat_locked_seconds(seconds, bpm)
        if locked > self.max_seconds:
            locked = math.floor(self.max_seconds / beat + 1e-9) * beat
        elif locked < self.min_seconds:
            locked = math.ceil(self.min_seconds / beat - 1e-9) * beat
        fits = locked > 0 and self.min_seconds - 1e-9 <= locked <= self.max_seconds + 1e-9
        return round(locked, 6) if fits else seconds

    def frame_count(self, seconds: float) -> int:
        return max(1, round(seconds * self.fps))

    def size(self, scale: float = 1.0) -> tuple[int, int]:
        """Output (width, height) at ``scale``; even, as H.264's 4:2:0 chroma needs."""
        return (max(2, round(self.width * scale / 2) * 2),
                max(2, round(self.height * scale / 2) * 2))


PRESETS: dict[str, MotionPreset] = {
    # Spotify Canvas: 9:16, 3–8 s, no text (Spotify shows title and artist itself).
    "canvas": MotionPreset("canvas", 1080, 1920, 3.0, 8.0, 6.0, text=False,
                           use="Spotify Canvas"),
    # Apple Music motion artwork: the first frame must work as the still cover, type and all.
    "apple-square": MotionPreset("apple-square", 3840, 3840, 8.0, 20.0, 8.0, text=True,
                                 work=1 / 3, use="Apple Music motion artwork, square"),
    "apple-portrait": MotionPreset("apple-portrait", 2048, 2732, 8.0, 20.0, 8.0, text=True,
                                   work=0.5, use="Apple Music motion artwork, 3:4"),
}
PRESET_NAMES: tuple[str, ...] = tuple(PRESETS)


def get_preset(name: str) -> MotionPreset:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown motion preset {name!r}; expected one of "
                         f"{', '.join(PRESET_NAMES)}") from None


def without_type(plan: CoverPlan) -> CoverPlan:
    """The plan for a loop with no type (Spotify Canvas): the player lays the track's title
    and its controls over the lower part of the screen, so that is where the art stays calm,
    whatever corner the cover's own type took."""
    if plan.type_layout.anchor == "bottom":
        return plan
    layout = plan.type_layout.model_copy(update={"name": "bottom-center", "anchor": "bottom"})
    return plan.model_copy(update={"type_layout": layout})


def loop_art(plan: CoverPlan, seed: int, width: int, height: int, t: float,
             work: float = 1.0) -> Image.Image:
    """The art (no type) at loop phase ``t``, ``width``×``height``, drawn at ``work`` of the
    size it will be shown at."""
    return render_framed(plan, seed, width, height, t, work=work)


def _drawn(plan: CoverPlan, seed: int, size: tuple[int, int], n: int, step: int,
           work: float) -> Iterator[np.ndarray]:
    """Every frame's art at working size, float32: the style drawn at every ``step``-th phase
    and cross-faded in between; the last stretch fades back into frame 0."""
    first = np.asarray(loop_art(plan, seed, *size, 0.0, work), dtype=np.float32)
    current = first
    for key in range(0, n, step):
        after = key + step
        following = (first if after >= n else
                     np.asarray(loop_art(plan, seed, *size, after / n, work), dtype=np.float32))
        for k in range(step):
            w = np.float32(k / step)
            yield current if k == 0 else current + (following - current) * w
        current = following


def frames(plan: CoverPlan, seed: int, preset: MotionPreset, seconds: float, *,
           scale: float = 1.0, on_frame: Callable[[int, int], None] | None = None,
           fonts: FontLibrary | None = None) -> Iterator[np.ndarray]:
    """The loop's frames as uint8 RGB arrays, frame 0 first: at the working size for a
    preset without type (the encoder scales them), at the output size for one with type.

    ``on_frame(done, total)`` is called after each frame (a job's progress); the type is set
    in ``fonts`` (default: the system's)."""
    width, height = preset.size(scale)
    work = (max(32, round(width * preset.work)), max(32, round(height * preset.work)))
    n = preset.frame_count(seconds)
    step = preset.step if n % preset.step == 0 else 1
    if not preset.text:
        plan = without_type(plan)
    text: TypesetResult | None = None
    for i, art in enumerate(_drawn(plan, seed, work, n, step, preset.work)):
        pixels = art if art.dtype == np.uint8 else np.clip(art + 0.5, 0, 255).astype(np.uint8)
        if preset.text:
            image = Image.fromarray(pixels, "RGB").resize((width, height),
                                                          Image.Resampling.BICUBIC)
            if text is None:
                text = typeset(image, plan, fonts=fonts)
                image = text.image
            else:
                image = text.lay_on(image)
            pixels = np.asarray(image)
        yield pixels
        if on_frame is not None:
            on_frame(i + 1, n)
