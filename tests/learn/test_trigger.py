"""The rating-drop trigger."""

from __future__ import annotations

from sleeve.learn.trigger import DropThresholds, rating_drop


def test_a_drop_of_half_a_star_with_enough_ratings_triggers() -> None:
    check = rating_drop([3.4] * 30, [4.0] * 30)
    assert check.triggered and check.recent_n == 30


def test_too_few_ratings_or_too_small_a_drop_does_not() -> None:
    assert not rating_drop([3.0] * 29, [4.0] * 40).triggered
    assert not rating_drop([3.7] * 40, [4.0] * 40).triggered
    assert not rating_drop([], []).triggered


def test_thresholds_are_configurable() -> None:
    loose = DropThresholds(drop=0.2, min_ratings=5)
    assert rating_drop([3.7] * 5, [4.0] * 5, loose).triggered
