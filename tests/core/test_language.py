import pytest

from sleeve.core.brief import Brief
from sleeve.core.language import brief_language, detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Rain on the window, the city asleep", "en"),
        ("밤하늘의 별을 보며 너를 생각해", "ko"),
        ("夜空の星を見て君を思う", "ja"),
        ("きみのこえ", "ja"),
        ("한강 위로 불빛이 흘러 city lights are calling and I keep falling", "mixed"),
        ("밤하늘의 별을 보며 너를 생각해 baby", "ko"),  # one Latin word is decoration
        ("I love you 사랑해", "mixed"),
        ("", "en"),
        ("123 !!! 🌙", "en"),
    ],
)
def test_language_follows_the_scripts(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_stated_language_overrides_detection() -> None:
    brief = Brief(title="밤하늘", artist="하늘빛", lyrics="별을 보며", language="en")
    assert brief_language(brief) == "en"


def test_auto_detects_from_title_and_lyrics() -> None:
    brief = Brief(title="서울의 밤", artist="Han River", lyrics="한강 위로 불빛이 흘러")
    assert brief_language(brief) == "ko"
    assert brief_language(Brief(title="Paper Boats", artist="Minnow")) == "en"
