"""The rating-drop trigger: has the recent mean rating fallen against the weeks before?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class DropThresholds:
    drop: float = 0.5  # stars
    min_ratings: int = 30  # in each window
    recent_days: int = 7
    baseline_days: int = 28


@dataclass(frozen=True, slots=True)
class DropCheck:
    recent_mean: float | None
    baseline_mean: float | None
    recent_n: int
    baseline_n: int
    triggered: bool

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def rating_drop(recent: Sequence[float], baseline: Sequence[float],
                thresholds: DropThresholds = DropThresholds()) -> DropCheck:
    """Triggered when both windows have enough ratings and the recent mean is at least
    ``drop`` below the baseline mean."""
    r, b = _mean(recent), _mean(baseline)
    enough = len(recent) >= thresholds.min_ratings and len(baseline) >= thresholds.min_ratings
    fell = r is not None and b is not None and b - r >= thresholds.drop
    return DropCheck(r, b, len(recent), len(baseline), bool(enough and fell))
