"""The track folded into the art direction: mood moves its way, motion keeps whole beats."""

from __future__ import annotations

import pytest

from sleeve.core.art_direction import plan_covers
from sleeve.core.brief import Brief
from sleeve.core.plan import AudioFeatures
from sleeve.core.track import beat_locked_seconds, fold_mood, motion_tempo

BRIEF = Brief(title="Midnight Rain", artist="Luna Vale", genre="ballad",
              lyrics="rain on the window, I miss you", language="en")


def features(**changes: object) -> AudioFeatures:
    base: dict[str, object] = {
        "duration_s": 200.0, "tempo_bpm": 100.0, "loudness_dbfs": -20.0,
        "brightness_hz": 1500.0, "key": "C", "mode": "major", "mode_strength": 0.2,
        "onset_rate": 2.5,
    }
    return AudioFeatures.model_validate({**base, **changes})


def test_a_loud_fast_major_track_lifts_a_sad_ballad() -> None:
    (quiet,) = plan_covers(BRIEF, count=1, seed=1)
    (loud,) = plan_covers(BRIEF, count=1, seed=1, audio=features(
        tempo_bpm=150, loudness_dbfs=-9, onset_rate=5, mode="major", brightness_hz=3000))
    assert loud.mood.energy > quiet.mood.energy + 0.3
    assert loud.mood.valence > quiet.mood.valence
    assert loud.audio is not None and loud.audio.tempo_bpm == 150
    assert loud.motion_tempo_bpm == 75


def test_minor_and_dull_pull_valence_down_major_and_bright_push_it_up() -> None:
    mood = plan_covers(BRIEF, count=1, seed=1)[0].mood
    sad = fold_mood(mood, features(mode="minor", mode_strength=0.4, brightness_hz=600))
    happy = fold_mood(mood, features(mode="major", mode_strength=0.4, brightness_hz=3000))
    assert sad.valence < mood.valence < happy.valence


def test_without_audio_the_plan_is_unchanged_and_has_no_motion_tempo() -> None:
    (plan,) = plan_covers(BRIEF, count=1, seed=1)
    assert plan.audio is None and plan.motion_tempo_bpm is None


@pytest.mark.parametrize(("bpm", "motion"), [(170, 85), (50, 100), (90, 90), (0, None)])
def test_motion_moves_at_the_tempo_halved_or_doubled_into_a_calm_range(
        bpm: float, motion: float | None) -> None:
    assert motion_tempo(features(tempo_bpm=bpm)) == motion


def test_a_loop_lasts_a_whole_number_of_beats() -> None:
    seconds = beat_locked_seconds(6.0, 85)
    assert seconds * 85 / 60 == pytest.approx(round(seconds * 85 / 60))
    assert abs(seconds - 6.0) <= 60 / 85 / 2
