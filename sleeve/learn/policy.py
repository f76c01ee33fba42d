"""A Thompson-sampling style policy per context bucket (genre family × mood label).

Each (bucket, style) has a Normal posterior over its mean rating; the prior comes from the
hand-written table (``sleeve.core.style_policy``), so a bucket nobody has rated yet behaves
like the table. A cover's style is drawn from the *probability that each style's posterior
sample is the highest* (that is what Thompson sampling does), mixed with a uniform floor of
exploration. Those probabilities are computed by quadrature, not by sampling, so the
propensity logged with every cover is exact and the same on every machine.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from sleeve.core.genres import GENRE_FAMILIES, GenreFamily
from sleeve.core.plan import Mood
from sleeve.core.style_policy import DEFAULT_POLICY, StylePolicy
from sleeve.core.styles import STYLE_NAMES, check_style

POLICY_KIND = "policy"
TABLE_VERSION = "table"
DEFAULT_FLOOR = 0.1
# The prior mean rating runs from PRIOR_LOW (a style the table leaves out) to
# PRIOR_LOW + PRIOR_SPAN (the table's favourite for the bucket).
PRIOR_LOW, PRIOR_SPAN = 3.0, 1.0
_GRID = 2049

# A point inside each mood label's band (sleeve.core.mood.mood_label), so the table's energy
# tilt can be applied to a bucket that names only the label.
LABEL_POINTS: dict[str, tuple[float, float]] = {
    "aggressive": (-0.5, 0.7), "tense": (-0.4, 0.35), "euphoric": (0.5, 0.5),
    "energetic": (0.1, 0.5), "melancholy": (-0.3, -0.5), "serene": (0.3, -0.5),
    "dreamy": (0.05, -0.5), "nostalgic": (-0.2, 0.0), "romantic": (0.3, 0.0),
    "bright": (0.3, 0.0), "reflective": (0.0, 0.0),
}


def bucket_key(family: str, mood: str) -> str:
    return f"{family}/{mood}"


class ArmStats(BaseModel):
    """Ratings seen for one style in one bucket: how many and their sum."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    n: float = Field(ge=0)
    total: float = Field(ge=0)


class BanditPolicy(BaseModel):
    """One immutable policy version: the table prior, the floor and the ratings it learnt."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = TABLE_VERSION
    floor: float = Field(default=DEFAULT_FLOOR, ge=0.0, le=1.0)
    # The prior counts as this many ratings; the rating noise is this many stars (sd).
    prior_strength: float = Field(default=2.0, gt=0)
    noise_sd: float = Field(default=1.0, gt=0)
    table: StylePolicy = DEFAULT_POLICY
    stats: dict[str, dict[str, ArmStats]] = Field(default_factory=dict)

    def prior_means(self, family: str, mood: str) -> np.ndarray:
        valence, energy = LABEL_POINTS.get(mood, (0.0, 0.0))
        point = Mood(valence=valence, energy=energy, label=mood)
        weights = self.table.style_weights(_family(family), point)
        w = np.array([weights.get(s, 0.0) for s in STYLE_NAMES])
        top = w.max() if w.max() > 0 else 1.0
        return np.asarray(PRIOR_LOW + PRIOR_SPAN * w / top, dtype=float)

    def posterior(self, family: str, mood: str) -> tuple[np.ndarray, np.ndarray]:
        """(mean, sd) of each style's mean rating in the bucket, in STYLE_NAMES order."""
        arms = self.stats.get(bucket_key(family, mood), {})
        n = np.array([arms[s].n if s in arms else 0.0 for s in STYLE_NAMES])
        total = np.array([arms[s].total if s in arms else 0.0 for s in STYLE_NAMES])
        strength = self.prior_strength + n
        mean = (self.prior_strength * self.prior_means(family, mood) + total) / strength
        return mean, self.noise_sd / np.sqrt(strength)

    def probabilities(self, family: str, mood: str) -> np.ndarray:
        """The chance each style is drawn for one cover: floor-uniform + (1 - floor) · TS."""
        mean, sd = self.posterior(family, mood)
        return self.floor / len(STYLE_NAMES) + (1.0 - self.floor) * argmax_probabilities(mean, sd)


