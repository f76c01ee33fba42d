"""A subject's photo: every refusal names its rule; what is accepted is upright, clean, and
cut around the one face."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image

from sleeve.photos import FaceBox, PhotoRejected, find_faces, take_subject_photo
from tests.photos import faces


@pytest.mark.parametrize(("make", "kind", "reason"), [
    (faces.gif, "unsupported", "unsupported"),
    (faces.html_named_jpg, "unsupported", "unsupported"),
    (lambda: faces.png_declaring(50_000, 50_000), "invalid", "too-many-pixels"),
    (lambda: faces.png_declaring(8_000, 6_000), "invalid", "too-many-pixels"),
    (faces.truncated, "invalid", "damaged"),
    (faces.corrupt, "invalid", "damaged"),
    (lambda: faces.face_jpeg() + b"\0" * (15 * 1024 * 1024), "too-large", "too-large"),
    (faces.no_face, "invalid", "no-face"),
    (faces.two_faces, "invalid", "several-faces"),
    (faces.small_face, "invalid", "face-too-small"),
], ids=["gif", "html-named-jpg", "png-50000x50000", "48-megapixels", "truncated", "corrupt",
        "over-15-mb", "no-face", "two-faces", "small-face"])
def test_each_refusal_names_its_rule(make: Callable[[], bytes], kind: str, reason: str) -> None:
    with pytest.raises(PhotoRejected) as refused:
        take_subject_photo(make())
    assert (refused.value.kind, refused.value.reason) == (kind, reason)


def test_gps_and_every_other_metadata_block_are_gone() -> None:
    sent = faces.with_gps(faces.astronaut())
    shown = Image.open(io.BytesIO(sent))
    assert shown.getexif().get_ifd(faces.GPS_IFD) and "icc_profile" in shown.info
    photo = take_subject_photo(sent)
    for data in (photo.original, photo.crop, photo.thumbnail):
        image = Image.open(io.BytesIO(data))
        assert not image.getexif() and not image.getexif().get_ifd(faces.GPS_IFD)
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
        assert b"secret" not in data and b"CameraMaker" not in data


def test_exif_orientation_is_applied_before_the_face_is_looked_for() -> None:
    # Stored on its side with "rotate 90° clockwise to view" (orientation 6), as phones do.
    sideways = faces.astronaut().transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    photo = take_subject_photo(faces.encoded(sideways, exif=exif.tobytes(), quality=92))
    upright = Image.open(io.BytesIO(photo.original))
    assert find_faces(upright) and 150 < photo.face.center[0] < 300
    assert photo.face.center[1] < upright.height / 3  # the face is at the top, not the side


def test_the_crop_is_square_around_the_face() -> None:
    photo = take_subject_photo(faces.face_jpeg())
    crop = Image.open(io.BytesIO(photo.crop))
    assert crop.width == crop.height
    inside = photo.crop_face
    assert inside.left > 0 and inside.top > 0
    assert inside.left + inside.width < crop.width and inside.top + inside.height < crop.height
    found = find_faces(crop)
    assert len(found) == 1 and _overlap(found[0], inside) > 0.6


def _overlap(a: FaceBox, b: FaceBox) -> float:
    width = min(a.left + a.width, b.left + b.width) - max(a.left, b.left)
    height = min(a.top + a.height, b.top + b.height) - max(a.top, b.top)
    if width <= 0 or height <= 0:
        return 0.0
    inter = width * height
    return inter / (a.width * a.height + b.width * b.height - inter)
