"""Which procedural styles suit a genre and mood: a JSON-serialisable, learnable policy."""

from __future__ import annotations

import math

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from sleeve.core.genres import GENRE_FAMILIES, GenreFamily
from sleeve.core.mood import MOOD_FAMILY
from sleeve.core.plan import Mood
from sleeve.core.styles import STYLE_NAMES, check_style


class StylePolicy(BaseModel):
    """Weights per genre family over the style names, tilted by the mood's energy.

    A style's weight for a cover is ``weights[family][style] * exp(energy_tilt *
    energy_bias[style] * mood.energy)``: positive-bias styles gain on energetic songs. A
    family with no weights (``unknown``) borrows the family that fits the mood.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = 1
    weights: dict[str, dict[str, float]]
    energy_bias: dict[str, float] = Field(default_factory=dict)
    energy_tilt: float = Field(default=0.8, ge=0.0, le=5.0)

    @field_validator("weights")
    @classmethod
    def _known_weights(cls, value: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for family, styles in value.items():
            if family not in GENRE_FAMILIES:
                raise ValueError(f"unknown genre family {family!r}")
            for style, weight in styles.items():
                check_style(style)
                if not (weight >= 0 and math.isfinite(weight)):
                    raise ValueError(f"{family}/{style}: weight must be finite and >= 0")
        return value

    @field_validator("energy_bias")
    @classmethod
    def _known_bias(cls, value: dict[str, float]) -> dict[str, float]:
        for style, bias in value.items():
            check_style(style)
            if not -1.0 <= bias <= 1.0:
                raise ValueError(f"{style}: energy bias must lie in [-1, 1]")
        return value

    def style_weights(self, family: GenreFamily, mood: Mood) -> dict[str, float]:
        """The positive weights for ``family`` under ``mood``, in STYLE_NAMES order."""
        base = self.weights.get(family) or self.weights.get(MOOD_FAMILY.get(mood.label, ""), {})
        out: dict[str, float] = {}
        for style in STYLE_NAMES:
            weight = base.get(style, 0.0)
            if weight > 0:
                tilt = self.energy_tilt * self.energy_bias.get(style, 0.0) * mood.energy
                out[style] = weight * math.exp(tilt)
        return out


# COVER-DESIGN.md's genre table as weights: the first styles named fit best.
DEFAULT_POLICY = StylePolicy(
    weights={
        "ballad": {"landscape": 3.0, "aurora": 2.5, "minimal": 2.0, "nebula": 0.6},
        "dance": {"swiss": 2.5, "aurora": 2.0, "synthwave": 1.5, "sunburst": 1.5, "glitch": 0.6},
        "pop": {"aurora": 2.0, "swiss": 2.0, "sunburst": 1.5, "collage": 1.2, "riso": 1.0},
        "hiphop": {"swiss": 3.0, "riso": 2.5, "glitch": 2.0, "collage": 2.0},
        "rnb": {"aurora": 3.0, "nebula": 2.5, "landscape": 2.0, "minimal": 0.8},
        "indie": {"riso": 3.0, "collage": 2.5, "contours": 2.0, "landscape": 0.8},
        "rock": {"glitch": 2.5, "collage": 2.0, "swiss": 1.5, "landscape": 1.2, "riso": 1.0},
        "metal": {"glitch": 3.0, "nebula": 2.5, "landscape": 2.0, "contours": 0.6},
        "trot": {"sunburst": 3.0, "collage": 2.5, "swiss": 1.0, "riso": 0.8},
        "folk": {"landscape": 3.0, "riso": 2.5, "contours": 1.0, "collage": 0.8},
        "electronic": {"flowfield": 3.0, "contours": 2.5, "glitch": 2.0, "swiss": 0.8},
        "techno": {"flowfield": 2.5, "contours": 2.5, "glitch": 2.5, "minimal": 1.0},
        "synthwave": {"synthwave": 3.5, "glitch": 2.0, "aurora": 1.5},
        "jazz": {"swiss": 3.0, "minimal": 2.5, "riso": 2.0, "collage": 0.8},
        "classical": {"minimal": 3.0, "contours": 2.5, "landscape": 0.8, "aurora": 0.6},
        "lofi": {"aurora": 2.5, "landscape": 2.5, "minimal": 2.0, "nebula": 1.5, "riso": 0.8},
        "ambient": {"aurora": 3.0, "nebula": 2.5, "landscape": 2.0, "minimal": 2.0},
        "ost": {"landscape": 3.0, "minimal": 2.0, "aurora": 1.5, "nebula": 1.5},
    },
    energy_bias={
        "glitch": 0.8, "swiss": 0.5, "synthwave": 0.6, "sunburst": 0.5, "collage": 0.3,
        "flowfield": 0.2, "riso": 0.1, "contours": -0.2, "nebula": -0.3,
        "minimal": -0.6, "landscape": -0.5, "aurora": -0.6,
    },
)


def choose_styles(
    policy: StylePolicy, family: GenreFamily, mood: Mood, count: int, rng: np.random.Generator
) -> list[str]:
    """``count`` styles, all different while there are styles left.

    Weighted sampling without replacement over the policy's styles; past those, the remaining
    style names in a random order; past all twelve, the sequence repeats.
    """
    if count < 1:
        return []
    weights = policy.style_weights(family, mood)
    favoured = list(weights)
    chosen: list[str] = []
    if favoured:
        p = np.array([weights[s] for s in favoured], dtype=float)
        take = min(count, len(favoured))
        picks = rng.choice(len(favoured), size=take, replace=False, p=p / p.sum())
        chosen = [favoured[i] for i in picks]
    rest = [s for s in STYLE_NAMES if s not in chosen]
    chosen.extend(rest[i] for i in rng.permutation(len(rest)))
    return [chosen[i % len(chosen)] for i in range(count)]
