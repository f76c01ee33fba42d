import numpy as np
import pytest
from pydantic import ValidationError

from sleeve.core.genres import GENRE_FAMILIES
from sleeve.core.mood import MOOD_LABELS
from sleeve.core.plan import Mood
from sleeve.core.style_policy import DEFAULT_POLICY, StylePolicy, choose_styles
from sleeve.render.styles import STYLE_NAMES

CALM = Mood(valence=0.0, energy=-0.9, label="dreamy")
LOUD = Mood(valence=0.0, energy=0.9, label="energetic")


def test_default_policy_uses_only_real_styles_and_every_named_family() -> None:
    for family, weights in DEFAULT_POLICY.weights.items():
        assert family in GENRE_FAMILIES
        assert set(weights) <= set(STYLE_NAMES)
    assert set(GENRE_FAMILIES) - set(DEFAULT_POLICY.weights) == {"unknown"}


def test_policy_round_trips_through_json() -> None:
    text = DEFAULT_POLICY.model_dump_json()
    assert StylePolicy.model_validate_json(text) == DEFAULT_POLICY


def test_policy_rejects_unknown_styles_and_negative_weights() -> None:
    with pytest.raises(ValidationError, match="unknown style"):
        StylePolicy(weights={"ballad": {"watercolour": 1.0}})
    with pytest.raises(ValidationError, match=">= 0"):
        StylePolicy(weights={"ballad": {"minimal": -1.0}})
    with pytest.raises(ValidationError, match="unknown genre family"):
        StylePolicy(weights={"polka": {"minimal": 1.0}})


def test_covers_of_one_brief_get_different_styles() -> None:
    for count in (1, 3, 4, 8, 12):
        styles = choose_styles(DEFAULT_POLICY, "ballad", CALM, count, np.random.default_rng(5))
        assert len(styles) == count
        assert len(set(styles)) == count


def test_favoured_styles_come_first_then_the_rest() -> None:
    styles = choose_styles(DEFAULT_POLICY, "synthwave", LOUD, 5, np.random.default_rng(0))
    assert set(styles[:3]) == {"synthwave", "glitch", "aurora"}
    assert set(styles[3:]).isdisjoint(styles[:3])


def test_more_covers_than_styles_repeat_the_sequence() -> None:
    styles = choose_styles(DEFAULT_POLICY, "jazz", CALM, 14, np.random.default_rng(0))
    assert sorted(set(styles)) == sorted(STYLE_NAMES)
    assert styles[12:] == styles[:2]


def test_energy_tilts_the_weights() -> None:
    calm = DEFAULT_POLICY.style_weights("metal", CALM)
    loud = DEFAULT_POLICY.style_weights("metal", LOUD)
    assert loud["glitch"] / loud["landscape"] > calm["glitch"] / calm["landscape"]


def test_energetic_songs_draw_glitch_more_often_than_calm_ones() -> None:
    def firsts(mood: Mood) -> int:
        return sum(
            choose_styles(DEFAULT_POLICY, "rock", mood, 1, np.random.default_rng(s))[0] == "glitch"
            for s in range(300)
        )

    assert firsts(LOUD) > firsts(CALM)


def test_unknown_genre_borrows_by_mood() -> None:
    for label in MOOD_LABELS:
        mood = Mood(valence=0.0, energy=0.0, label=label)
        assert DEFAULT_POLICY.style_weights("unknown", mood), label
    serene = Mood(valence=0.5, energy=-0.5, label="serene")
    assert set(DEFAULT_POLICY.style_weights("unknown", serene)) == set(
        DEFAULT_POLICY.weights["ambient"]
    )


def test_genre_table_starting_points() -> None:
    def top(family: str) -> str:
        weights = DEFAULT_POLICY.weights[family]
        return max(weights, key=lambda s: weights[s])

    assert top("ballad") == "landscape"
    assert top("hiphop") == "swiss"
    assert top("synthwave") == "synthwave"
    assert top("trot") == "sunburst"
    assert top("classical") == "minimal"
