import numpy as np

from sleeve.core.color import contrast_ratio
from sleeve.core.genres import GENRE_FAMILIES
from sleeve.core.lexicon import Tone
from sleeve.core.mood import MOOD_LABELS
from sleeve.core.palette import MIN_INK_CONTRAST, palette_order, palettes, with_legible_ink
from sleeve.core.plan import Mood, Palette, hex_to_rgb

NEUTRAL = Mood(valence=0.0, energy=0.0, label="reflective")


def _distinct(p: Palette) -> int:
    return len({*p.colors(), p.ink})


def test_every_family_but_unknown_has_several_curated_palettes() -> None:
    for family in GENRE_FAMILIES:
        if family != "unknown":
            assert len(palettes()[family]) >= 3, family


def test_curated_palettes_have_legible_ink_as_authored() -> None:
    for family, named in palettes().items():
        for p in named:
            ratio = contrast_ratio(hex_to_rgb(p.palette.ink), hex_to_rgb(p.palette.background))
            assert ratio >= MIN_INK_CONTRAST, (family, p.name, round(ratio, 2))
            assert 2 <= _distinct(p.palette) <= 5


def test_low_contrast_ink_is_replaced() -> None:
    murky = Palette(
        background="#777777", primary="#707070", secondary="#7a7a7a", accent="#808080",
        ink="#888888",
    )
    fixed = with_legible_ink(murky)
    assert contrast_ratio(hex_to_rgb(fixed.ink), hex_to_rgb(fixed.background)) >= 4.5
    assert fixed.background == murky.background


def test_order_is_seeded_and_covers_the_family() -> None:
    a = palette_order("ballad", NEUTRAL, {}, np.random.default_rng(1))
    b = palette_order("ballad", NEUTRAL, {}, np.random.default_rng(1))
    assert a == b
    assert len({p.background for p in a}) == len(palettes()["ballad"])
    seeds = {palette_order("ballad", NEUTRAL, {}, np.random.default_rng(s))[0] for s in range(20)}
    assert len(seeds) > 1


def _firsts_with_tone(tone: Tone, hints: dict[Tone, float]) -> int:
    by_background = {p.palette.background: p for p in palettes()["ballad"]}
    count = 0
    for seed in range(200):
        first = palette_order("ballad", NEUTRAL, hints, np.random.default_rng(seed))[0]
        count += tone in by_background[first.background].tones
    return count


def test_lyric_tones_pull_matching_palettes_forward() -> None:
    assert _firsts_with_tone("bright", {"bright": 1.0}) > _firsts_with_tone("bright", {})
    assert _firsts_with_tone("dark", {"dark": 1.0}) > _firsts_with_tone("dark", {})


def test_unknown_family_borrows_a_palette_by_mood() -> None:
    for label in MOOD_LABELS:
        mood = Mood(valence=0.0, energy=0.0, label=label)
        order = palette_order("unknown", mood, {}, np.random.default_rng(0))
        assert order
