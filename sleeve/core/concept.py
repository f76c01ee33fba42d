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


# Pairs that make one picture rather than two things side by side.
PAIR_SCENES: dict[frozenset[Motif], str] = {
    frozenset({"rain", "window"}): "rain running down a window at night",
    frozenset({"rain", "city"}): "rain falling over the city lights",
    frozenset({"rain", "night"}): "long streaks of rain in a deep night sky",
    frozenset({"city", "night"}): "a city skyline at night with a few lit windows",
    frozenset({"star", "night"}): "a deep night sky full of stars",
    frozenset({"moon", "night"}): "a full moon with a soft halo in a deep night sky",
    frozenset({"moon", "sea"}): "moonlight on layered waves",
    frozenset({"sun", "sea"}): "a low sun over layered waves",
    frozenset({"road", "night"}): "a road running to the horizon at night",
    frozenset({"road", "sun"}): "a road running to a low sun on the horizon",
    frozenset({"fire", "star"}): "fireworks bursting against the night",
    frozenset({"fire", "night"}): "fireworks bursting against the night",
    frozenset({"snow", "flower"}): "first snow falling on spring flowers",
    frozenset({"fire", "mountain"}): "flames rising behind dark mountain ridges",
    frozenset({"fire", "forest"}): "a forest line against rising flames",
    frozenset({"neon", "road"}): "a neon-lit highway running to the horizon",
    frozenset({"neon", "city"}): "neon signs glowing over a city street",
    frozenset({"sea", "window"}): "the sea seen through a small window",
    frozenset({"flower", "star"}): "fireflies drifting over a garden at night",
}


def scene(motifs: Sequence[Motif]) -> str:
    """The motifs as one English picture: "rain running down a window at night"."""
    pair = PAIR_SCENES.get(frozenset(motifs[:2]))
    if pair and len(motifs) >= 2:
        return pair
    return " and ".join(MOTIF_PHRASES[m] for m in motifs[:2]) or "an abstract composition"


def concept_line(motifs: Sequence[Motif], mood: Mood) -> str:
    return f"{mood.label}: {scene(motifs)}"
