"""Every cover Sleeve exports passes the store rules (its own type, margins and modes)."""

from __future__ import annotations

import pytest

from sleeve.check import check_cover
from sleeve.core.brief import Brief
from sleeve.pipeline import generate
from tests.check.conftest import BRIEFS

# Small enough to keep 24 checks quick; only the size rule depends on it (and is checked at
# the full 3000² below).
QUICK_SIDE = 800


@pytest.mark.parametrize("fields", BRIEFS, ids=[b["title"] for b in BRIEFS])
def test_every_fixture_cover_passes_all_but_the_size_rule(fields: dict[str, str]) -> None:
    brief = Brief.model_validate(fields)
    cover = generate(brief, count=1, seed=3, size=QUICK_SIDE)[0]
    report = check_cover(cover.encode("jpeg"), brief.title, brief.artist)
    assert report.failed_rules() <= {"dimensions"}, (cover.style, report.failures)


def test_a_full_size_master_passes_every_rule() -> None:
    brief = Brief.model_validate(BRIEFS[2])
    cover = generate(brief, count=1, seed=3, size=3000)[0]
    report = check_cover(cover.encode("jpeg"), brief.title, brief.artist)
    assert report.passed, report.failures
    assert (report.width, report.format, report.mode) == (3000, "jpeg", "RGB")
