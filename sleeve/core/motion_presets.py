"""The motion-loop presets: each store's size, length range and default, and how the loop is
drawn (frame rate, working resolution). One definition: the renderer draws them, the API
states their ranges, the CLI and workers look them up by name."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sleeve.core.track import beat_locked_seconds


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
