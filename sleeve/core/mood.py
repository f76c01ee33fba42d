"""Mood on two axes (valence: sad … happy, energy: calm … intense) with a readable label."""

from __future__ import annotations

from collections.abc import Iterable

from sleeve.core.genres import GenreFamily
from sleeve.core.lexicon import LexiconEntry
from sleeve.core.plan import Mood

# Where a genre sits before any lyric is read: (valence, energy).
GENRE_PRIOR: dict[GenreFamily, tuple[float, float]] = {
    "ballad": (-0.4, -0.5), "dance": (0.6, 0.7), "hiphop": (0.0, 0.6), "rnb": (0.2, -0.2),
    "indie": (0.1, -0.1), "rock": (0.0, 0.7), "metal": (-0.5, 0.9), "trot": (0.5, 0.4),
    "folk": (0.1, -0.3), "electronic": (0.1, 0.5), "techno": (-0.1, 0.7),
    "synthwave": (0.2, 0.5), "jazz": (0.2, -0.2), "classical": (0.1, -0.5),
    "lofi": (0.2, -0.7), "ambient": (0.1, -0.8), "ost": (0.0, 0.0), "pop": (0.5, 0.4),
    "unknown": (0.0, 0.0),
}
# The prior counts as this many strongly felt words; an unknown genre barely pulls at all.
_PRIOR_WEIGHT = 2.0
_UNKNOWN_PRIOR_WEIGHT = 0.3
# A word counts by how strongly it is felt: "window" names a picture, "lonely" a mood.
_BASE_SALIENCE = 0.2

MOOD_LABELS = (
    "aggressive", "tense", "euphoric", "energetic", "melancholy", "serene", "dreamy",
    "nostalgic", "romantic", "bright", "reflective",
)

# For an unknown genre the art direction borrows the family whose look fits the mood.
MOOD_FAMILY: dict[str, GenreFamily] = {
    "aggressive": "metal", "tense": "rock", "euphoric": "dance", "energetic": "electronic",
    "melancholy": "ballad", "serene": "ambient", "dreamy": "lofi", "nostalgic": "folk",
    "romantic": "rnb", "bright": "pop", "reflective": "indie",
}


def mood_label(valence: float, energy: float, *, romantic: bool = False) -> str:
    # Lyrics mix many neutral picture words, so estimates sit near the centre: the bands
    # are narrow on purpose.
    if energy >= 0.2:
        if valence <= -0.25:
            return "aggressive" if energy >= 0.55 else "tense"
        return "euphoric" if valence >= 0.3 else "energetic"
    if energy <= -0.15:
        if valence <= -0.08:
            return "melancholy"
        return "serene" if valence >= 0.15 else "dreamy"
    if valence <= -0.08:
        return "nostalgic"
    if valence >= 0.15:
        return "romantic" if romantic else "bright"
    return "reflective"


def _clamp(x: float) -> float:
    return max(-1.0, min(1.0, x))


def estimate_mood(
    hits: Iterable[tuple[LexiconEntry, float]], family: GenreFamily, *, romantic: bool = False
) -> Mood:
    """Mood from weighted lexicon hits, pulled towards the genre's prior."""
    prior_v, prior_e = GENRE_PRIOR[family]
    weight = _UNKNOWN_PRIOR_WEIGHT if family == "unknown" else _PRIOR_WEIGHT
    total, valence, energy = weight, weight * prior_v, weight * prior_e
    for entry, w in hits:
        salience = w * (_BASE_SALIENCE + max(abs(entry.valence), abs(entry.energy)))
        total += salience
        valence += salience * entry.valence
        energy += salience * entry.energy
    v, e = round(_clamp(valence / total), 3), round(_clamp(energy / total), 3)
    return Mood(valence=v, energy=e, label=mood_label(v, e, romantic=romantic))
