"""Composition and type layout for a cover, chosen to suit its style and genre."""

from __future__ import annotations

from typing import TypeVar

import numpy as np

from sleeve.core.genres import GenreFamily
from sleeve.core.mood import MOOD_FAMILY
from sleeve.core.plan import Composition, Mood, TypeAnchor, Typeface, TypeLayout, TypeLayoutName

# Each style's compositions, and where its type fits (the style keeps that region calm).
# Landscape and synthwave put the horizon art low, so their type sits at the top.
STYLE_COMPOSITIONS: dict[str, tuple[Composition, ...]] = {
    "landscape": ("horizon",), "synthwave": ("horizon",), "aurora": ("horizon", "band", "centered"),
    "minimal": ("centered", "thirds"), "swiss": ("thirds", "centered"),
    "riso": ("thirds", "centered"), "flowfield": ("all-over", "band"),
    "nebula": ("centered", "all-over"), "contours": ("all-over", "band"),
    "collage": ("thirds", "all-over"), "glitch": ("band", "centered"),
    "sunburst": ("centered", "horizon"),
}
STYLE_LAYOUTS: dict[str, tuple[tuple[TypeLayoutName, TypeAnchor], ...]] = {
    "landscape": (("top-left", "top"), ("top-center", "top")),
    "synthwave": (("top-center", "top"),),
    "minimal": (("center-stack", "center"), ("top-left", "top")),
    "aurora": (("bottom-left", "bottom"), ("top-left", "top"), ("center-stack", "center")),
    "swiss": (("top-left", "top"), ("split", "top"), ("bottom-left", "bottom")),
    "riso": (("top-left", "top"), ("bottom-left", "bottom")),
    "flowfield": (("band-bottom", "bottom"), ("bottom-left", "bottom"), ("top-left", "top")),
    "nebula": (("bottom-center", "bottom"), ("center-stack", "center")),
    "contours": (("band-bottom", "bottom"), ("top-left", "top")),
    "collage": (("top-left", "top"), ("bottom-left", "bottom"), ("split", "top")),
    "glitch": (("center-stack", "center"), ("bottom-left", "bottom"), ("band-bottom", "bottom")),
    "sunburst": (("top-center", "top"), ("bottom-center", "bottom")),
}
GENRE_TYPEFACES: dict[GenreFamily, tuple[Typeface, ...]] = {
    "ballad": ("serif",), "jazz": ("serif", "condensed"), "classical": ("serif",),
    "folk": ("serif",), "rnb": ("serif",), "electronic": ("grotesk", "geometric"),
    "hiphop": ("grotesk", "condensed"), "indie": ("grotesk",), "dance": ("grotesk", "geometric"),
    "pop": ("grotesk", "geometric"), "rock": ("condensed",), "metal": ("condensed",),
    "trot": ("display",), "synthwave": ("display",), "techno": ("mono",),
    "lofi": ("grotesk", "serif"), "ambient": ("geometric", "serif"), "ost": ("serif", "grotesk"),
}
_UPPERCASE_FACES: frozenset[Typeface] = frozenset({"grotesk", "condensed", "geometric", "mono"})
T = TypeVar("T")


def _pick(options: tuple[T, ...], rng: np.random.Generator) -> T:
    return options[int(rng.integers(len(options)))]


def is_latin(text: str) -> bool:
    """True when the text has letters and every one of them is Latin (uppercase applies)."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isascii() or "\u00c0" <= ch <= "\u024f" for ch in letters)


def composition_for(style: str, rng: np.random.Generator) -> Composition:
    return _pick(STYLE_COMPOSITIONS.get(style, ("centered",)), rng)


def type_layout_for(
    style: str, family: GenreFamily, mood: Mood, title: str, rng: np.random.Generator
) -> TypeLayout:
    name, anchor = _pick(STYLE_LAYOUTS.get(style, (("bottom-left", "bottom"),)), rng)
    faces = GENRE_TYPEFACES.get(family) or GENRE_TYPEFACES[MOOD_FAMILY.get(mood.label, "indie")]
    typeface = _pick(faces, rng)
    uppercase = is_latin(title) and typeface in _UPPERCASE_FACES
    # Added tracking opens up capitals; lowercase and Hangul/kana are set tight.
    tracking = round(float(rng.uniform(0.05, 0.2)), 3) if uppercase else 0.0
    align = "center" if name.endswith("center") or name == "center-stack" else "left"
    return TypeLayout(
        name=name, anchor=anchor, typeface=typeface, uppercase=uppercase, tracking=tracking,
        title_scale=_title_scale(title, typeface), align=align,
    )


def _title_scale(title: str, typeface: Typeface) -> float:
    # Short titles carry the cover at a large size; long ones step down so they still fit.
    length = len(title)
    scale = 1.3 if length <= 8 else 1.0 if length <= 24 else 0.8 if length <= 48 else 0.6
    if typeface == "condensed":
        scale += 0.1
    return min(1.6, scale)
