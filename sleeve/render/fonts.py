"""Font files for each typeface role, found on disk by name, and per-character coverage.

Fonts are located by their Debian file names under the search directories (a ``FontConfig``,
passed in: an extra directory first, then the system font directories) — fc-list is not
needed, so a bare container with the packages unpacked works. Coverage comes from each
font's cmap (fontTools), so the typesetter can split text into runs that every font can
actually draw: never a tofu box.

A character the role's chain lacks (Thai, Devanagari, Ethiopic, a new emoji…) is looked up
in every font installed under the search directories — Noto Sans <Script> first, in the
role's weight; that index is built only the first time the chain misses, so Latin and Hangul
never pay for it. Colour emoji come from Noto Color Emoji (a bitmap font drawn at its strike
size and scaled by the typesetter). A character no installed font has is an error
(UnrenderableTextError), never a box.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont
from PIL import ImageFont

from sleeve.core.plan import Typeface

SYSTEM_FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts",
    # macOS: where Homebrew's font casks (and Font Book) install.
    "~/Library/Fonts", "/Library/Fonts",
)

# Which Debian package ships each file we use (for the error message).
PACKAGE_OF: dict[str, str] = {
    "EBGaramond12-Regular.otf": "fonts-ebgaramond",
    "EBGaramond12-Italic.otf": "fonts-ebgaramond",
    "Inter-Regular.otf": "fonts-inter",
    "Inter-Medium.otf": "fonts-inter",
    "Inter-Bold.otf": "fonts-inter",
    "InterDisplay-Bold.otf": "fonts-inter",
    "InterDisplay-Black.otf": "fonts-inter",
    "InterDisplay-ExtraBoldItalic.otf": "fonts-inter",
    "BebasNeue-Regular.otf": "fonts-bebas-neue",
    "LeagueSpartan-Regular.otf": "fonts-league-spartan",
    "LeagueSpartan-Bold.otf": "fonts-league-spartan",
    "LeagueSpartan-Black.otf": "fonts-league-spartan",
    "DejaVuSansMono.ttf": "fonts-dejavu-core",
    "DejaVuSansMono-Bold.ttf": "fonts-dejavu-core",
    "DejaVuSans.ttf": "fonts-dejavu-core",
    "DejaVuSans-Bold.ttf": "fonts-dejavu-core",
    "NotoSansCJK-Regular.ttc": "fonts-noto-cjk",
    "NotoSansCJK-Bold.ttc": "fonts-noto-cjk",
    "NotoSerifCJK-Regular.ttc": "fonts-noto-cjk",
    "NotoSerifCJK-Bold.ttc": "fonts-noto-cjk",
    "Symbola_hint.ttf": "fonts-symbola",
}
ALL_PACKAGES: tuple[str, ...] = (
    "fonts-noto-cjk", "fonts-inter", "fonts-bebas-neue", "fonts-ebgaramond",
    "fonts-league-spartan", "fonts-dejavu-core", "fonts-symbola",
)
# Faces inside the Noto CJK collections: the KR face draws Hangul with Korean forms and the
# JP face kanji with Japanese forms; both cover Hangul, kana and CJK ideographs.
NOTO_CJK_INDEX = {"ko": 1, "ja": 0}


class FontsMissingError(RuntimeError):
    """The font files a typeface needs are not installed."""

    def __init__(self, missing: Iterable[str], searched: Sequence[Path]) -> None:
        self.missing = tuple(sorted(set(missing)))
        packages = sorted({PACKAGE_OF.get(name, "fonts-noto-cjk") for name in self.missing})
        where = ", ".join(str(d) for d in searched) or "(no directories)"
        super().__init__(
            f"font files not found: {', '.join(self.missing)} (searched {where}). "
            f"Install them with: apt-get install {' '.join(packages)} "
            f"(`make run` installs all of {' '.join(ALL_PACKAGES)}), "
            "or point SLEEVE_FONT_DIR at a directory holding these files."
        )


@dataclass(frozen=True)
class FontFile:
    """One face: a file, and the face index inside it when it is a collection (.ttc)."""

    path: Path
    index: int = 0

    @property
    def name(self) -> str:
        return self.path.name if self.index == 0 else f"{self.path.name}#{self.index}"

    @property
    def colour(self) -> bool:
        """A bitmap colour font: drawn at EMOJI_STRIKE only, then scaled."""
        return self.path.name == COLOUR_EMOJI

    def covers(self, char: str) -> bool:
        return ord(char) in coverage(self)

    def at(self, size: int) -> ImageFont.FreeTypeFont:
        """The face at ``size`` px (a colour font always at its strike size)."""
        return _font(self.path, self.index, EMOJI_STRIKE if self.colour else max(1, size))


@dataclass(frozen=True)
class Faces:
    """File names for one typeface role. ``title_caps`` replaces ``title`` for titles with no
    lowercase letters (Bebas Neue draws lowercase as capitals, so mixed case must not use it).
    """

    title: str
    artist: str
    cjk_title: str
    cjk_artist: str
    fallback_title: str = "DejaVuSans-Bold.ttf"
    fallback_artist: str = "DejaVuSans.ttf"
    title_caps: str | None = None


ROLE_FACES: dict[Typeface, Faces] = {
    "serif": Faces("EBGaramond12-Regular.otf", "EBGaramond12-Italic.otf",
                   "NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Regular.ttc", "DejaVuSans.ttf"),
    "grotesk": Faces("InterDisplay-Bold.otf", "Inter-Regular.otf",
                     "NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc"),
    "condensed": Faces("InterDisplay-Black.otf", "Inter-Medium.otf",
                       "NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc",
                       title_caps="BebasNeue-Regular.otf"),
    "geometric": Faces("LeagueSpartan-Bold.otf", "LeagueSpartan-Regular.otf",
                       "NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc"),
    "mono": Faces("DejaVuSansMono-Bold.ttf", "DejaVuSansMono.ttf",
                  "NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc"),
    "display": Faces("LeagueSpartan-Black.otf", "Inter-Medium.otf",
                     "NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc"),
}
LAST_RESORT = "Symbola_hint.ttf"  # monochrome symbols (and emoji without the colour font)
# Colour emoji (fonts-noto-color-emoji, optional): a CBDT bitmap font FreeType can only load
# at its one strike size; the typesetter draws it there and scales.
COLOUR_EMOJI = "NotoColorEmoji.ttf"
EMOJI_STRIKE = 109
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
EMOJI_START = 0x1F000  # pictographs drawn in colour; older symbols (★ ☀ ✈) stay text-style


class UnrenderableTextError(ValueError):
    """The text holds characters that no installed font can draw."""

    def __init__(self, role: str, chars: Iterable[str]) -> None:
        self.role = role
        self.chars = tuple(dict.fromkeys(chars))
        listed = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in self.chars)
        super().__init__(f"{role} contains characters no installed font can draw: {listed}")


@dataclass(frozen=True)
class FontConfig:
    """Where fonts are looked for: ``font_dir`` first, then (unless turned off) the system
    font directories. Built at the edges from ``Settings`` (``sleeve.pipeline.fonts_for``);
    rendering never reads settings itself."""

    font_dir: str | None = None
    system_fonts: bool = True

    def search_dirs(self) -> tuple[Path, ...]:
        dirs = ([self.font_dir] if self.font_dir else []) + (
            list(SYSTEM_FONT_DIRS) if self.system_fonts else [])
        return tuple(Path(d).expanduser() for d in dirs)


class FontLibrary:
    """The font files found under ``search_dirs``, earlier directories winning."""

    def __init__(self, search_dirs: Sequence[Path]) -> None:
        self.search_dirs = tuple(search_dirs)
        self._files = _index_files(self.search_dirs)
        self._anywhere: dict[int, FontFile] | None = None  # built on the chain's first miss

    def missing(self, names: Iterable[str] = tuple(PACKAGE_OF)) -> tuple[str, ...]:
        """Which of the font files (default: every file a typeface role uses) are not found."""
        return tuple(name for name in names if name not in self._files)

    def file(self, name: str, index: int = 0) -> FontFile:
        path = self._files.get(name)
        if path is None:
            raise FontsMissingError([name], self.search_dirs)
        return FontFile(path, index)

    def chain(self, typeface: Typeface, role: str, text: str,
              language: str) -> tuple[FontFile, ...]:
        """Fonts to try, in order, for ``text`` in ``role`` ('title' | 'artist')."""
        faces = ROLE_FACES[typeface]
        title = role == "title"
        latin = faces.title if title else faces.artist
        if title and faces.title_caps and not any(c.islower() for c in text):
            latin = faces.title_caps
        names = [
            (latin, 0),
            (faces.cjk_title if title else faces.cjk_artist, NOTO_CJK_INDEX.get(language, 1)),
            (faces.fallback_title if title else faces.fallback_artist, 0),
            (LAST_RESORT, 0),
        ]
        if COLOUR_EMOJI in self._files and any(ord(c) >= EMOJI_START for c in text):
            names.insert(2, (COLOUR_EMOJI, 0))  # before DejaVu's monochrome emoticons
        missing = [n for n, _ in names if n not in self._files]
        if missing:
            raise FontsMissingError(missing, self.search_dirs)
        chain = [self.file(n, i) for n, i in names]
        bold = "Bold" in (faces.fallback_title if title else faces.fallback_artist)
        for char in dict.fromkeys(text):
            if is_joiner(char) or pick_font(char, chain) is not None:
                continue
            extra = self.anywhere(char, bold)
            if extra is not None and extra not in chain:
                chain.append(extra)
        return tuple(chain)

    def anywhere(self, char: str, bold: bool = False) -> FontFile | None:
        """Any installed font that has ``char`` — Noto Sans first, in the asked weight — or
        None. The code-point index over every font file is built on the first call."""
        if self._anywhere is None:
            self._anywhere = _index_code_points(_font_files(self.search_dirs))
        found = self._anywhere.get(ord(char))
        if found is None or not bold or "-Regular." not in found.path.name:
            return found
        heavy = found.path.with_name(found.path.name.replace("-Regular.", "-Bold."))
        if heavy.is_file() and FontFile(heavy).covers(char):
            return FontFile(heavy)
        return found


@lru_cache(maxsize=8)
def font_library(config: FontConfig = FontConfig()) -> FontLibrary:
    """The library for ``config`` (default: the system font directories only), cached: the
    directory walk and the fonts' coverage are kept for the process."""
    return FontLibrary(config.search_dirs())


