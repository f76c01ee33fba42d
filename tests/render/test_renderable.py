"""One renderability rule: a brief accepted when its job is created never fails at render for a
glyph, whatever typeface and style its plans get; and a refused one really cannot be drawn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from sleeve.core.art_direction import plan_covers
from sleeve.core.brief import Brief
from sleeve.core.language import brief_language
from sleeve.core.plan import CoverPlan, Typeface
from sleeve.render.fonts import UnrenderableTextError, font_library
from sleeve.render.styles import STYLE_NAMES
from sleeve.render.typeset import TYPEFACES, check_brief, typeset

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "briefs.jsonl"
ART = Image.new("RGB", (160, 160), (40, 44, 60))

# Text a musician may well type, and text meant to break things: rare and right-to-left
# scripts, emoji sequences (ZWJ, flags, skin tones, keycaps), symbols, combining marks,
# mixed Korean/English/Japanese, and characters few or no installed fonts have (CJK
# Extension B, private use, Cuneiform, a variation selector supplement).
HOSTILE = (
    "สวัสดี", "नमस्ते", "ሰላም", "ꦲꦏ꧀ꦱꦫ", "حب في المدينة", "שלום עולם", "Ἀθῆναι", "Звёзды",
    "👩‍👩‍👧‍👦", "🇰🇷🇯🇵", "👍🏽", "1️⃣", "🫠🥲🧋🪩", "♫ ★ ☂ ✈ ☀", "𝔸𝕝𝕓𝕦𝕞", "e\u0301te\u0301",
    "서울의 밤 (Seoul Nights)", "サクラ 벚꽃 Cherry", "夜明け前", "ㅋㅋㅋ", "Ｆｕｌｌｗｉｄｔｈ",
    "\u200bzero\u200dwidth\ufe0f", "tab\there", "Night \U00020c44", "A\U0010fffdB", "𒀀𒀁",
    "\U000e01ef", "-—/\\|_", "  spaced   out  ",
)


def _fixture_briefs() -> list[Brief]:
    lines = FIXTURES.read_text("utf-8").splitlines()
    return [Brief(**json.loads(line)) for line in lines if line.strip()]


def _with_typeface(plan: CoverPlan, typeface: Typeface) -> CoverPlan:
    layout = plan.type_layout.model_copy(update={"typeface": typeface})
    return plan.model_copy(update={"type_layout": layout})


def _fails_for_a_glyph(plan: CoverPlan) -> bool:
    try:
        result = typeset(ART, plan)
    except UnrenderableTextError:
        return True
    assert all(box.uncovered == () for box in result.boxes)
    return False


def _accepted(brief: Brief) -> bool:
    try:
        check_brief(brief, font_library())
    except UnrenderableTextError:
        return False
    return True


@pytest.mark.parametrize("style", STYLE_NAMES)
def test_fixture_briefs_render_in_every_style_they_are_accepted_for(style: str) -> None:
    for brief in _fixture_briefs():
        assert _accepted(brief), brief.title
        plan = plan_covers(brief, 1, 7, style=style)[0]
        assert plan.language == brief_language(brief)  # the language the check assumed
        assert not _fails_for_a_glyph(plan), (style, brief.title)


_piece = st.one_of(st.sampled_from(HOSTILE),
                   st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=6))
_line = st.lists(_piece, min_size=1, max_size=3).map(" ".join)


@settings(max_examples=40, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(title=_line, artist=_line, language=st.sampled_from(["auto", "ko", "en", "ja"]))
def test_accepted_briefs_never_fail_at_render_for_a_glyph(title: str, artist: str,
                                                           language: str) -> None:
    try:
        brief = Brief(title=title, artist=artist, language=language)  # type: ignore[arg-type]
    except ValueError:
        return  # nothing visible left: refused before any font is asked
    plan = plan_covers(brief, 1, 0)[0]
    failures = [t for t in TYPEFACES if _fails_for_a_glyph(_with_typeface(plan, t))]
    if _accepted(brief):
        assert failures == [], (title, artist)
    else:  # refused only what the render itself could not draw
        assert failures, (title, artist)


def test_text_no_installed_font_has_is_refused_before_the_job() -> None:
    brief = Brief(title="Night \U00020c44", artist="Luna Vale")  # CJK Extension B
    assert not _accepted(brief)
    plan = plan_covers(brief, 1, 0)[0]
    assert all(_fails_for_a_glyph(_with_typeface(plan, t)) for t in TYPEFACES)