def _family(family: str) -> GenreFamily:
    return next((f for f in GENRE_FAMILIES if f == family), "unknown")


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to within 1.5e-7 (Abramowitz & Stegun 7.1.26), vectorised: numpy has none."""
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (
        -1.453152027 + t * 1.061405429))))
    return np.asarray(np.sign(x) * (1.0 - poly * np.exp(-(x**2))), dtype=float)


def argmax_probabilities(mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """P(arm i's draw is the largest) for independent Normal(mean, sd) draws.

    ``∫ φ_i(x) ∏_{j≠i} Φ_j(x) dx`` by the trapezoid rule on a fine grid: deterministic.
    """
    lo = float(np.min(mean - 8 * sd))
    hi = float(np.max(mean + 8 * sd))
    x = np.linspace(lo, hi, _GRID)
    z = (x[None, :] - mean[:, None]) / sd[:, None]
    pdf = np.exp(-0.5 * z**2) / (sd[:, None] * math.sqrt(2 * math.pi))
    cdf = 0.5 * (1.0 + _erf(z / math.sqrt(2)))
    log_cdf = np.log(np.clip(cdf, 1e-300, 1.0))
    others = np.exp(log_cdf.sum(axis=0)[None, :] - log_cdf)
    p = np.trapezoid(pdf * others, x, axis=1)
    p = np.clip(p, 0.0, None)
    return np.asarray(p / p.sum(), dtype=float)


def position_marginals(p: np.ndarray, positions: int) -> np.ndarray:
    """P(position k holds style j) when a batch is drawn without replacement, each position
    from the remaining styles in proportion to ``p`` (Plackett–Luce). Exact, by dynamic
    programming over the sets of styles already taken; past all styles the order repeats."""
    k_styles = len(p)
    layers = min(positions, k_styles)
    out = np.zeros((layers, k_styles))
    layer: dict[int, float] = {0: 1.0}
    for k in range(layers):
        following: dict[int, float] = {}
        for taken, chance in layer.items():
            free = [j for j in range(k_styles) if not taken >> j & 1]
            rest = float(sum(p[j] for j in free))
            for j in free:
                step = chance * float(p[j]) / rest
                out[k, j] += step
                following[taken | 1 << j] = following.get(taken | 1 << j, 0.0) + step
        layer = following
    return np.asarray([out[k % k_styles] for k in range(positions)])


@dataclass(frozen=True, slots=True)
class StyleChoice:
    """How one cover's style was chosen: what a rating of it needs for off-policy evaluation."""

    style: str
    propensity: float
    fixed: bool = False


def choose(policy: BanditPolicy, family: str, mood: str, count: int,
           rng: np.random.Generator) -> list[StyleChoice]:
    """``count`` styles for one batch, all different while styles last, each with the exact
    probability that its position got that style."""
    p = np.clip(policy.probabilities(family, mood), 1e-12, None)
    p = p / p.sum()
    order: list[int] = []
    remaining = p.copy()
    for _ in range(min(count, len(p))):
        pick = int(rng.choice(len(p), p=remaining / remaining.sum()))
        order.append(pick)
        remaining[pick] = 0.0
    marginals = position_marginals(p, count)
    return [
        StyleChoice(STYLE_NAMES[order[k % len(order)]],
                    float(marginals[k, order[k % len(order)]]))
        for k in range(count)
    ]


def fixed_choices(style: str, count: int) -> list[StyleChoice]:
    """The user named the style: certain, and not evidence about the policy."""
    return [StyleChoice(check_style(style), 1.0, fixed=True)] * count


@dataclass(frozen=True, slots=True)
class LoggedRating:
    """One rating of a cover whose style a policy chose (``fixed`` ones are not used)."""

    family: str
    mood: str
    style: str
    propensity: float
    rating: float


def fit(base: BanditPolicy, logs: Iterable[LoggedRating], version: str,
        floor: float | None = None) -> BanditPolicy:
    """A new version: the table prior updated with every logged rating."""
    stats: dict[str, dict[str, list[float]]] = {}
    for log in logs:
        arms = stats.setdefault(bucket_key(log.family, log.mood), {})
        arm = arms.setdefault(log.style, [0.0, 0.0])
        arm[0] += 1.0
        arm[1] += log.rating
    return base.model_copy(update={
        "version": version,
        "floor": base.floor if floor is None else floor,
        "stats": {b: {s: ArmStats(n=n, total=t) for s, (n, t) in arms.items()}
                  for b, arms in sorted(stats.items())},
    })


def style_index(style: str) -> int:
    return STYLE_NAMES.index(check_style(style))


def table_policy(floor: float = DEFAULT_FLOOR) -> BanditPolicy:
    """The policy before any rating: the table as a prior, with the exploration floor."""
    return BanditPolicy(version=TABLE_VERSION, floor=floor)
