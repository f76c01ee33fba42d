import importlib
import inspect
import pkgutil
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sleeve.core
from sleeve.core.art_direction import analyze, plan_covers
from sleeve.core.brief import Brief
from sleeve.core.color import contrast_ratio
from sleeve.core.keywords import warm_up
from sleeve.core.lexicon import DRAWABLE_MOTIFS
from sleeve.core.plan import CoverPlan, hex_to_rgb
from sleeve.render.styles import STYLE_NAMES


@pytest.mark.parametrize(
    ("title", "motifs"),
    [
        ("Midnight Rain", {"rain", "moon", "city"}),
        ("밤하늘의 별", {"star", "night", "moon"}),
        ("바다가 보이는 방", {"sea"}),
        ("Neon Overdrive", {"neon", "road"}),
        ("불꽃놀이", {"fire"}),
        ("Snowfall in April", {"snow", "flower"}),
        ("Dusty Road Home", {"road", "river"}),
        ("서울의 밤 (Seoul Nights)", {"city", "night", "river"}),
    ],
)
def test_motifs_come_from_the_song(briefs: dict[str, Brief], title: str, motifs: set[str]) -> None:
    analysis = analyze(briefs[title])
    assert motifs <= set(analysis.motifs)
    assert analysis.motifs_from_text


def test_the_strongest_motif_leads(briefs: dict[str, Brief]) -> None:
    assert analyze(briefs["Midnight Rain"]).motifs[0] == "rain"
    assert analyze(briefs["바다가 보이는 방"]).motifs[0] == "sea"


def test_songs_without_drawable_words_get_motifs_from_genre(briefs: dict[str, Brief]) -> None:
    jazz = analyze(briefs["Blue Corner"])
    assert not jazz.motifs_from_text
    assert jazz.motifs
    ballad = analyze(Brief(title="Untitled", artist="a", genre="ballad"))
    assert set(ballad.motifs) == {"night", "moon"}


def test_analysis_reports_genre_language_and_keywords(briefs: dict[str, Brief]) -> None:
    analysis = analyze(briefs["밤하늘의 별"])
    assert analysis.genre_family == "ballad"
    assert analysis.language == "ko"
    assert {"밤하늘", "별", "달빛"} <= set(analysis.keywords)
    assert analysis.concept


def test_plans_for_every_fixture_brief(briefs: dict[str, Brief]) -> None:
    for brief in briefs.values():
        plans = plan_covers(brief, count=4, seed=11)
        assert len(plans) == 4
        assert len({p.style for p in plans}) == 4, brief.title
        for plan in plans:
            assert plan.title == brief.title and plan.artist == brief.artist
            assert plan.style in STYLE_NAMES
            assert 1 <= len(plan.motifs) <= 2
            assert set(plan.motifs) <= DRAWABLE_MOTIFS
            ink, bg = hex_to_rgb(plan.palette.ink), hex_to_rgb(plan.palette.background)
            assert contrast_ratio(ink, bg) >= 4.5
            assert 2 <= len({*plan.palette.colors(), plan.palette.ink}) <= 5
            assert "no text" in plan.prompt and plan.prompt.isascii()


def test_same_brief_and_seed_give_the_same_plans(briefs: dict[str, Brief]) -> None:
    brief = briefs["Midnight Rain"]
    assert plan_covers(brief, 4, 123) == plan_covers(brief, 4, 123)
    seeds = {tuple(p.style for p in plan_covers(brief, 4, s)) for s in range(12)}
    assert len(seeds) > 1


def test_different_briefs_at_the_same_seed_get_different_plans() -> None:
    a = Brief(title="Midnight Rain", artist="Luna Vale", genre="ballad")
    b = Brief(title="Blue Hour", artist="Luna Vale", genre="ballad")
    plans_a, plans_b = plan_covers(a, 4, 5), plan_covers(b, 4, 5)
    assert [(p.style, p.palette) for p in plans_a] != [(p.style, p.palette) for p in plans_b]


def test_plan_round_trips_through_json(briefs: dict[str, Brief]) -> None:
    for plan in plan_covers(briefs["서울의 밤 (Seoul Nights)"], 3, 7):
        assert CoverPlan.model_validate_json(plan.model_dump_json()) == plan


