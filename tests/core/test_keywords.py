import pytest

from sleeve.core.keywords import english_lemma, keywords, terms


def test_korean_particles_are_dropped() -> None:
    found = terms("밤하늘의 별을 보며")
    assert "밤하늘" in found
    assert "별" in found
    assert not any(word.endswith(("의", "을")) for word in found)


def test_korean_verbs_and_adjectives_become_dictionary_forms() -> None:
    found = terms("우리가 걷던 그 길 위에 달빛이 내려\n차가운 바람 속에")
    assert {"걷다", "길", "달빛", "내리다", "차갑다", "바람"} <= set(found)
    assert "위" not in found and "속" not in found  # place nouns that only carry a particle


def test_korean_pronouns_and_light_verbs_are_not_keywords() -> None:
    found = terms("너를 생각해 우리는 있어")
    assert not {"너", "우리", "있다", "하다"} & set(found)


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("stars", "star"),
        ("waves", "wave"),
        ("fireflies", "firefly"),
        ("burning", "burn"),
        ("shining", "shine"),
        ("running", "run"),
        ("dreamed", "dream"),
        ("ashes", "ash"),
        ("streetlights", "streetlight"),
        ("fell", "fall"),
        ("glass", "glass"),
        ("bus", "bus"),
    ],
)
def test_english_lemmas(word: str, lemma: str) -> None:
    assert english_lemma(word) == lemma


def test_english_keywords_skip_stop_words_and_rank_by_frequency() -> None:
    found = keywords("The rain, the rain, and the window. I am waiting in the rain for you")
    assert found[0] == "rain"
    assert "window" in found
    assert not {"the", "and", "i", "am", "for", "you"} & set(found)


def test_lexicon_words_outrank_unknown_words_of_equal_frequency() -> None:
    assert keywords("spreadsheet moon") == ["moon", "spreadsheet"]


def test_mixed_text_gives_keywords_in_both_languages() -> None:
    found = terms("택시 창문 너머로 비가 내려 and I keep falling")
    assert {"택시", "창문", "비", "내리다", "fall"} <= set(found)


def test_japanese_lexicon_ideographs_are_found() -> None:
    assert {"雨", "夜"} <= set(terms("雨の夜に"))


def test_text_without_words_has_no_keywords() -> None:
    assert keywords("!!! 123 🌙 ...") == []
