from collections import Counter

from sleeve.core.keywords import terms
from sleeve.core.lexicon import MOTIFS, lexicon, lookup


def test_lexicon_has_at_least_300_entries_in_both_languages() -> None:
    by_lang = Counter(entry.lang for entry in lexicon().values())
    assert len(lexicon()) >= 300
    assert by_lang["en"] >= 150
    assert by_lang["ko"] >= 150


def test_every_motif_has_english_and_korean_words() -> None:
    for motif in MOTIFS:
        langs = {e.lang for e in lexicon().values() if e.motif == motif}
        assert {"en", "ko"} <= langs, motif


def test_sea_words_in_both_languages() -> None:
    for word in ("sea", "wave", "ocean", "바다", "파도"):
        entry = lookup(word)
        assert entry is not None and entry.motif == "sea", word


def test_korean_entries_are_the_lemmas_the_analyser_produces() -> None:
    # Each sentence uses the words inflected, with particles; the analyser must land on the
    # very spelling stored in the lexicon, or the entry could never be hit.
    sentences = {
        "밤하늘의 별을 보며": ["밤하늘", "별"],
        "달빛이 내려 창문에 비가 내려": ["달빛", "창문", "비"],
        "차가운 바람에 눈물이 흘러": ["차갑다", "바람", "눈물", "흐르다"],
        "햇살이 따뜻한 오후 조용한 방": ["햇살", "따뜻", "오후", "조용", "방"],
        "꽃이 피어 봄이 왔어 불꽃이 터져": ["꽃", "피다", "봄", "불꽃", "터지다"],
        "파도가 치는 바다 하얀 모래": ["파도", "바다", "하얗다", "모래"],
        "슬픈 노래 외로운 도시의 불빛": ["슬프다", "노래", "외롭다", "도시", "불빛"],
    }
    for sentence, words in sentences.items():
        found = terms(sentence)
        for word in words:
            assert word in found, (sentence, word, found)
            assert lookup(word) is not None, word


def test_korean_and_japanese_entries_carry_english_glosses() -> None:
    for entry in lexicon().values():
        if entry.lang != "en":
            assert entry.english.isascii() and entry.english, entry.word
