"""Fixture briefs, shared by the analysis and art direction tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sleeve.core.brief import Brief

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "briefs.jsonl"


def load_briefs() -> dict[str, Brief]:
    lines = FIXTURES.read_text("utf-8").splitlines()
    briefs = [Brief(**json.loads(line)) for line in lines if line.strip()]
    return {brief.title: brief for brief in briefs}


@pytest.fixture(scope="session")
def briefs() -> dict[str, Brief]:
    return load_briefs()
