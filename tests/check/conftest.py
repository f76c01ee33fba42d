"""Covers for the store-rule tests: one real Sleeve cover, and ways to break each rule."""

from __future__ import annotations

import functools
import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from sleeve.core.brief import Brief
from sleeve.pipeline import generate

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "briefs.jsonl"
BRIEFS = [json.loads(line) for line in FIXTURES.read_text().splitlines() if line.strip()]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SIDE = 1500  # at least the 1400 px stores accept, small enough to keep OCR quick


def encode(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def draw_text(image: Image.Image, text: str, xy: tuple[int, int], size: int) -> Image.Image:
    """``text`` set in dark ink on (a copy of) the light test cover."""
    marked = image.copy()
    ImageDraw.Draw(marked).text(xy, text, font=ImageFont.truetype(FONT, size),
                                fill=(30, 30, 45))
    return marked


@functools.cache
def sleeve_cover() -> Image.Image:
    """A Sleeve cover for "Midnight Rain" by Luna Vale (minimal style: the type is centred)."""
    brief = Brief.model_validate(BRIEFS[0])
    return generate(brief, count=1, seed=7, size=SIDE, style="minimal")[0].image


@pytest.fixture
def cover() -> Image.Image:
    return sleeve_cover()
