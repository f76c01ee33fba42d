"""Motifs for a cover and the one-line idea built from them."""

from __future__ import annotations

from collections.abc import Sequence

from sleeve.core.genres import GenreFamily
from sleeve.core.lexicon import Motif
from sleeve.core.mood import MOOD_FAMILY
from sleeve.core.plan import Mood

# When neither title nor lyrics name anything drawable: motifs that suit the genre.
GENRE_MOTIFS: dict[GenreFamily, tuple[Motif, ...]] = {
    "ballad": ("night", "moon"), "dance": ("neon", "star"), "pop": ("heart", "sun"),
    "hiphop": ("city", "smoke"), "rnb": ("moon", "heart"), "indie": ("flower", "sun"),
    "rock": ("fire", "road"), "metal": ("fire", "mountain"), "trot": ("sun", "flower"),
    "folk": ("road", "river"), "electronic": ("neon", "city"), "techno": ("neon", "city"),
    "synthwave": ("sun", "road"), "jazz": ("smoke", "city"), "classical": ("moon", "mountain"),
    "lofi": ("rain", "moon"), "ambient": ("sea", "moon"), "ost": ("mountain", "sun"),
}

MOTIF_PHRASES: dict[Motif, str] = {
    "rain": "long streaks of rain", "night": "a deep night sky",
    "moon": "a full moon with a soft halo",
    "star": "scattered stars with a few glows", "sea": "layered waves on the sea",
    "city": "a city skyline with a few lit windows", "road": "a road running to the horizon",
    "fire": "rising flames", "flower": "flowers in bloom", "snow": "falling snow",
    "sun": "a low sun", "forest": "a line of dark trees", "mountain": "mountain ridges",
    "heart": "a single glowing heart", "smoke": "drifting smoke", "neon": "neon light",
    "river": "a winding river", "window": "a lit window", "bird": "a lone bird in flight",
    "wind": "wind-swept grass", "cloud": "slow clouds",
}


def fallback_motifs(family: GenreFamily, mood: Mood) -> tuple[Motif, ...]:
    if family == "unknown":
        family = MOOD_FAMILY.get(mood.label, "indie")
    return GENRE_MOTIFS.get(family, ("moon", "cloud"))


def cover_motifs(ranked: Sequence[Motif], index: int) -> list[Motif]:
    """Cover ``index``'s 1–2 motifs: the strongest first, later covers lead with the runners-up.

    One idea per cover, so a batch explores the song's two or three strongest images instead
    of repeating the first.
    """
    if not ranked:
        return []
    leads = ranked[: min(3, len(ranked))]
    lead = leads[index % len(leads)]
    partner = next((m for m in ranked if m != lead), None)
    return [lead, partner] if partner else [lead]


def scene(motifs: Sequence[Motif]) -> str:
    """The motifs as one English picture: "long streaks of rain and a full moon ..."."""
    return " and ".join(MOTIF_PHRASES[m] for m in motifs[:2]) or "an abstract composition"


def concept_line(motifs: Sequence[Motif], mood: Mood) -> str:
    return f"{mood.label}: {scene(motifs)}"
