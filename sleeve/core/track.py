"""What a track's audio changes in the art direction: the mood, and the pace of motion.

The lyrics say what a song is about; the audio says how it feels. Loudness, pace and busyness
set the energy; the mode (major or minor) and the brightness of the sound set the valence.
The track outweighs the text (``TRACK_WEIGHT``): a sad lyric over a loud, fast major-key
arrangement is, as a picture, more euphoric than melancholy.
"""

from __future__ import annotations

import math

from sleeve.core.mood import mood_label
from sleeve.core.plan import AudioFeatures, Mood

TRACK_WEIGHT = 0.6
# Where each measure maps to -1 and +1 (linear between; log2 for brightness).
_QUIET_DBFS, _LOUD_DBFS = -40.0, -10.0
_SLOW_BPM, _FAST_BPM = 60.0, 160.0
_SPARSE_ONSETS, _BUSY_ONSETS = 0.5, 5.0  # per second
_DULL_HZ, _BRIGHT_HZ = 700.0, 3500.0
# Motion reads calmer than music: the loop's beat is the tempo halved or doubled into this
# range, so a 170 bpm track moves at 85 and a 50 bpm one at 100.
MOTION_BPM_RANGE = (60.0, 120.0)


def _scale(value: float, low: float, high: float) -> float:
    return max(-1.0, min(1.0, 2 * (value - low) / (high - low) - 1))


def track_energy(features: AudioFeatures) -> float:
    """-1 (quiet, slow, sparse) … +1 (loud, fast, busy)."""
    level = _scale(features.loudness_dbfs, _QUIET_DBFS, _LOUD_DBFS)
    pace = _scale(features.tempo_bpm, _SLOW_BPM, _FAST_BPM) if features.tempo_bpm else -0.5
    busy = _scale(features.onset_rate, _SPARSE_ONSETS, _BUSY_ONSETS)
    return 0.5 * level + 0.3 * pace + 0.2 * busy


def track_valence(features: AudioFeatures) -> float:
    """-1 (minor, dark-sounding) … +1 (major, bright-sounding)."""
    sign = 1.0 if features.mode == "major" else -1.0
    bright = _scale(math.log2(max(features.brightness_hz, 1.0)), math.log2(_DULL_HZ),
                    math.log2(_BRIGHT_HZ))
    return 0.65 * sign * min(1.0, 0.3 + features.mode_strength) + 0.35 * bright


def fold_mood(mood: Mood, features: AudioFeatures) -> Mood:
    """The text's mood moved towards the track's."""
    valence = (1 - TRACK_WEIGHT) * mood.valence + TRACK_WEIGHT * track_valence(features)
    energy = (1 - TRACK_WEIGHT) * mood.energy + TRACK_WEIGHT * track_energy(features)
    v, e = round(valence, 3), round(energy, 3)
    return Mood(valence=v, energy=e, label=mood_label(v, e, romantic=mood.label == "romantic"))


def motion_tempo(features: AudioFeatures) -> float | None:
    """The beat motion artwork moves to, or None for a track without a steady beat."""
    bpm = features.tempo_bpm
    if bpm <= 0:
        return None
    low, high = MOTION_BPM_RANGE
    while bpm > high:
        bpm /= 2
    while bpm < low:
        bpm *= 2
    return round(bpm, 2)


def beat_locked_seconds(seconds: float, bpm: float) -> float:
    """The loop length nearest ``seconds`` that holds a whole number of beats (at least one)."""
    if seconds <= 0 or bpm <= 0:
        raise ValueError("seconds and bpm must be positive")
    beats = max(1, round(seconds * bpm / 60))
    return beats * 60 / bpm
