"""IPS, SNIPS and DR on synthetic logs whose true value is known."""

from __future__ import annotations

import numpy as np
import pytest

from sleeve.learn.ope import Logs, effective_sample_size, estimate, evaluate

CONTEXTS, ACTIONS, N = 5, 4, 4000


def _world(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    means = rng.uniform(1.5, 4.5, size=(CONTEXTS, ACTIONS))  # true mean rating
    logging = rng.dirichlet(np.ones(ACTIONS) * 2, size=CONTEXTS)
    target = rng.dirichlet(np.ones(ACTIONS) * 0.7, size=CONTEXTS)
    return means, logging, target


def _logs(model_error: float, seed: int = 1) -> tuple[Logs, float]:
    means, logging, target = _world()
    rng = np.random.default_rng(seed)
    x = rng.integers(0, CONTEXTS, N)
    a = np.array([rng.choice(ACTIONS, p=logging[c]) for c in x])
    r = np.clip(means[x, a] + rng.normal(0, 1.0, N), 1, 5)
    truth = float(np.mean([target[c] @ np.clip(means[c], 1, 5) for c in range(CONTEXTS)]))
    # The clip shifts the means a little; measure the true value the same way as the logs.
    noise = np.clip(means[:, :, None] + rng.normal(0, 1.0, (CONTEXTS, ACTIONS, 20000)), 1, 5)
    true_means = noise.mean(axis=2)
    truth = float(np.mean([target[c] @ true_means[c] for c in range(CONTEXTS)]))
    q = true_means + model_error
    logs = Logs(rewards=r, propensities=logging[x, a], target=target[x, a],
                q_logged=q[x, a], q_target=np.sum(target[x] * q[x], axis=1))
    return logs, truth


@pytest.mark.parametrize("method", ["ips", "snips", "dr"])
def test_each_estimator_finds_the_true_value_inside_its_interval(method: str) -> None:
    logs, truth = _logs(model_error=0.3)
    found = estimate(logs, method, rounds=300)
    assert found.low <= truth <= found.high
    assert abs(found.value - truth) < 0.15
    assert found.n == N and 0 < found.ess < N


def test_dr_is_tighter_than_ips_with_a_good_reward_model() -> None:
    logs, _ = _logs(model_error=0.0)
    found = evaluate(logs, rounds=300)
    assert found["dr"].high - found["dr"].low < found["ips"].high - found["ips"].low


def test_on_policy_weights_are_one_and_the_sample_is_fully_effective() -> None:
    w = np.ones(50)
    assert effective_sample_size(w) == pytest.approx(50)
    assert effective_sample_size(np.array([1.0, 0.0, 0.0, 0.0])) == pytest.approx(1)


def test_the_same_logs_give_the_same_interval() -> None:
    logs, _ = _logs(model_error=0.2)
    assert estimate(logs, "dr", rounds=200) == estimate(logs, "dr", rounds=200)


def test_bad_logs_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        Logs(np.ones(2), np.zeros(2), np.ones(2), np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match="same length"):
        Logs(np.ones(2), np.ones(3), np.ones(2), np.ones(2), np.ones(2))
