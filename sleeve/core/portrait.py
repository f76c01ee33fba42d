"""Art direction for a cover that features the musician: which treatment their photo gets.

A photo pasted on generated art looks like a mistake; a photo *printed* the way the style
prints everything else looks designed. Each style and genre has treatments that belong to
it — a duotone block in two inks (jazz, Blue Note), a halftone cut-out (collage, hip-hop),
a two-ink risograph print, a portrait framed in an arch or a circle (the sun of a sunburst
or synthwave, a window in a landscape) — and the choice is a pure function of the plan and
the cover's seed.

The type keeps its place: a layout that sets the title across the middle moves to the foot,
so the face can have the open part of the page (the renderer keeps the face out of the text).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from sleeve.core.plan import CoverPlan, PortraitPlan, PortraitTreatment

FaceBox = tuple[int, int, int, int]  # (x, y, width, height) in pixels of the photo

# What each style prints a photo as; the first is its signature, the others its range.
STYLE_TREATMENTS: dict[str, tuple[PortraitTreatment, ...]] = {
    "swiss": ("duotone", "halftone"),
    "riso": ("riso", "halftone"),
    "collage": ("halftone", "riso"),
    "glitch": ("duotone", "halftone"),
    "minimal": ("circle", "arch", "duotone"),
    "landscape": ("arch",),
    "sunburst": ("circle",),
    "synthwave": ("circle",),
    "aurora": ("arch", "circle"),
    "nebula": ("circle",),
    "flowfield": ("duotone", "halftone"),
    "contours": ("duotone", "circle"),
}
# Genres with a visual language of their own pull towards it when the style allows it
# (COVER-DESIGN.md: jazz → photo duotone, hip-hop → halftone, classical/folk → framed).
GENRE_TREATMENTS: dict[str, tuple[PortraitTreatment, ...]] = {
    "jazz": ("duotone",),
    "hiphop": ("halftone", "duotone"),
    "indie": ("riso", "halftone"),
    "classical": ("arch", "circle"),
    "folk": ("arch",),
    "ballad": ("arch", "circle"),
    "rnb": ("circle", "duotone"),
    "rock": ("duotone", "halftone"),
    "metal": ("duotone",),
}
# Styles whose art is a photograph-friendly field: a genre's own treatment may replace theirs.
_OPEN_STYLES = frozenset({"swiss", "minimal", "flowfield", "contours", "glitch", "collage",
                          "riso"})


@dataclass(frozen=True)
class FacePhoto:
    """A decoded photo of the musician and where their face is: what the renderer needs.

    ``pixels`` is (h, w, 3) uint8 RGB, upright, metadata already gone (``sleeve.photos``);
    ``person``, when given, is the person cut from the background ((h, w) float32 in [0, 1],
    ``sleeve.render.cutout.person_mask``): made once per photo, not once per cover."""

    pixels: np.ndarray
    face: FaceBox
    person: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.pixels.ndim != 3 or self.pixels.shape[2] != 3 or self.pixels.dtype != np.uint8:
            raise ValueError(f"a subject photo is (h, w, 3) uint8 RGB, got {self.pixels.shape} "
                             f"{self.pixels.dtype}")
        x, y, w, h = self.face
        height, width = self.pixels.shape[:2]
        if w <= 0 or h <= 0 or x < 0 or y < 0 or x + w > width or y + h > height:
            raise ValueError(f"face box {self.face} is not inside the {width}×{height} photo")
        if self.person is not None and self.person.shape != (height, width):
            raise ValueError(f"person mask {self.person.shape} is not the photo's {height}×{width}")


def _rng(plan: CoverPlan, seed: int) -> np.random.Generator:
    return np.random.default_rng([seed & 0xFFFFFFFF, zlib.crc32(b"portrait"),
                                  zlib.crc32(plan.style.encode()),
                                  zlib.crc32(plan.genre_family.encode())])


def treatments_for(style: str, genre_family: str) -> tuple[PortraitTreatment, ...]:
    """The treatments that fit ``style`` for ``genre_family``, most fitting first."""
    own = STYLE_TREATMENTS.get(style, ("circle",))
    genre = GENRE_TREATMENTS.get(genre_family, ())
    if style in _OPEN_STYLES:
        preferred = tuple(t for t in genre if t in own or t in ("duotone", "halftone"))
    else:
        preferred = tuple(t for t in genre if t in own)
    return preferred or own


def choose_treatment(plan: CoverPlan, seed: int) -> PortraitTreatment:
    """The treatment for this cover: the fitting ones, the first twice as likely."""
    options = treatments_for(plan.style, plan.genre_family)
    weights = np.array([2.0] + [1.0] * (len(options) - 1))
    pick = _rng(plan, seed).choice(len(options), p=weights / weights.sum())
    return options[int(pick)]


def with_portrait(plan: CoverPlan, seed: int, photo: int = 0) -> CoverPlan:
    """``plan`` featuring the subject's photo number ``photo``: its treatment, and a type
    layout that leaves the face room (a title set across the middle moves to the foot)."""
    layout = plan.type_layout
    if layout.anchor == "center":
        layout = layout.model_copy(update={"name": "bottom-center", "anchor": "bottom",
                                           "align": "center"})
    portrait = PortraitPlan(treatment=choose_treatment(plan, seed), photo=photo)
    return plan.model_copy(update={"portrait": portrait, "type_layout": layout})
