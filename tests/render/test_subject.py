"""Covers featuring the musician: the face is on the cover, never under the type; the type
keeps its contrast; the same brief, photo and seed give the same bytes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PIL import Image

from sleeve.core.brief import Brief
from sleeve.core.plan import CoverPlan, PortraitPlan, PortraitTreatment, TypeLayout
from sleeve.core.portrait import FacePhoto, choose_treatment, treatments_for, with_portrait
from sleeve.photos.faces import find_faces
from sleeve.pipeline import face_photo, generate
from sleeve.render.artwork import render_artwork
from sleeve.render.contrast import WCAG_AA
from sleeve.render.cutout import person_mask
from sleeve.render.typeset import typeset
from tests.render.conftest import build_plan

skimage_data = pytest.importorskip("skimage.data")

SIZE = 640
THUMB = 320  # faces are looked for as a phone shows the cover (halftone dots merge there)


@pytest.fixture(scope="module")
def astronaut() -> Image.Image:
    return Image.fromarray(skimage_data.astronaut())


@pytest.fixture(scope="module")
def photo(astronaut: Image.Image) -> FacePhoto:
    return face_photo(astronaut)


def _layout(name: str, anchor: str, align: str = "left") -> TypeLayout:
    return TypeLayout.model_validate({"name": name, "anchor": anchor, "typeface": "grotesk",
                                      "uppercase": True, "tracking": 0.1, "align": align})


def _featuring(treatment: PortraitTreatment, **overrides: Any) -> CoverPlan:
    plan = with_portrait(build_plan(**overrides), seed=1)
    return plan.model_copy(update={"portrait": PortraitPlan(treatment=treatment)})


def _intersects(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# Every treatment, in styles that would choose it, with the type at the top, at the foot, in
# a band, split over two corners, and set across the middle (moved to the foot for a face).
CASES: list[tuple[PortraitTreatment, str, TypeLayout]] = [
    ("duotone", "swiss", _layout("top-left", "top")),
    ("duotone", "glitch", _layout("band-bottom", "bottom")),
    ("halftone", "collage", _layout("bottom-left", "bottom")),
    ("halftone", "flowfield", _layout("top-left", "top")),
    ("riso", "riso", _layout("split", "top")),
    ("arch", "landscape", _layout("top-center", "top", "center")),
    ("circle", "nebula", _layout("center-stack", "center", "center")),
    ("circle", "sunburst", _layout("bottom-center", "bottom", "center")),
]


@pytest.mark.parametrize(("treatment", "style", "layout"), CASES,
                         ids=[f"{t}-{s}-{layout.name}" for t, s, layout in CASES])
def test_the_face_is_on_the_cover_and_never_under_the_text(
        photo: FacePhoto, treatment: PortraitTreatment, style: str, layout: TypeLayout) -> None:
    plan = _featuring(treatment, style=style, type_layout=layout, title="Blue Hour Session")
    result = typeset(render_artwork(plan, 5, SIZE, photo), plan)

    faces = find_faces(result.image.resize((THUMB, THUMB), Image.Resampling.LANCZOS))
    assert faces, f"no face found on the {treatment} cover"
    k = SIZE / THUMB
    face = faces[0]
    box = (round(face.left * k), round(face.top * k), round((face.left + face.width) * k),
           round((face.top + face.height) * k))
    assert 0 <= box[0] < box[2] <= SIZE and 0 <= box[1] < box[3] <= SIZE
    for text in result.boxes:
        assert not _intersects(box, text.box), (text.role, text.box, box)
        assert text.contrast >= WCAG_AA, (text.role, text.contrast)


def test_a_middle_title_moves_to_the_foot_to_leave_the_face_room() -> None:
    plan = with_portrait(build_plan(type_layout=_layout("center-stack", "center", "center")), 3)
    assert plan.type_layout.anchor == "bottom"
    assert plan.portrait is not None and plan.portrait.photo == 0


def test_the_treatment_fits_the_style_and_genre() -> None:
    assert treatments_for("swiss", "jazz") == ("duotone",)  # Blue Note
    assert treatments_for("landscape", "hiphop") == ("arch",)  # the style keeps its own
    assert set(treatments_for("collage", "hiphop")) == {"halftone", "duotone"}
    plan = build_plan(style="riso", genre_family="indie")
    picks = {choose_treatment(plan, seed) for seed in range(40)}
    assert picks == {"riso", "halftone"}
    assert all(choose_treatment(plan, s) == choose_treatment(plan, s) for s in range(5))


def test_same_brief_photos_and_seed_give_the_same_bytes(astronaut: Image.Image) -> None:
    brief = Brief(title="Blue Hour", artist="Mina Park", genre="jazz")

    def covers(**extra: Any) -> list[bytes]:
        made = generate(brief, count=2, seed=21, size=384, **extra)
        return [cover.encode("png") for cover in made]

    first = covers(subject_photos=[astronaut])
    assert first == covers(subject_photos=[astronaut])
    plain = covers()
    assert all(a != b for a, b in zip(first, plain, strict=True))


def test_a_plan_with_a_portrait_needs_the_photo_and_only_it_takes_one(
        photo: FacePhoto) -> None:
    with pytest.raises(ValueError, match="portrait"):
        render_artwork(_featuring("circle"), 1, 256)
    with pytest.raises(ValueError, match="portrait"):
        render_artwork(build_plan(), 1, 256, photo)


def test_the_cutout_keeps_the_person_and_drops_the_background(photo: FacePhoto) -> None:
    mask = person_mask(photo)
    x, y, w, h = photo.face
    assert mask[y + h // 2, x + w // 2] > 0.9  # the middle of the face
    assert mask[y + h // 2 + h, x + w // 2] > 0.9  # the chest under it
    corners = [mask[5, 5], mask[5, -5]]
    assert max(corners) < 0.1
    assert np.array_equal(mask, person_mask(photo))  # GrabCut is seeded: same photo, same cut


def test_a_photo_without_a_face_is_refused() -> None:
    blank = Image.new("RGB", (400, 300), (120, 130, 140))
    with pytest.raises(ValueError, match="no face"):
        face_photo(blank)
