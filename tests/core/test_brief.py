"""The brief model: normalisation first, then limits, and errors that name the field."""

from __future__ import annotations

import unicodedata

import pytest
from pydantic import ValidationError

from sleeve.core.brief import Brief


def field_errors(**fields: str) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Brief(**{"title": "T", "artist": "A", **fields})
    return {str(e["loc"][0]): str(e["msg"]) for e in caught.value.errors()}


def test_text_is_nfc_normalised() -> None:
    decomposed = unicodedata.normalize("NFD", "Café 밤하늘")
    brief = Brief(title=decomposed, artist="A")
    assert brief.title == unicodedata.normalize("NFC", "Café 밤하늘")
    assert brief.title != decomposed


def test_invisible_and_control_characters_are_removed() -> None:
    brief = Brief(title="Mid\u200bnight\u200d \u202eRain\x07", artist="\ufeffLuna\x00 Vale")
    assert brief.title == "Midnight Rain"
    assert brief.artist == "Luna Vale"


def test_whitespace_collapses_and_tabs_separate_words() -> None:
    brief = Brief(title="  Hello\t\tWorld \u3000 again\u00a0 ", artist="A\u2028B")
    assert brief.title == "Hello World again"
    assert brief.artist == "A B"


def test_lyrics_keep_line_breaks_and_one_blank_line() -> None:
    brief = Brief(title="T", artist="A", lyrics="first  line\r\n\r\n\r\n\tsecond\u2029third ")
    assert brief.lyrics == "first line\n\nsecond\nthird"


@pytest.mark.parametrize("field", ["title", "artist"])
def test_title_and_artist_are_required_after_trimming(field: str) -> None:
    errors = field_errors(**{field: " \u200b\t "})
    assert field in errors and "empty" in errors[field]


@pytest.mark.parametrize("field", ["title", "artist", "album", "genre"])
def test_short_fields_allow_200_characters_after_trimming(field: str) -> None:
    assert (
        getattr(Brief(**{"title": "T", "artist": "A", field: "  " + "가" * 200 + "  "}), field)
        == "가" * 200
    )
    errors = field_errors(**{field: "x" * 201})
    assert field in errors and "200" in errors[field]


def test_one_character_title_is_fine() -> None:
    assert Brief(title="X", artist="Q").title == "X"


def test_lyrics_limit_is_10000_characters() -> None:
    assert len(Brief(title="T", artist="A", lyrics="a" * 10_000).lyrics) == 10_000
    assert "lyrics" in field_errors(lyrics="a" * 10_001)


def test_language_is_validated_and_mixed_means_auto() -> None:
    assert Brief(title="T", artist="A", language="mixed").language == "auto"
    assert Brief(title="T", artist="A", language="KO").language == "ko"
    assert "language" in field_errors(language="fr")


def test_unknown_fields_are_rejected() -> None:
    assert "colour" in field_errors(colour="red")


def test_digest_depends_on_normalised_content() -> None:
    a = Brief(title="Midnight  Rain", artist="Luna Vale")
    b = Brief(title=" Midnight Rain ", artist="Luna\u200b Vale")
    assert a.digest() == b.digest()
    assert a.digest() != Brief(title="Midnight Rain", artist="Luna Vail").digest()
