"""Off-policy evaluation of style policies on logged ratings (the bridge between
``policy`` and ``ope``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sleeve.learn.ope import Estimate, Logs, evaluate
from sleeve.learn.policy import BanditPolicy, LoggedRating, style_index


def policy_logs(target: BanditPolicy, logs: Sequence[LoggedRating],
                reward_model: BanditPolicy) -> Logs:
    """The arrays OPE needs to judge ``target``; ``reward_model``'s posterior means are the
    reward guesses of the doubly-robust estimate."""
    buckets: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    n = len(logs)
    target_p, q_logged, q_target = np.empty(n), np.empty(n), np.empty(n)
    for i, log in enumerate(logs):
        key = (log.family, log.mood)
        if key not in buckets:
            buckets[key] = (target.probabilities(*key), reward_model.posterior(*key)[0])
        probs, means = buckets[key]
        a = style_index(log.style)
        target_p[i], q_logged[i], q_target[i] = probs[a], means[a], float(probs @ means)
    return Logs(
        rewards=np.array([log.rating for log in logs], dtype=float),
        propensities=np.array([log.propensity for log in logs], dtype=float),
        target=target_p, q_logged=q_logged, q_target=q_target,
    )


def evaluate_policy(target: BanditPolicy, logs: Sequence[LoggedRating],
                    reward_model: BanditPolicy | None = None,
                    *, seed: int = 0) -> dict[str, Estimate]:
    """IPS, SNIPS and DR estimates of ``target``'s mean rating."""
    return evaluate(policy_logs(target, logs, reward_model or target), seed=seed)
