"""The canary compares good-cover shares with Beta posteriors."""

from __future__ import annotations

import numpy as np
import pytest

from sleeve.learn.canary import Arm, decide, p_better


def test_p_better_matches_sampling_from_the_posteriors() -> None:
    cand, ctrl = Arm(40, 60), Arm(30, 60)
    rng = np.random.default_rng(0)
    x = rng.beta(1 + 40, 1 + 20, 400_000)
    y = rng.beta(1 + 30, 1 + 30, 400_000)
    assert p_better(cand, ctrl) == pytest.approx(float(np.mean(x > y)), abs=0.004)
    assert p_better(Arm(5, 10), Arm(5, 10)) == pytest.approx(0.5, abs=1e-3)


def _ratings(share_good: float, n: int, seed: int) -> list[int]:
    rng = np.random.default_rng(seed)
    return [int(rng.choice([4, 5])) if rng.random() < share_good else int(rng.choice([1, 2, 3]))
            for _ in range(n)]


def test_a_clearly_better_candidate_is_promoted_once_both_sides_have_enough() -> None:
    better, control = Arm.of(_ratings(0.75, 60, 1)), Arm.of(_ratings(0.4, 60, 2))
    assert decide(better, control).decision == "promote"
    few = Arm.of(_ratings(0.75, 30, 1))
    assert decide(few, control).decision == "continue"  # evidence, but under 50 ratings


def test_a_clearly_worse_candidate_is_retired() -> None:
    worse, control = Arm.of(_ratings(0.2, 60, 3)), Arm.of(_ratings(0.6, 60, 4))
    verdict = decide(worse, control)
    assert verdict.decision == "retire" and verdict.p_better < 0.05


def test_an_even_race_keeps_the_canary_running() -> None:
    assert decide(Arm(30, 60), Arm(31, 60)).decision == "continue"
