from sleeve.core.concept import concept_line, cover_motifs, fallback_motifs, scene
from sleeve.core.lexicon import DRAWABLE_MOTIFS, Motif
from sleeve.core.mood import MOOD_LABELS
from sleeve.core.plan import Mood

CALM = Mood(valence=-0.4, energy=-0.4, label="melancholy")


def test_first_cover_gets_the_two_strongest_motifs() -> None:
    assert cover_motifs(["rain", "moon", "city", "road"], 0) == ["rain", "moon"]


def test_later_covers_lead_with_the_runners_up() -> None:
    ranked: list[Motif] = ["rain", "moon", "city", "road"]
    leads = [cover_motifs(ranked, i)[0] for i in range(6)]
    assert leads == ["rain", "moon", "city", "rain", "moon", "city"]
    for i in range(6):
        motifs = cover_motifs(ranked, i)
        assert len(motifs) == 2 and len(set(motifs)) == 2


def test_a_single_motif_stays_single() -> None:
    assert cover_motifs(["sea"], 3) == ["sea"]
    assert cover_motifs([], 0) == []


def test_pairs_make_one_picture_whatever_the_order() -> None:
    assert scene(["window", "rain"]) == scene(["rain", "window"])
    assert "window" in scene(["rain", "window"])
    assert scene(["moon"]).startswith("a full moon")


def test_concept_names_the_mood() -> None:
    line = concept_line(["snow", "flower"], CALM)
    assert line == "melancholy: first snow falling on spring flowers"


def test_fallback_motifs_are_drawable_for_every_genre_and_mood() -> None:
    for label in MOOD_LABELS:
        mood = Mood(valence=0.0, energy=0.0, label=label)
        assert set(fallback_motifs("unknown", mood)) <= DRAWABLE_MOTIFS
    for family in ("ballad", "jazz", "lofi", "ambient", "classical", "indie", "hiphop"):
        assert set(fallback_motifs(family, CALM)) <= DRAWABLE_MOTIFS
