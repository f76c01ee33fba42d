"""Which language a brief is written in, from the scripts its letters use."""

from __future__ import annotations

from typing import Literal

from sleeve.core.brief import Brief

PlanLanguage = Literal["ko", "en", "ja", "mixed"]

# A Hangul syllable or a kana/kanji carries about as much text as three Latin letters, so
# Latin letters count a third each when the scripts are weighed against each other.
_LATIN_WEIGHT = 1 / 3
# Below this share the second script is decoration (a Latin "feat." in Korean lyrics).
_DOMINANT_SHARE = 0.8


def _script(ch: str) -> str | None:
    code = ord(ch)
    if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9D:
        return "kana"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
        return "han"
    if ch.isalpha() and (ch.isascii() or 0xC0 <= code <= 0x24F):
        return "latin"
    return None


def detect_language(text: str) -> PlanLanguage:
    """``ko``, ``en``, ``ja`` or ``mixed`` from the scripts used; ``en`` when there are none."""
    counts = {"hangul": 0, "kana": 0, "han": 0, "latin": 0}
    for ch in text:
        script = _script(ch)
        if script:
            counts[script] += 1
    # Kanji belong to Japanese when kana are present; among Hangul they are Korean hanja.
    japanese = counts["kana"] + (counts["han"] if counts["kana"] or not counts["hangul"] else 0)
    korean = counts["hangul"] + (counts["han"] if counts["hangul"] and not counts["kana"] else 0)
    weights: dict[PlanLanguage, float] = {
        "ko": float(korean), "ja": float(japanese), "en": counts["latin"] * _LATIN_WEIGHT,
    }
    total = sum(weights.values())
    if total == 0:
        return "en"
    best = max(weights, key=lambda k: weights[k])
    return best if weights[best] / total >= _DOMINANT_SHARE else "mixed"


def brief_language(brief: Brief) -> PlanLanguage:
    """The brief's stated language, or the one detected from its title and lyrics."""
    if brief.language != "auto":
        return brief.language
    return detect_language(f"{brief.title}\n{brief.lyrics}")
