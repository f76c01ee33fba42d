from sleeve.core.art_direction import plan_covers
from sleeve.core.brief import Brief


def test_korean_brief_gets_an_english_prompt(briefs: dict[str, Brief]) -> None:
    plan = plan_covers(briefs["바다가 보이는 방"], 1, 3)[0]
    assert plan.prompt.isascii()
    assert "album cover artwork" in plan.prompt
    assert "waves" in plan.prompt or "sea" in plan.prompt
    assert "no text" in plan.prompt and "no letters" in plan.prompt


def test_prompt_names_palette_and_style(briefs: dict[str, Brief]) -> None:
    plan = plan_covers(briefs["Neon Overdrive"], 1, 3, style="synthwave")[0]
    assert "perspective grid" in plan.prompt
    assert "palette" in plan.prompt
    assert plan.mood.label in plan.prompt


def test_negative_prompt_keeps_text_and_artifacts_out(briefs: dict[str, Brief]) -> None:
    plan = plan_covers(briefs["Midnight Rain"], 1, 3)[0]
    for word in ("text", "watermark", "logo", "blurry", "lowres"):
        assert word in plan.negative_prompt
