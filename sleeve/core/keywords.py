"""Content words of a text, as lemmas, ranked: Korean through kiwipiepy, English by rule.

Korean particles and endings are dropped by the morphological analyser (밤하늘의 -> 밤하늘,
내려 -> 내리다); English words are lowercased, stop words dropped and plurals/-ing/-ed reduced
to the lemma the lexicon knows. Japanese has no analyser here, so only lexicon ideographs are
found in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from sleeve.core.lexicon import ideograph_entries, lookup

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

# Kiwi tags kept: common/proper nouns, verbs, adjectives, roots.
_NOUN_TAGS = {"NNG", "NNP", "XR"}
_PREDICATE_TAGS = {"VV", "VA"}
_KO_STOP = {
    # place and time nouns that only carry a particle's meaning (위에, 속에, 때)
    "것", "수", "때", "위", "속", "안", "밖", "앞", "뒤", "중", "등", "번", "거", "날", "오늘",
    "하다", "되다", "있다", "없다", "보다", "같다", "주다", "오다", "가다", "싶다", "않다",
    "그렇다", "이렇다", "알다", "모르다", "보이다", "말하다", "만들다", "놓다", "두다", "지다",
    "이다",
    "나", "너", "우리", "그대", "당신", "생각", "말", "지금", "사람",
}
_IRREGULAR = {
    "ran": "run", "fell": "fall", "fallen": "fall", "told": "tell", "held": "hold",
    "drove": "drive", "driven": "drive", "flew": "fly", "flown": "fly", "burnt": "burn",
    "came": "come", "went": "go", "gone": "go", "saw": "see", "seen": "see", "felt": "feel",
    "leaves": "leaf", "wolves": "wolf", "knives": "knife", "lives": "life", "children": "child",
    "men": "man", "women": "woman", "feet": "foot", "sang": "sing", "sung": "sing",
    "froze": "freeze", "blew": "blow", "blown": "blow", "grew": "grow", "knew": "know",
    "thought": "think", "built": "build", "caught": "catch", "slept": "sleep", "kept": "keep",
    "met": "meet", "sat": "sit", "stood": "stand", "woke": "wake", "wrote": "write",
    "spun": "spin", "shone": "shine", "dreamt": "dream", "broke": "break", "began": "begin",
    "rode": "ride", "ridden": "ride", "lit": "light", "hid": "hide", "swam": "swim",
    "winding": "winding",  # a road winds; it is not the wind
}
_UNDOUBLE = re.compile(r"([bcdfgkmnprtvz])\1$")
# Stems no English word ends in: "titl(ed)", "mov(ing)", "danc(ing)" take their e back.
_NEEDS_E = re.compile(r"(?:[bcdfgkpstz]l|v|c|u|dg|rs|ls|[aeiou]s)$")


@cache
def _kiwi() -> Kiwi:
    # Loading the model takes about a second, so it happens once, on first Korean text.
    from kiwipiepy import Kiwi

    return Kiwi()


@cache
def _english_stopwords() -> frozenset[str]:
    text = resources.files("sleeve.core").joinpath("data/stopwords_en.txt").read_text("utf-8")
    return frozenset(w for line in text.splitlines() if (w := line.strip()) and w[0] != "#")


def warm_up() -> None:
    """Load the Korean analyser and the word lists now rather than on the first brief."""
    # A real sentence: the analyser sets up more on its first full sentence than on one word.
    _kiwi().tokenize("우리가 걷던 그 길 위에 달빛이 내려와 차가운 바람이 불었어")
    _english_stopwords()
    lookup("rain")
    ideograph_entries()  # Japanese text is searched for these


def english_lemma(word: str) -> str:
    """The lemma of a lowercase English word; prefers a form the lexicon knows."""
    if lookup(word) or len(word) <= 3:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    candidates: list[str] = []
    if word.endswith("ies") and len(word) > 4:
        candidates = [word[:-3] + "y"]
    elif word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        candidates = [word[:-2], word[:-1]]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        candidates = [word[:-1]]
    elif word.endswith("ing") and len(word) > 5:
        candidates = _suffix_candidates(word[:-3])
    elif word.endswith("ied") and len(word) > 4:
        candidates = [word[:-3] + "y"]
    elif word.endswith("ed") and len(word) > 4:
        candidates = [*_suffix_candidates(word[:-2]), word[:-1]]
    for candidate in candidates:
        if lookup(candidate):
            return candidate
    return candidates[0] if candidates else word


def _suffix_candidates(base: str) -> list[str]:
    # "running" -> run, "shining" -> shine, "burning" -> burn: each shape is tried.
    if _UNDOUBLE.search(base):
        return [base[:-1], base, base + "e"]
    if _NEEDS_E.search(base):
        return [base + "e", base]
    return [base, base + "e"]


def _english_terms(text: str) -> Iterator[str]:
    for match in _LATIN_WORD.finditer(text.lower()):
        word = match.group().removesuffix("'s")
        stop = _english_stopwords()
        if "'" in word or word in stop or len(word) < 2:
            continue
        lemma = english_lemma(word)
        if lemma not in stop:
            yield lemma


def _korean_terms(text: str) -> Iterator[str]:
    for line in text.split("\n"):
        if _HANGUL.search(line):
            yield from _korean_line_terms(line)


@lru_cache(maxsize=4096)
def _korean_line_terms(line: str) -> tuple[str, ...]:
    # Per line and cached: choruses repeat, and the analyser is the slow part of a brief.
    found: list[str] = []
    for token in _kiwi().tokenize(line):
        tag = token.tag.split("-")[0]  # "VA-I" (irregular) is still an adjective
        if tag in _NOUN_TAGS:
            lemma = token.form
        elif tag in _PREDICATE_TAGS:
            lemma = token.form + "다"
        else:
            continue
        if lemma not in _KO_STOP and _HANGUL.search(lemma):
            found.append(lemma)
    return tuple(found)


def _ideograph_terms(text: str) -> Iterator[str]:
    for entry in ideograph_entries():
        for _ in range(text.count(entry.word)):
            yield entry.word


def terms(text: str) -> list[str]:
    """Every content-word lemma of ``text``, in order, repeats kept."""
    found = list(_english_terms(text))
    if _HANGUL.search(text):
        found.extend(_korean_terms(text))
    found.extend(_ideograph_terms(text))
    return found


@dataclass(frozen=True, slots=True)
class Keyword:
    word: str
    score: float


# A word the lexicon knows says more about the picture than one it does not, and a word with
# a motif says most.
_LEXICON_BONUS = 0.5
_MOTIF_BONUS = 0.5


def rank(weighted_terms: Iterable[tuple[str, float]], limit: int = 12) -> list[Keyword]:
    """Keywords by score (frequency × source weight × lexicon weight), first seen first on ties."""
    scores: dict[str, float] = {}
    for word, weight in weighted_terms:
        scores[word] = scores.get(word, 0.0) + weight
    ranked: list[Keyword] = []
    for word, score in scores.items():
        entry = lookup(word)
        bonus = 1.0
        if entry:
            bonus += _LEXICON_BONUS + (_MOTIF_BONUS if entry.motif else 0.0)
        ranked.append(Keyword(word, score * bonus))
    ranked.sort(key=lambda k: -k.score)  # stable: dict order is first occurrence
    return ranked[:limit]


def keywords(text: str, limit: int = 12) -> list[str]:
    """The ``limit`` strongest keywords of ``text``."""
    return [k.word for k in rank(((t, 1.0) for t in terms(text)), limit)]
