"""Plans built by hand, so render tests do not depend on the analysis."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sleeve.core.plan import CoverPlan, Mood, Palette, TypeLayout

PlanFactory = Callable[..., CoverPlan]


def build_plan(**overrides: Any) -> CoverPlan:
    base: dict[str, Any] = {
        "title": "Midnight Rain",
        "artist": "Luna Vale",
        "album": "Glass City",
        "language": "en",
        "genre": "ballad",
        "genre_family": "ballad",
        "style": "aurora",
        "palette": Palette(
            background="#1b2a41", primary="#324a5f", secondary="#8aa1b1", accent="#e8b87d",
            ink="#f4efe6",
        ),
        "mood": Mood(valence=-0.4, energy=-0.3, label="melancholy"),
        "motifs": ["rain", "moon"],
        "keywords": ["rain", "window", "city", "moon"],
        "concept": "rain on the window at night",
        "composition": "horizon",
        "type_layout": TypeLayout(
            name="bottom-left", anchor="bottom", typeface="serif", uppercase=False, tracking=0.0,
        ),
        "prompt": "rain on a window at night, city lights, moon, cinematic, muted blues",
    }
    base.update(overrides)
    return CoverPlan(**base)


@pytest.fixture
def make_plan() -> PlanFactory:
    return build_plan
