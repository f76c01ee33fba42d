"""The bilingual word lexicon: which motif a word evokes, how it feels, what colours it hints.

The data lives in ``data/lexicon.json`` (package data) so it can grow without code changes.
Korean words are stored as kiwipiepy lemmas (nouns as they are, verb and adjective stems with
다), because that is what the keyword extractor produces.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

Motif = Literal[
    "rain", "night", "moon", "star", "sea", "city", "road", "fire", "flower", "snow", "sun",
    "forest", "mountain", "heart", "smoke", "neon", "river", "window", "bird", "wind", "cloud",
]
MOTIFS: tuple[Motif, ...] = (
    "rain", "night", "moon", "star", "sea", "city", "road", "fire", "flower", "snow", "sun",
    "forest", "mountain", "heart", "smoke", "neon", "river", "window", "bird", "wind", "cloud",
)
# What the procedural styles can draw as a silhouette (sleeve.render.motifs; a river is drawn
# as water). Window, bird, wind and cloud still shape the concept, keywords and prompt.
DRAWABLE_MOTIFS: frozenset[Motif] = frozenset(MOTIFS) - {"window", "bird", "wind", "cloud"}

Tone = Literal["warm", "cool", "dark", "bright", "soft", "vivid"]
TONES: tuple[Tone, ...] = ("warm", "cool", "dark", "bright", "soft", "vivid")


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    word: str
    lang: Literal["en", "ko", "ja"]
    valence: float
    energy: float
    motif: Motif | None = None
    tone: Tone | None = None
    gloss: str = ""  # English imagery for prompts; the word itself for English entries

    @property
    def english(self) -> str:
        return self.gloss or self.word


class LexiconError(ValueError):
    pass


def _entry(raw: dict[str, object]) -> LexiconEntry:
    entry = LexiconEntry(
        word=str(raw["word"]),
        lang=raw["lang"],  # type: ignore[arg-type]
        valence=float(raw["valence"]),  # type: ignore[arg-type]
        energy=float(raw["energy"]),  # type: ignore[arg-type]
        motif=raw.get("motif"),  # type: ignore[arg-type]
        tone=raw.get("tone"),  # type: ignore[arg-type]
        gloss=str(raw.get("gloss", "")),
    )
    if entry.lang not in ("en", "ko", "ja"):
        raise LexiconError(f"{entry.word!r}: unknown lang {entry.lang!r}")
    if entry.motif is not None and entry.motif not in MOTIFS:
        raise LexiconError(f"{entry.word!r}: unknown motif {entry.motif!r}")
    if entry.tone is not None and entry.tone not in TONES:
        raise LexiconError(f"{entry.word!r}: unknown tone {entry.tone!r}")
    if not (-1.0 <= entry.valence <= 1.0 and -1.0 <= entry.energy <= 1.0):
        raise LexiconError(f"{entry.word!r}: valence and energy must lie in [-1, 1]")
    return entry


@cache
def lexicon() -> dict[str, LexiconEntry]:
    """Every entry by word (English words lowercase). Loaded once."""
    text = resources.files("sleeve.core").joinpath("data/lexicon.json").read_text("utf-8")
    entries = [_entry(raw) for raw in json.loads(text)["entries"]]
    return {entry.word: entry for entry in entries}


def lookup(word: str) -> LexiconEntry | None:
    return lexicon().get(word)


@cache
def ideograph_entries() -> tuple[LexiconEntry, ...]:
    """Japanese entries, found by substring: without a Japanese analyser there are no words."""
    return tuple(e for e in lexicon().values() if e.lang == "ja")
