"""The style bandit: the table as prior, exact propensities, a floor of exploration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sleeve.core.mood import MOOD_LABELS, mood_label
from sleeve.core.styles import STYLE_NAMES
from sleeve.learn.policy import (
    LABEL_POINTS,
    LoggedRating,
    argmax_probabilities,
    choose,
    fit,
    fixed_choices,
    position_marginals,
    table_policy,
)


def test_label_points_lie_inside_their_mood_bands() -> None:
    assert set(LABEL_POINTS) == set(MOOD_LABELS)
    for label, (valence, energy) in LABEL_POINTS.items():
        if label == "romantic":
            assert mood_label(valence, energy, romantic=True) == label
        else:
            assert mood_label(valence, energy) == label


def test_argmax_probabilities_match_a_monte_carlo_count() -> None:
    mean, sd = np.array([3.0, 3.4, 2.5, 3.2]), np.array([0.5, 0.3, 0.8, 0.6])
    draws = np.random.default_rng(0).normal(mean, sd, size=(200_000, 4))
    counted = np.bincount(draws.argmax(axis=1), minlength=4) / len(draws)
    assert np.allclose(argmax_probabilities(mean, sd), counted, atol=0.005)


def test_the_table_is_the_prior_and_every_style_keeps_the_floor() -> None:
    policy = table_policy(floor=0.1)
    p = policy.probabilities("ballad", "melancholy")
    assert p.sum() == pytest.approx(1.0)
    assert p.min() >= 0.1 / len(STYLE_NAMES)
    best = STYLE_NAMES[int(p.argmax())]
    assert best == "landscape"  # the table's first ballad style


def test_position_marginals_are_exact_for_sampling_without_replacement() -> None:
    p = np.array([0.5, 0.3, 0.15, 0.05])
    exact = np.zeros((3, 4))
    for order in itertools.permutations(range(4), 3):
        chance, left = 1.0, 1.0
        for j in order:
            chance *= p[j] / left
            left -= p[j]
        for k, j in enumerate(order):
            exact[k, j] += chance
    assert np.allclose(position_marginals(p, 3), exact)
    assert np.allclose(position_marginals(p, 3)[0], p)
    assert np.allclose(position_marginals(p, 6)[4], exact[0])  # past all styles: repeats


def test_choose_draws_different_styles_with_their_logged_propensities() -> None:
    policy = table_policy()
    rng = np.random.default_rng(3)
    choices = choose(policy, "rock", "aggressive", 4, rng)
    assert len({c.style for c in choices}) == 4
    marginals = position_marginals(policy.probabilities("rock", "aggressive"), 4)
    for k, c in enumerate(choices):
        assert c.propensity == pytest.approx(marginals[k, STYLE_NAMES.index(c.style)], rel=1e-6)
    again = choose(policy, "rock", "aggressive", 4, np.random.default_rng(3))
    assert again == choices


def test_the_first_position_is_drawn_with_its_logged_probability() -> None:
    policy = table_policy()
    rng = np.random.default_rng(11)
    firsts = [choose(policy, "jazz", "reflective", 2, rng)[0].style for _ in range(2000)]
    counted = np.array([firsts.count(s) for s in STYLE_NAMES]) / len(firsts)
    assert np.allclose(counted, policy.probabilities("jazz", "reflective"), atol=0.03)


def test_a_fixed_style_is_certain_and_marked() -> None:
    assert fixed_choices("glitch", 2)[0].propensity == 1.0
    assert all(c.fixed for c in fixed_choices("glitch", 2))


def test_fitting_moves_probability_to_the_styles_rated_well() -> None:
    base = table_policy()
    logs = [LoggedRating("ballad", "melancholy", "glitch", 0.05, 5.0)] * 30 + [
        LoggedRating("ballad", "melancholy", "landscape", 0.3, 1.0)] * 30
    fitted = fit(base, logs, "v2")
    before = base.probabilities("ballad", "melancholy")
    after = fitted.probabilities("ballad", "melancholy")
    glitch, landscape = STYLE_NAMES.index("glitch"), STYLE_NAMES.index("landscape")
    assert after[glitch] > 0.6 > 0.2 > before[glitch]
    assert after[landscape] < before[landscape]
    assert fitted.version == "v2" and base.stats == {}
    # Other buckets still follow the table.
    assert np.allclose(fitted.probabilities("rock", "tense"), base.probabilities("rock", "tense"))