def _index_files(search_dirs: Sequence[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    wanted = set(PACKAGE_OF) | {COLOUR_EMOJI}
    for root in search_dirs:
        if not root.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(root, followlinks=True):
            for name in sorted(files):
                if name in wanted and name not in found:
                    found[name] = Path(dirpath) / name
    return found


def _font_files(search_dirs: Sequence[Path]) -> list[Path]:
    """Every font file under the directories, in fallback preference: Noto Sans regular
    faces, other Noto Sans, Noto Serif, other Noto, the rest; by name within each."""
    paths: dict[str, Path] = {}
    for root in search_dirs:
        if not root.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(root, followlinks=True):
            for name in sorted(files):
                if name.lower().endswith(FONT_SUFFIXES):
                    paths.setdefault(name, Path(dirpath) / name)

    def rank(name: str) -> tuple[int, str]:
        if name.startswith("NotoSans"):
            return (0 if "-Regular." in name else 1), name
        if name.startswith("NotoSerif"):
            return 2, name
        return (3 if name.startswith("Noto") else 4), name

    return [paths[name] for name in sorted(paths, key=rank)]


def _index_code_points(files: Sequence[Path]) -> dict[int, FontFile]:
    """Code point → the first file (in ``files`` order) that maps it; a collection by its
    first face. Files fontTools cannot read are skipped."""
    index: dict[int, FontFile] = {}
    for path in files:
        font = FontFile(path)
        try:
            points = _cmap(font)  # not cached: 300 files would flush the chain's cmaps
        except Exception:  # a broken font file must not break typesetting
            continue
        for point in points:
            index.setdefault(point, font)
    return index


@lru_cache(maxsize=64)
def coverage(font: FontFile) -> frozenset[int]:
    """Code points the face maps to a glyph (its best Unicode cmap)."""
    return _cmap(font)


def _cmap(font: FontFile) -> frozenset[int]:
    if font.path.suffix.lower() in {".ttc", ".otc"}:
        tt = TTCollection(str(font.path), lazy=True).fonts[font.index]
    else:
        tt = TTFont(str(font.path), lazy=True)
    cmap = tt.getBestCmap() or {}
    return frozenset(cmap)


@lru_cache(maxsize=128)
def _font(path: Path, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, index=index, layout_engine=ImageFont.Layout.RAQM)


def is_joiner(char: str) -> bool:
    """Characters drawn with their neighbours, never on their own: spaces, marks, ZWJ, VS."""
    return char.isspace() or unicodedata.category(char) in {"Mn", "Me", "Cf"} or (
        0xFE00 <= ord(char) <= 0xFE0F)


def pick_font(char: str, chain: Sequence[FontFile]) -> FontFile | None:
    """The first font in ``chain`` with a glyph for ``char``; None when no font has one.
    A colour font draws only pictographs, unless no other font has the character."""
    text_style = ord(char) < EMOJI_START
    for font in chain:
        if font.covers(char) and not (text_style and font.colour):
            return font
    return next((font for font in chain if font.covers(char)), None)
