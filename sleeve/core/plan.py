"""The art direction of one cover: everything an engine and the typesetter need.

A ``CoverPlan`` is pure data, serialisable to JSON, and together with a seed and the Sleeve
version it determines a cover bit for bit.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PLAN_VERSION = 1

Hex = str  # "#rrggbb"

Composition = Literal["horizon", "centered", "thirds", "all-over", "band"]
TypeAnchor = Literal["top", "bottom", "center"]
TypeLayoutName = Literal[
    "top-left",  # title top-left, artist under it
    "top-center",
    "bottom-left",
    "bottom-center",
    "center-stack",  # big centred title, artist below
    "band-bottom",  # solid band across the bottom third holding both lines
    "split",  # title top-left, artist bottom-right
]
Typeface = Literal["serif", "grotesk", "condensed", "geometric", "mono", "display"]


def hex_to_rgb(value: Hex) -> tuple[int, int, int]:
    v = value.lstrip("#")
    return int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16)


def rgb_to_hex(rgb: tuple[float, float, float]) -> Hex:
    r, g, b = (max(0, min(255, round(c))) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Palette(Frozen):
    """2–5 colours that belong together: one dominant, supporting, one accent, and ink."""

    background: Hex  # dominant field colour
    primary: Hex  # main form / focal colour
    secondary: Hex  # supporting colour
    accent: Hex  # small, loud
    ink: Hex  # preferred text colour (the typesetter may still fix contrast)

    def colors(self) -> list[Hex]:
        return [self.background, self.primary, self.secondary, self.accent]

    def rgb(self, name: str) -> tuple[int, int, int]:
        return hex_to_rgb(getattr(self, name))


class Mood(Frozen):
    valence: float = Field(ge=-1.0, le=1.0)  # sad … happy
    energy: float = Field(ge=-1.0, le=1.0)  # calm … intense
    label: str  # e.g. "melancholy", "euphoric", "tense", "serene"


class TypeLayout(Frozen):
    name: TypeLayoutName
    anchor: TypeAnchor  # where the text block sits; styles keep this region calm
    typeface: Typeface
    uppercase: bool  # applied to Latin titles only; the spelling itself never changes
    tracking: float = Field(ge=0.0, le=0.4)  # extra letter spacing in em (Latin only)
    title_scale: float = Field(default=1.0, ge=0.5, le=1.6)
    align: Literal["left", "center", "right"] = "left"


class AudioFeatures(Frozen):
    """What the track itself says, measured by ``sleeve.audio`` (the audio is not kept)."""

    duration_s: float = Field(gt=0)
    tempo_bpm: float = Field(ge=0, le=400)  # 0: no steady beat found
    loudness_dbfs: float = Field(le=0)  # RMS level of the analysed audio
    brightness_hz: float = Field(ge=0)  # mean spectral centroid
    key: str  # tonic, e.g. "C", "F#"
    mode: Literal["major", "minor"]
    mode_strength: float = Field(ge=0, le=1)  # how clearly the chroma prefers that mode
    onset_rate: float = Field(ge=0)  # note onsets per second


PortraitTreatment = Literal["duotone", "halftone", "riso", "arch", "circle"]


class PortraitPlan(Frozen):
    """How the musician's own photo goes into the cover (``sleeve.core.portrait`` chooses)."""

    treatment: PortraitTreatment
    photo: int = Field(default=0, ge=0)  # which of the subject's photos, in the order given


class CoverPlan(Frozen):
    plan_version: int = PLAN_VERSION
    title: str
    artist: str
    album: str = ""
    language: Literal["ko", "en", "ja", "mixed"]
    genre: str  # as entered
    genre_family: str  # canonical key, e.g. "ballad", "hiphop", "unknown"
    style: str  # a name from sleeve.core.styles.STYLE_NAMES
    palette: Palette
    mood: Mood
    motifs: list[str] = Field(default_factory=list, max_length=2)  # drawn, ≤ 2
    keywords: list[str] = Field(default_factory=list)
    concept: str = ""  # one line: the idea of the cover
    composition: Composition
    type_layout: TypeLayout
    prompt: str  # for diffusion engines
    negative_prompt: str = ""
    art_direction_source: Literal["local", "llm"] = "local"
    # Why the LLM art direction was not used (fallback reason), or empty.
    art_direction_note: str = ""
    # The track's own features, when its audio was given (mood is already folded with them).
    audio: AudioFeatures | None = None
    # Beats per minute for motion artwork: loops last a whole number of these beats.
    motion_tempo_bpm: float | None = Field(default=None, gt=0)
    # The subject's portrait and its treatment; None for a cover without the musician.
    portrait: PortraitPlan | None = None
