"""The LoRA canary: is the candidate's share of good covers (rated ≥ 4) better or worse than
the control's? Beta(1 + good, 1 + other) posteriors for both, compared exactly by
quadrature: ``P(candidate > control) = ∫ f_cand(x) F_ctrl(x) dx``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

GOOD_RATING = 4
_GRID = 4001

Decision = Literal["promote", "retire", "continue"]


@dataclass(frozen=True, slots=True)
class Arm:
    good: int
    total: int

    @classmethod
    def of(cls, ratings: list[int] | list[float]) -> Arm:
        return cls(sum(1 for r in ratings if r >= GOOD_RATING), len(ratings))


@dataclass(frozen=True, slots=True)
class CanaryVerdict:
    decision: Decision
    p_better: float
    candidate: Arm
    control: Arm

    def metrics(self) -> dict[str, float | int | str]:
        return {
            "decision": self.decision, "p_better": round(self.p_better, 4),
            "candidate_good": self.candidate.good, "candidate_rated": self.candidate.total,
            "control_good": self.control.good, "control_rated": self.control.total,
        }


def _beta_pdf(x: np.ndarray, a: float, b: float) -> np.ndarray:
    log_norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
    with np.errstate(divide="ignore"):
        log_pdf = log_norm + (a - 1) * np.log(x) + (b - 1) * np.log1p(-x)
    return np.asarray(np.exp(log_pdf), dtype=float)


def p_better(candidate: Arm, control: Arm) -> float:
    """P(candidate's good share > control's) under uniform priors."""
    x = np.linspace(0.0, 1.0, _GRID)[1:-1]
    f_cand = _beta_pdf(x, 1 + candidate.good, 1 + candidate.total - candidate.good)
    f_ctrl = _beta_pdf(x, 1 + control.good, 1 + control.total - control.good)
    cdf_ctrl = np.concatenate([[0.0], np.cumsum((f_ctrl[1:] + f_ctrl[:-1]) / 2 * np.diff(x))])
    cdf_ctrl /= cdf_ctrl[-1]
    value = float(np.trapezoid(f_cand * cdf_ctrl, x) / np.trapezoid(f_cand, x))
    return min(1.0, max(0.0, value))


def decide(candidate: Arm, control: Arm, *, confidence: float = 0.95,
           min_ratings: int = 50) -> CanaryVerdict:
    """Promote when P(better) ≥ confidence with ``min_ratings`` rated covers on each side;
    retire when P(worse) ≥ confidence; otherwise keep serving the canary."""
    p = p_better(candidate, control)
    decision: Decision = "continue"
    if p >= confidence and min(candidate.total, control.total) >= min_ratings:
        decision = "promote"
    elif 1.0 - p >= confidence:
        decision = "retire"
    return CanaryVerdict(decision, p, candidate, control)
