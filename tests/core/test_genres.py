import pytest

from sleeve.core.genres import GENRE_FAMILIES, genre_family


@pytest.mark.parametrize(
    ("label", "family"),
    [
        ("발라드", "ballad"),
        ("댄스", "dance"),
        ("랩/힙합", "hiphop"),
        ("R&B/Soul", "rnb"),
        ("인디음악", "indie"),
        ("록/메탈", "rock"),
        ("트로트", "trot"),
        ("포크/블루스", "folk"),
        ("일렉트로니카", "electronic"),
        ("재즈", "jazz"),
        ("클래식", "classical"),
        ("OST", "ost"),
    ],
)
def test_every_korean_chart_label_has_its_family(label: str, family: str) -> None:
    assert genre_family(label) == family


@pytest.mark.parametrize("label", ["K-pop", "k pop", "KPOP", "케이팝", "k-Pop!", " K–POP "])
def test_kpop_spellings_are_dance(label: str) -> None:
    assert genre_family(label) == "dance"


@pytest.mark.parametrize(
    ("label", "family"),
    [
        ("Hip Hop", "hiphop"),
        ("hip-hop", "hiphop"),
        ("HIPHOP", "hiphop"),
        ("lo-fi", "lofi"),
        ("Lo Fi", "lofi"),
        ("neo soul", "rnb"),
        ("Neo-Soul", "rnb"),
        ("synth-wave", "synthwave"),
        ("r&b", "rnb"),
        ("R & B", "rnb"),
    ],
)
def test_spacing_case_and_punctuation_do_not_matter(label: str, family: str) -> None:
    assert genre_family(label) == family


@pytest.mark.parametrize(
    ("label", "family"),
    [
        ("dark synthwave", "synthwave"),  # a sub-genre beats its modifier
        ("darksynthwave", "synthwave"),  # found inside one word too
        ("indie folk", "folk"),  # same specificity: the head (last) word wins
        ("pop rock", "rock"),
        ("synth pop", "electronic"),
        ("melodic death metal", "metal"),
        ("lofi hip hop", "lofi"),
        ("K-pop ballad", "ballad"),
        ("alternative rock", "rock"),
        ("한국 힙합", "hiphop"),
        ("감성 발라드", "ballad"),
        ("hyperpop", "pop"),
        ("City Pop", "pop"),
        ("bossa nova", "jazz"),
    ],
)
def test_genres_are_found_inside_longer_labels(label: str, family: str) -> None:
    assert genre_family(label) == family


@pytest.mark.parametrize("label", ["", "   ", "!!!", "polka-dot vibes", "ghost", "trapeze", "생각"])
def test_unrecognised_genres_are_unknown(label: str) -> None:
    assert genre_family(label) == "unknown"


def test_short_aliases_do_not_match_inside_other_words() -> None:
    # "ost" is in "ghost" and "post", "rap" in "grape": only whole words count.
    assert genre_family("post rock") == "rock"
    assert genre_family("grape jazz") == "jazz"


def test_every_result_is_a_known_family() -> None:
    labels = ["발라드", "metal", "hyperpop", "k-indie", "city pop", "bossa nova", "edm"]
    assert all(genre_family(label) in GENRE_FAMILIES for label in labels)
