"""Off-policy evaluation: what mean rating would a candidate policy get, judged from ratings
of covers another policy chose?

For logged rating ``r`` of action ``a`` chosen with probability ``p0`` (the logged
propensity), a target policy that picks ``a`` with probability ``π`` has importance weight
``w = π / p0``:

- IPS: ``mean(w·r)`` — unbiased, high variance;
- SNIPS: ``Σ w·r / Σ w`` — self-normalised, slightly biased, steadier;
- DR: ``mean(v̂ + w·(r − q̂))`` where ``q̂`` is a reward model's guess for the logged action
  and ``v̂ = Σ_a π(a)·q̂(a)`` its guess for the target's value in that context: unbiased when
  either the propensities or the reward model are right.

Each comes with a percentile bootstrap interval (fixed seed: the same logs give the same
interval) and the effective sample size ``(Σw)² / Σw²``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

BOOTSTRAP_ROUNDS = 1000
CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class Estimate:
    value: float
    low: float
    high: float
    ess: float
    n: int

    def as_dict(self) -> dict[str, float]:
        return {k: round(float(v), 4) for k, v in asdict(self).items()}


@dataclass(frozen=True, slots=True)
class Logs:
    """Aligned arrays, one entry per logged rating."""

    rewards: np.ndarray
    propensities: np.ndarray  # of the logged action under the logging policy
    target: np.ndarray  # of the logged action under the evaluated policy
    q_logged: np.ndarray  # reward model's guess for the logged action
    q_target: np.ndarray  # reward model's expected reward under the evaluated policy

    def __post_init__(self) -> None:
        sizes = {len(a) for a in (self.rewards, self.propensities, self.target,
                                  self.q_logged, self.q_target)}
        if len(sizes) != 1:
            raise ValueError("logged arrays must have the same length")
        if np.any(self.propensities <= 0):
            raise ValueError("logged propensities must be positive")

    @property
    def weights(self) -> np.ndarray:
        return np.asarray(self.target / self.propensities, dtype=float)


Estimator = Callable[[Logs, np.ndarray], float]


def _ips(logs: Logs, i: np.ndarray) -> float:
    return float(np.mean(logs.weights[i] * logs.rewards[i]))


def _snips(logs: Logs, i: np.ndarray) -> float:
    w = logs.weights[i]
    total = w.sum()
    return float(np.sum(w * logs.rewards[i]) / total) if total > 0 else float("nan")


def _dr(logs: Logs, i: np.ndarray) -> float:
    w = logs.weights[i]
    return float(np.mean(logs.q_target[i] + w * (logs.rewards[i] - logs.q_logged[i])))


ESTIMATORS: dict[str, Estimator] = {"ips": _ips, "snips": _snips, "dr": _dr}


def effective_sample_size(weights: np.ndarray) -> float:
    squares = float(np.sum(weights**2))
    return float(np.sum(weights) ** 2 / squares) if squares > 0 else 0.0


def estimate(logs: Logs, method: str, *, rounds: int = BOOTSTRAP_ROUNDS,
             confidence: float = CONFIDENCE, seed: int = 0) -> Estimate:
    """One estimator's value with its bootstrap interval and the effective sample size."""
    n = len(logs.rewards)
    if n == 0:
        raise ValueError("no logged ratings to evaluate with")
    estimator = ESTIMATORS[method]
    rng = np.random.default_rng(seed)
    everything = np.arange(n)
    draws = np.array([estimator(logs, rng.integers(0, n, n)) for _ in range(rounds)])
    tail = (1.0 - confidence) / 2
    low, high = np.nanquantile(draws, [tail, 1.0 - tail])
    return Estimate(value=estimator(logs, everything), low=float(low), high=float(high),
                    ess=effective_sample_size(logs.weights), n=n)


def evaluate(logs: Logs, *, rounds: int = BOOTSTRAP_ROUNDS, seed: int = 0) -> dict[str, Estimate]:
    """IPS, SNIPS and DR, each with its interval."""
    return {m: estimate(logs, m, rounds=rounds, seed=seed) for m in ESTIMATORS}
