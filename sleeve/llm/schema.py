"""The art direction an LLM must answer with, validated before it touches a plan."""

from __future__ import annotations

import re
from typing import Annotated, cast

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from sleeve.core.lexicon import MOTIFS, Motif
from sleeve.core.plan import Palette

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _hex(value: str) -> str:
    if not _HEX.match(value):
        raise ValueError(f"{value!r} is not a #rrggbb colour")
    return value.lower()


Hex = Annotated[str, AfterValidator(_hex)]


class LLMPalette(BaseModel):
    model_config = ConfigDict(extra="ignore")

    background: Hex
    primary: Hex
    secondary: Hex
    accent: Hex
    ink: Hex

    def to_palette(self) -> Palette:
        return Palette(**self.model_dump())


class ArtDirection(BaseModel):
    """What the LLM proposes for a song. Motifs outside Sleeve's vocabulary are dropped."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    scene: str = Field(min_length=3, max_length=300)  # the picture, in English
    imagery: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        default_factory=list, max_length=8
    )  # the lyrics' images in English (Korean lyrics rendered into English)
    palettes: list[LLMPalette] = Field(min_length=1, max_length=4)
    motifs: list[str] = Field(default_factory=list)
    concept: str = Field(default="", max_length=200)

    @field_validator("motifs")
    @classmethod
    def _known_motifs(cls, value: list[str]) -> list[str]:
        known = [m.strip().lower() for m in value if m.strip().lower() in MOTIFS]
        return list(dict.fromkeys(known))[:2]

    def drawn_motifs(self) -> list[Motif]:
        # Validated above: every entry is one of MOTIFS.
        return cast(list[Motif], list(self.motifs))


def instructions() -> str:
    """The system prompt: the JSON shape, the vocabulary, and the rules."""
    return (
        "You are the art director for an album cover. Read the song brief and answer with ONE "
        "JSON object, no prose, with these keys:\n"
        '  "scene": one English sentence describing the picture (no text or lettering in it),\n'
        '  "imagery": up to 6 short English phrases for the lyrics\' concrete images '
        "(translate Korean or Japanese lyrics' imagery into natural English),\n"
        '  "palettes": 1 to 4 palettes, each {"background", "primary", "secondary", "accent", '
        '"ink"} as "#rrggbb" colours that belong together; ink must read on background,\n'
        f'  "motifs": up to 2 of: {", ".join(MOTIFS)},\n'
        '  "concept": one line, the idea of the cover.'
    )
