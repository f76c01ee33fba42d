"""Curated palettes per genre family, chosen to fit the lyrics' tones and varied by seed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from sleeve.core.color import contrast_ratio
from sleeve.core.genres import GenreFamily
from sleeve.core.lexicon import TONES, Tone
from sleeve.core.mood import MOOD_FAMILY
from sleeve.core.plan import Mood, Palette, hex_to_rgb

MIN_INK_CONTRAST = 4.5
# Neutral inks for the rare palette whose own colours cannot carry text on its background;
# pure black or white always reaches 4.5:1 on any background.
_FALLBACK_INKS = ("#f5f1e8", "#141414", "#ffffff", "#000000")


@dataclass(frozen=True, slots=True)
class NamedPalette:
    name: str
    tones: frozenset[Tone]
    palette: Palette


def with_legible_ink(palette: Palette) -> Palette:
    """The palette with an ink of at least 4.5:1 on its background (its own ink if it has)."""
    bg = hex_to_rgb(palette.background)
    candidates = (palette.ink, palette.primary, palette.secondary, palette.accent)
    for ink in (*candidates, *_FALLBACK_INKS):
        if contrast_ratio(hex_to_rgb(ink), bg) >= MIN_INK_CONTRAST:
            return palette if ink == palette.ink else palette.model_copy(update={"ink": ink})
    best = max(_FALLBACK_INKS, key=lambda ink: contrast_ratio(hex_to_rgb(ink), bg))
    return palette.model_copy(update={"ink": best})


@cache
def palettes() -> Mapping[str, tuple[NamedPalette, ...]]:
    """Every curated palette by genre family. Loaded once."""
    text = resources.files("sleeve.core").joinpath("data/palettes.json").read_text("utf-8")
    out: dict[str, tuple[NamedPalette, ...]] = {}
    for family, rows in json.loads(text)["families"].items():
        out[family] = tuple(
            NamedPalette(
                name=row["name"],
                tones=frozenset(t for t in row["tones"] if t in TONES),
                palette=Palette(**{k: row[k] for k in Palette.model_fields}),
            )
            for row in rows
        )
    return out


def family_for_palette(family: GenreFamily, mood: Mood) -> str:
    return MOOD_FAMILY.get(mood.label, "indie") if family == "unknown" else family


def _fit(candidate: NamedPalette, tones: Mapping[Tone, float], mood: Mood) -> float:
    score = 1.0 + 2.0 * sum(tones.get(t, 0.0) for t in candidate.tones)
    if mood.valence < -0.3 and candidate.tones & {"dark", "cool"}:
        score += 0.5
    if mood.energy > 0.4 and "vivid" in candidate.tones:
        score += 0.5
    if mood.energy < -0.3 and "soft" in candidate.tones:
        score += 0.5
    return score


def palette_order(
    family: GenreFamily, mood: Mood, tones: Mapping[Tone, float], rng: np.random.Generator
) -> list[Palette]:
    """The family's palettes in a seeded order, better-fitting ones likelier to come first.

    ``tones`` are shares (summing to at most 1) of the lyric words hinting each tone.
    """
    pool = list(palettes()[family_for_palette(family, mood)])
    weights = np.array([_fit(p, tones, mood) for p in pool], dtype=float)
    order = rng.choice(len(pool), size=len(pool), replace=False, p=weights / weights.sum())
    return [with_legible_ink(pool[i].palette) for i in order]
