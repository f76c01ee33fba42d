"""The library front door: ``from sleeve import Brief, generate``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pydantic import ValidationError

from sleeve import Brief, Cover, generate, render_plan
from sleeve.render.fonts import UnrenderableTextError
from sleeve.render.styles import STYLE_NAMES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "briefs.jsonl"


def fixture_briefs() -> list[Brief]:
    lines = FIXTURES.read_text(encoding="utf-8").splitlines()
    return [Brief.model_validate(json.loads(line)) for line in lines if line.strip()]


def test_generate_returns_finished_cover_objects() -> None:
    covers = generate(
        Brief(title="Midnight Rain", artist="Luna Vale", genre="ballad"), count=3, seed=5, size=256
    )
    assert [c.seed for c in covers] == [5, 6, 7]
    for cover in covers:
        assert isinstance(cover, Cover)
        assert cover.image.size == (256, 256) and cover.image.mode == "RGB"
        assert cover.style in STYLE_NAMES and cover.plan.style == cover.style
        assert cover.engine == "procedural"
        assert cover.plan.title == "Midnight Rain" and cover.plan.artist == "Luna Vale"


def test_same_brief_and_seed_give_identical_bytes() -> None:
    brief = Brief(title="밤하늘의 별", artist="하늘빛", genre="발라드", lyrics="밤하늘의 별을 보며")
    first = [c.encode("png") for c in generate(brief, count=2, seed=99, size=256)]
    second = [c.encode("png") for c in generate(brief, count=2, seed=99, size=256)]
    assert first == second


def test_stored_plan_and_seed_reproduce_the_cover() -> None:
    cover = generate(
        Brief(title="Blue Corner", artist="Q", genre="jazz"), count=2, seed=3, size=256
    )[1]
    again = render_plan(cover.plan, cover.seed, size=256)
    assert again.encode("jpeg") == cover.encode("jpeg")


def test_covers_of_one_brief_differ_visibly() -> None:
    covers = generate(
        Brief(title="Spin the Night", artist="Disco Atlas", genre="dance"),
        count=4,
        seed=1,
        size=256,
    )
    assert len({c.style for c in covers}) == 4
    arrays = [np.asarray(c.image, dtype=np.float32) for c in covers]
    for i in range(len(arrays)):
        for j in range(i + 1, len(arrays)):
            assert np.abs(arrays[i] - arrays[j]).mean() > 12  # mean difference in 0–255 units


@pytest.mark.parametrize("style", STYLE_NAMES)
def test_every_style_makes_a_finished_cover(style: str) -> None:
    cover = generate(
        Brief(title="Garage Summer", artist="The Static Kids", genre="rock"),
        count=1,
        seed=2,
        size=256,
        style=style,
    )[0]
    assert cover.style == style
    assert np.asarray(cover.image).std() > 5  # not a blank canvas


def test_every_fixture_brief_renders() -> None:
    for brief in fixture_briefs():
        cover = generate(brief, count=1, seed=4, size=256)[0]
        assert cover.image.size == (256, 256)


@pytest.mark.parametrize(
    ("title", "artist"),
    [
        ("Fireflies 🌙", "June & The Moths"),
        ("X", "Q"),
        ("T" * 200, "A" * 200),
        ("서울의 밤 (Seoul Nights)", "Han River Collective"),
        ("夜に駆ける", "ЯОАСОБИ"),
        ("שיר לשלום", "فرقة الليل"),
    ],
)
def test_edge_case_titles_render(title: str, artist: str) -> None:
    cover = generate(Brief(title=title, artist=artist), count=1, seed=8, size=256)[0]
    assert cover.plan.title == title and cover.plan.artist == artist
    assert cover.image.size == (256, 256)


def test_master_defaults_to_3000_and_exports_jpeg() -> None:
    cover = generate(Brief(title="Drift", artist="Aural Fields", genre="ambient"), count=1, seed=1)[
        0
    ]
    assert cover.image.size == (3000, 3000)
    data = cover.encode("jpeg")
    assert len(data) < 10 * 1024 * 1024
    from io import BytesIO

    with Image.open(BytesIO(data)) as decoded:
        assert decoded.size == (3000, 3000) and decoded.info.get("icc_profile")


printable = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=printable, artist=printable, genre=printable, lyrics=st.text(max_size=200))
def test_any_unicode_brief_gives_a_cover_or_a_validation_error(
    title: str, artist: str, genre: str, lyrics: str
) -> None:
    try:
        brief = Brief(title=title, artist=artist, genre=genre, lyrics=lyrics)
    except ValidationError:
        return
    try:
        cover = generate(brief, count=1, seed=0, size=256)[0]
    except UnrenderableTextError as exc:
        # A character no installed font has (say a rare CJK extension ideograph) is refused
        # with a message naming it, rather than drawn as a tofu box.
        assert "no installed font can draw" in str(exc)
        return
    assert cover.image.size == (256, 256)
    assert cover.plan.title == brief.title


def test_generate_takes_its_settings_as_an_argument(tmp_path: Path) -> None:
    # The fonts come from the settings passed in, not from the environment: a font directory
    # with nothing in it and the system fonts turned off leaves nothing to set type with.
    from sleeve.config import Settings
    from sleeve.render.fonts import FontsMissingError

    brief = Brief(title="Midnight Rain", artist="Luna Vale")
    bare = Settings(font_dir=str(tmp_path), system_fonts=False)
    with pytest.raises(FontsMissingError, match=str(tmp_path)):
        generate(brief, count=1, seed=1, size=256, settings=bare)
    art = generate(brief, count=1, seed=1, size=256, text=False, settings=bare)[0]
    assert art.image.size == (256, 256)
