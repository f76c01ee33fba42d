"""The style policy a job follows, and the choice log every cover keeps.

The promoted ``policy`` version of the model registry names a JSON blob (its parameters);
with none promoted, jobs follow the table policy (the hand-written table as the prior, with
the configured floor of exploration). A job whose style the user fixed follows no policy:
its covers log probability 1 and are left out of learning.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select

from sleeve.core.art_direction import analyze
from sleeve.core.brief import Brief
from sleeve.core.palette import family_for_palette
from sleeve.core.plan import AudioFeatures
from sleeve.core.track import fold_mood
from sleeve.db.engine import transaction
from sleeve.db.models import ModelVersion
from sleeve.jobs.context import JobContext
from sleeve.learn.policy import (
    POLICY_KIND,
    BanditPolicy,
    StyleChoice,
    choose,
    fixed_choices,
    table_policy,
)

PROMOTED = "promoted"
# A random stream of its own, apart from the plan's (sleeve.core.art_direction).
_CHOICE_STREAM = 101

_cache: dict[str, BanditPolicy] = {}
_cache_lock = threading.Lock()


def policy_key(model_id: str) -> str:
    return f"models/policy/{model_id}.json"


def load_policy(ctx: JobContext, model_id: str, artifact_key: str) -> BanditPolicy:
    """A registered policy's parameters (immutable, so cached per id)."""
    with _cache_lock:
        if model_id in _cache:
            return _cache[model_id]
    policy = BanditPolicy.model_validate_json(ctx.store.get(artifact_key))
    with _cache_lock:
        _cache[model_id] = policy
    return policy


def current_policy(ctx: JobContext) -> tuple[str | None, BanditPolicy]:
    """(registry id, policy) of the promoted policy; (None, table policy) when none is."""
    with transaction(ctx.sessions) as session:
        row = session.execute(
            select(ModelVersion.id, ModelVersion.artifact_key)
            .where(ModelVersion.kind == POLICY_KIND, ModelVersion.state == PROMOTED)
            .order_by(ModelVersion.promoted_at.desc()).limit(1)
        ).first()
    if row is None or not row[1]:
        return None, table_policy(ctx.settings.policy_floor)
    return row[0], load_policy(ctx, row[0], row[1])


@dataclass(frozen=True)
class Decision:
    """How a job's covers got their styles: one logged choice per cover position."""

    policy_id: str | None
    policy_version: str
    genre_family: str
    mood: str
    palette_family: str
    choices: tuple[StyleChoice, ...]

    @property
    def styles(self) -> list[str]:
        return [c.style for c in self.choices]

    def log(self, position: int) -> dict[str, Any]:
        choice = self.choices[position]
        return {
            "policy_id": self.policy_id,
            "policy_version": self.policy_version,
            "bucket": {"genre_family": self.genre_family, "mood": self.mood},
            "action": {"style": choice.style, "palette_family": self.palette_family},
            "propensity": round(choice.propensity, 8),
            "fixed": choice.fixed,
        }


def decide_styles(ctx: JobContext, brief: Brief, count: int, seed: int,
                  style: str | None, audio: AudioFeatures | None = None) -> Decision:
    """The styles for a job's covers: the user's, else the current policy's draw (seeded by
    the job's seed and the brief, so a resumed job draws the same). The context's mood is the
    one the plans will have: the brief's, moved by the track's ``audio`` features if any."""
    analysis = analyze(brief)
    family = analysis.genre_family
    mood = fold_mood(analysis.mood, audio) if audio is not None else analysis.mood
    palette_family = family_for_palette(family, mood)
    if style is not None:
        return Decision(None, "fixed", family, mood.label, palette_family,
                        tuple(fixed_choices(style, count)))
    policy_id, policy = current_policy(ctx)
    rng = np.random.default_rng([seed % 2**63, _CHOICE_STREAM, int(brief.digest()[:16], 16)])
    choices = choose(policy, family, mood.label, count, rng)
    return Decision(policy_id, policy.version, family, mood.label, palette_family,
                    tuple(choices))
