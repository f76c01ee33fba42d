from sleeve.core.art_direction import analyze
from sleeve.core.brief import Brief
from sleeve.core.lexicon import lookup
from sleeve.core.mood import MOOD_LABELS, estimate_mood, mood_label


def test_sad_ballad_has_lower_valence_than_dance_song(briefs: dict[str, Brief]) -> None:
    ballad = analyze(briefs["Midnight Rain"]).mood
    dance = analyze(briefs["Spin the Night"]).mood
    assert ballad.valence < dance.valence
    assert ballad.label == "melancholy"
    assert dance.label == "euphoric"


def test_metal_has_more_energy_than_ambient(briefs: dict[str, Brief]) -> None:
    metal = analyze(briefs["Ashes of the Northern Forest"]).mood
    ambient = analyze(briefs["Drift"]).mood
    assert metal.energy > ambient.energy
    assert metal.valence < 0


def test_korean_lyrics_move_the_mood() -> None:
    sad = analyze(Brief(title="이별", artist="a", lyrics="슬픈 눈물 외로운 밤 이별"))
    happy = analyze(Brief(title="축제", artist="a", lyrics="신나는 춤 행복한 웃음 불꽃놀이"))
    assert sad.mood.valence < 0 < happy.mood.valence
    assert sad.mood.energy < happy.mood.energy


def test_without_lyrics_the_genre_sets_the_mood() -> None:
    calm = analyze(Brief(title="Untitled", artist="a", genre="ambient")).mood
    loud = analyze(Brief(title="Untitled", artist="a", genre="metal")).mood
    assert calm.energy < 0 < loud.energy


def test_unknown_genre_and_no_lexicon_words_is_neutral() -> None:
    mood = estimate_mood([], "unknown")
    assert (mood.valence, mood.energy) == (0.0, 0.0)


def test_axes_stay_in_range_under_many_extreme_words() -> None:
    rage = lookup("rage")
    assert rage is not None
    mood = estimate_mood([(rage, 50.0)], "metal")
    assert -1 <= mood.valence <= 1 and -1 <= mood.energy <= 1
    assert mood.label == "aggressive"


def test_labels_cover_the_quadrants() -> None:
    assert mood_label(-0.6, -0.6) == "melancholy"
    assert mood_label(0.6, -0.6) == "serene"
    assert mood_label(0.6, 0.7) == "euphoric"
    assert mood_label(-0.6, 0.8) == "aggressive"
    assert mood_label(0.5, 0.0, romantic=True) == "romantic"
    assert {mood_label(v / 5, e / 5) for v in range(-5, 6) for e in range(-5, 6)} <= set(
        MOOD_LABELS
    )
