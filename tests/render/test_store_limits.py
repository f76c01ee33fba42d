"""Store rules: a 3000² master of every style is under 10 MB as PNG and as JPEG, and the PNG
holds the pixels exactly as rendered.

One fixture brief per style keeps this at one 3000² render each: the brief whose cover in that
style made the largest PNG when all 24 fixture briefs were rendered in every style (ranked at
1000², the two largest re-checked at 3000²; flowfield, riso and glitch, the largest, checked
at 3000² over all 24: the largest PNG is 9.43 MB, flowfield brief 5).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from sleeve.core.art_direction import plan_covers
from sleeve.core.brief import Brief
from sleeve.core.styles import STYLE_NAMES
from sleeve.pipeline import render_plan
from sleeve.render.export import STORE_LIMIT_BYTES

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "briefs.jsonl"
LARGEST_PNG_BRIEF = {
    "aurora": 0, "swiss": 16, "riso": 14, "flowfield": 5, "nebula": 7, "contours": 16,
    "collage": 16, "landscape": 7, "glitch": 21, "minimal": 16, "sunburst": 16, "synthwave": 3,
}


def test_every_style_is_covered() -> None:
    assert set(LARGEST_PNG_BRIEF) == set(STYLE_NAMES)


@pytest.mark.parametrize("style", STYLE_NAMES)
def test_3000px_masters_fit_the_store_limit(style: str) -> None:
    line = FIXTURES.read_text(encoding="utf-8").splitlines()[LARGEST_PNG_BRIEF[style]]
    [plan] = plan_covers(Brief(**json.loads(line)), count=1, seed=1, style=style)
    cover = render_plan(plan, 1, size=3000)
    png, jpeg = cover.encode("png"), cover.encode("jpeg")
    assert len(png) < STORE_LIMIT_BYTES, f"{style} PNG is {len(png) / 1e6:.2f} MB"
    assert len(jpeg) < STORE_LIMIT_BYTES, f"{style} JPEG is {len(jpeg) / 1e6:.2f} MB"
    with Image.open(io.BytesIO(png)) as decoded:
        assert np.array_equal(np.asarray(decoded.convert("RGB")), np.asarray(cover.image))
