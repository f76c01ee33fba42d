"""Fonts: found by file name on the search path, a fallback chain per role, real coverage."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sleeve.config import Settings
from sleeve.core.plan import TypeLayout
from sleeve.pipeline import fonts_for
from sleeve.render.fonts import (
    ROLE_FACES,
    FontConfig,
    FontLibrary,
    FontsMissingError,
    UnrenderableTextError,
    font_library,
)
from sleeve.render.typeset import split_runs, typeset
from tests.render.conftest import build_plan

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "briefs.jsonl"
TYPEFACES = tuple(ROLE_FACES)


def _briefs() -> list[dict[str, str]]:
    return [json.loads(line) for line in FIXTURES.read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("typeface", TYPEFACES)
def test_every_typeface_resolves_to_installed_files(typeface: str) -> None:
    chain = font_library().chain(typeface, "title", "Title", "en")  # type: ignore[arg-type]
    assert all(font.path.is_file() for font in chain)
    assert chain[-1].path.name == "Symbola_hint.ttf"


def test_korean_and_japanese_pick_their_face_of_the_cjk_collection() -> None:
    ko = font_library().chain("grotesk", "title", "밤", "ko")[1]
    ja = font_library().chain("grotesk", "title", "夜", "ja")[1]
    assert (ko.path.name, ko.index) == ("NotoSansCJK-Bold.ttc", 1)
    assert (ja.path.name, ja.index) == ("NotoSansCJK-Bold.ttc", 0)


def test_bebas_only_for_titles_without_lowercase() -> None:
    # Bebas Neue draws lowercase as capitals: a mixed-case title would no longer read as typed.
    caps = font_library().chain("condensed", "title", "GARAGE SUMMER", "en")[0]
    mixed = font_library().chain("condensed", "title", "Garage Summer", "en")[0]
    assert caps.path.name == "BebasNeue-Regular.otf"
    assert mixed.path.name != "BebasNeue-Regular.otf"


def test_empty_search_path_raises_fonts_missing_with_the_packages(tmp_path: Path) -> None:
    library = FontLibrary([tmp_path])
    with pytest.raises(FontsMissingError) as caught:
        library.chain("serif", "title", "Midnight Rain", "en")
    message = str(caught.value)
    assert "fonts-ebgaramond" in message and "fonts-noto-cjk" in message
    assert "fonts-symbola" in message and str(tmp_path) in message


def test_typeset_with_no_fonts_raises_a_clear_error(tmp_path: Path) -> None:
    from PIL import Image

    with pytest.raises(FontsMissingError, match="apt-get install"):
        typeset(Image.new("RGB", (512, 512)), build_plan(), fonts=FontLibrary([tmp_path]))


def test_font_dir_setting_is_searched_first(tmp_path: Path) -> None:
    source = font_library().file("DejaVuSans.ttf").path
    shutil.copy(source, tmp_path / "DejaVuSans.ttf")
    library = fonts_for(Settings(font_dir=str(tmp_path)))
    assert library.search_dirs[0] == tmp_path
    assert library.file("DejaVuSans.ttf").path == tmp_path / "DejaVuSans.ttf"
    assert font_library().file("DejaVuSans.ttf").path == source  # the default is untouched


def test_system_fonts_off_searches_only_the_font_dir(tmp_path: Path) -> None:
    assert FontConfig(str(tmp_path), system_fonts=False).search_dirs() == (tmp_path,)
    assert FontConfig(system_fonts=False).search_dirs() == ()


def test_emoji_take_the_colour_font_and_symbols_stay_text_style() -> None:
    text = "Fireflies 🌙 ★"
    runs, uncovered = split_runs(text, font_library().chain("serif", "title", text, "en"))
    assert uncovered == []
    assert [r.font.path.name for r in runs] == [
        "EBGaramond12-Regular.otf", "NotoColorEmoji.ttf", "NotoSerifCJK-Regular.ttc"]
    assert "".join(r.text for r in runs) == text


def test_latin_and_hangul_never_build_the_all_fonts_index() -> None:
    library = FontLibrary(FontConfig().search_dirs())
    for text in ("Midnight Rain", "밤하늘의 별", "Звёздная ночь 夜"):
        library.chain("grotesk", "title", text, "ko")
    assert library._anywhere is None  # the ~300-file cmap scan is for real misses only


@pytest.mark.parametrize(("text", "font"), [
    ("สวัสดี", "NotoSansThai"), ("नमस्ते", "NotoSansDevanagari"), ("ሰላም", "NotoSansEthiopic"),
    ("ꦲꦏ꧀ꦱꦫ", "NotoSansJavanese"), ("🫠🥲🧋🪩", "NotoColorEmoji"),
])
@pytest.mark.parametrize(("typeface", "weight"), [("grotesk", "Bold"), ("serif", "Regular")])
def test_scripts_outside_the_chain_find_an_installed_noto_face(
        text: str, font: str, typeface: str, weight: str) -> None:
    runs, uncovered = split_runs(text, font_library().chain(typeface, "title", text, "th"))  # type: ignore[arg-type]
    assert uncovered == []
    names = {r.font.path.name for r in runs}
    assert len(names) == 1 and names.pop().startswith(font)
    if font != "NotoColorEmoji":  # the Noto Sans face of the role's weight
        assert runs[0].font.path.name == f"{font}-{weight}.ttf"


def test_mixed_hangul_and_latin_split_into_runs_per_script() -> None:
    text = "서울의 밤 (Seoul Nights)"
    runs, uncovered = split_runs(text, font_library().chain("grotesk", "title", text, "ko"))
    assert uncovered == []
    assert "".join(r.text for r in runs) == text
    hangul = next(r for r in runs if "서" in r.text)
    latin = next(r for r in runs if "Seoul" in r.text)
    assert hangul.font.path.name.startswith("NotoSansCJK")
    assert latin.font.path.name.startswith("Inter")


def test_a_character_no_font_has_is_reported_not_a_crash() -> None:
    text = "A\U0010fffdB"  # private use: no installed font maps it
    runs, uncovered = split_runs(text, font_library().chain("serif", "title", text, "en"))
    assert uncovered == ["\U0010fffd"]
    assert "".join(r.text for r in runs) == text


@pytest.mark.parametrize("role", ["title", "artist"])
def test_typeset_refuses_text_no_font_can_draw_instead_of_a_box(role: str) -> None:
    from PIL import Image

    plan = build_plan(**{role: "Moon \U0010fffd"})
    with pytest.raises(UnrenderableTextError) as caught:
        typeset(Image.new("RGB", (256, 256)), plan)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == (
        f"{role} contains characters no installed font can draw: '\\U0010fffd' (U+10FFFD)")


@pytest.mark.parametrize("typeface", TYPEFACES)
def test_fixture_titles_and_artists_have_no_uncovered_characters(typeface: str) -> None:
    library = font_library()
    for brief in _briefs():
        for role in ("title", "artist"):
            text = brief[role]
            chain = library.chain(typeface, role, text, brief.get("language", "en"))  # type: ignore[arg-type]
            assert split_runs(text, chain)[1] == [], (typeface, role, text)


def test_typeset_fixture_briefs_report_no_uncovered_glyphs() -> None:
    from PIL import Image

    art = Image.new("RGB", (512, 512), (40, 44, 60))
    for brief in _briefs():
        plan = build_plan(title=brief["title"], artist=brief["artist"], type_layout=TypeLayout(
            name="bottom-left", anchor="bottom", typeface="grotesk", uppercase=True, tracking=0.1))
        for box in typeset(art, plan).boxes:
            assert box.uncovered == (), (box.role, box.text)