def test_forced_style_applies_to_every_cover(briefs: dict[str, Brief]) -> None:
    plans = plan_covers(briefs["Drift"], 3, 1, style="Glitch")
    assert [p.style for p in plans] == ["glitch"] * 3


def test_unknown_style_is_a_clear_error(briefs: dict[str, Brief]) -> None:
    with pytest.raises(ValueError, match=r"unknown style 'watercolour'.*minimal"):
        plan_covers(briefs["Drift"], 1, 1, style="watercolour")


@pytest.mark.parametrize("count", [0, -1, 65])
def test_count_out_of_range_is_a_clear_error(briefs: dict[str, Brief], count: int) -> None:
    with pytest.raises(ValueError, match="count must be between"):
        plan_covers(briefs["Drift"], count, 1)


def test_negative_seeds_are_accepted(briefs: dict[str, Brief]) -> None:
    assert plan_covers(briefs["Drift"], 2, -5) == plan_covers(briefs["Drift"], 2, -5)


def test_type_follows_the_genre_and_script() -> None:
    korean = plan_covers(Brief(title="밤하늘의 별", artist="하늘빛", genre="발라드"), 4, 3)
    assert all(p.type_layout.tracking == 0 and not p.type_layout.uppercase for p in korean)
    assert all(p.type_layout.typeface == "serif" for p in korean)
    techno = plan_covers(Brief(title="Pulse 128", artist="KRNL", genre="techno"), 4, 3)
    for plan in techno:
        assert plan.type_layout.typeface == "mono"
        assert plan.type_layout.uppercase
        assert 0.05 <= plan.type_layout.tracking <= 0.2
    metal = plan_covers(Brief(title="Ashes", artist="Grimfrost", genre="metal"), 2, 3)
    assert all(p.type_layout.typeface == "condensed" for p in metal)


def test_horizon_styles_put_the_type_at_the_top(briefs: dict[str, Brief]) -> None:
    for seed in range(5):
        for style in ("landscape", "synthwave"):
            plan = plan_covers(briefs["Midnight Rain"], 1, seed, style=style)[0]
            assert plan.type_layout.anchor == "top"
            assert plan.composition == "horizon"


def _loaders() -> dict[str, Callable[[], object]]:
    """Every cached loader of sleeve.core (a function of no arguments behind functools.cache:
    data files, the Korean analyser)."""
    found: dict[str, Callable[[], object]] = {}
    for info in pkgutil.iter_modules(sleeve.core.__path__):
        module = importlib.import_module(f"sleeve.core.{info.name}")
        for name, value in vars(module).items():
            if (hasattr(value, "cache_info") and value.__module__ == module.__name__
                    and not inspect.signature(value).parameters):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_after_warm_up_analysis_loads_nothing(briefs: dict[str, Brief]) -> None:
    # What made a first brief slow (model and word lists loaded on first use) is all done by
    # warm_up: analysis afterwards is computation only. Timings: bench/analysis.py.
    loaders = _loaders()
    assert {"sleeve.core.keywords._kiwi", "sleeve.core.lexicon.lexicon"} <= set(loaders)
    warm_up()
    before = {name: f.cache_info().misses for name, f in loaders.items()}  # type: ignore[attr-defined]
    for brief in briefs.values():
        analyze(brief)
    after = {name: f.cache_info().misses for name, f in loaders.items()}  # type: ignore[attr-defined]
    assert after == before


_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=120)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_text, artist=_text, genre=st.text(max_size=40), lyrics=st.text(max_size=400),
       count=st.integers(1, 6), seed=st.integers(-(2**70), 2**70))
def test_any_unicode_brief_gets_valid_plans(
    title: str, artist: str, genre: str, lyrics: str, count: int, seed: int
) -> None:
    try:
        brief = Brief(title=title, artist=artist, genre=genre, lyrics=lyrics)
    except ValueError:
        return  # empty or over-long text is the brief's business, tested there
    plans = plan_covers(brief, count, seed)
    assert len(plans) == count
    assert len({p.style for p in plans}) == count
    for plan in plans:
        assert plan.title == brief.title
        assert CoverPlan.model_validate_json(plan.model_dump_json()) == plan
