"""Plans built by hand, so render tests do not depend on the analysis."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sleeve.core.art_direction import plan_covers
from sleeve.core.brief import Brief
from sleeve.core.plan import CoverPlan, Mood, Palette, TypeAnchor, TypeLayout, TypeLayoutName

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


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "briefs.jsonl"
_ANCHOR_LAYOUTS: dict[TypeAnchor, TypeLayoutName] = {
    "top": "top-left", "bottom": "bottom-left", "center": "center-stack",
}


@pytest.fixture(scope="session")
def fixture_plans() -> list[CoverPlan]:
    """One plan per fixture brief (seed 7): their palettes, pale and dark, motifs and Korean
    and English titles, planned once per session to check a style across all of them."""
    briefs = [Brief(**json.loads(line)) for line in FIXTURES.read_text("utf-8").splitlines()
              if line.strip()]
    return [plan_covers(brief, count=1, seed=7)[0] for brief in briefs]


def restyled(plan: CoverPlan, style: str, anchor: TypeAnchor | None = None) -> CoverPlan:
    """``plan`` drawn in ``style``, its type moved to ``anchor`` when given."""
    layout = plan.type_layout
    if anchor is not None:
        layout = layout.model_copy(update={
            "name": _ANCHOR_LAYOUTS[anchor], "anchor": anchor,
            "align": "center" if anchor == "center" else "left"})
    return plan.model_copy(update={"style": style, "type_layout": layout})
