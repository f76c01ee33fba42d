"""A photo of a musician, taken in for personalised covers: checked, cleaned and cut.

``take_subject_photo`` is the whole intake of one upload: limits and type from the content
(``open_photo``), EXIF orientation applied, colours converted to sRGB, then every metadata
block dropped (EXIF, GPS, XMP, ICC, comments), and exactly one clearly visible face required.
What comes out is what may be stored: the cleaned photo, a square crop around the face and a
thumbnail, all re-encoded from bare pixels.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from sleeve.photos.faces import FaceBox, the_face
from sleeve.photos.intake import (
    PHOTO_LIMITS,
    IntakeLimits,
    PhotoFormat,
    open_photo,
    strip_metadata,
    to_srgb,
    upright,
)

CROP_SIDE = 512
THUMB_SIDE = 320
# The crop is this many face widths square, so hair, chin and a little shoulder come along.
CROP_FACES = 2.2
MEDIA_TYPES: dict[PhotoFormat, str] = {
    "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
EXTENSIONS: dict[PhotoFormat, str] = {"jpeg": "jpg", "png": "png", "webp": "webp"}


@dataclass(frozen=True)
class SubjectPhoto:
    """An accepted photo, ready to store: every image here is free of metadata."""

    format: PhotoFormat
    width: int
    height: int
    face: FaceBox  # in the cleaned photo's pixels
    original: bytes  # the cleaned photo, upright, in its own format
    crop: bytes  # JPEG, square, around the face
    crop_face: FaceBox  # the face in the crop's pixels
    thumbnail: bytes  # JPEG, at most THUMB_SIDE pixels long


def take_subject_photo(data: bytes, limits: IntakeLimits = PHOTO_LIMITS) -> SubjectPhoto:
    """The accepted photo, or PhotoRejected naming the rule it breaks."""
    photo = open_photo(data, limits)
    image = strip_metadata(to_srgb(upright(photo.image)))
    face = the_face(image)
    crop, crop_face = face_crop(image, face)
    thumbnail = image.copy()
    thumbnail.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return SubjectPhoto(
        format=photo.format, width=image.width, height=image.height, face=face,
        original=encode(image, photo.format), crop=encode(crop, "jpeg"), crop_face=crop_face,
        thumbnail=encode(thumbnail, "jpeg", quality=85),
    )


def face_crop(image: Image.Image, face: FaceBox,
              side: int = CROP_SIDE) -> tuple[Image.Image, FaceBox]:
    """A square around ``face`` (as large as fits, up to ``CROP_FACES`` face widths), scaled
    down to at most ``side`` pixels, and where the face sits in it."""
    span = min(round(face.width * CROP_FACES), image.width, image.height)
    cx, cy = face.center
    # A little below the face's centre: the chin and neck matter more than the crown.
    left = min(max(0, round(cx - span / 2)), image.width - span)
    top = min(max(0, round(cy - span / 2 + face.height * 0.1)), image.height - span)
    crop = image.crop((left, top, left + span, top + span))
    scale = min(1.0, side / span)
    if scale < 1.0:
        crop = crop.resize((side, side), Image.Resampling.LANCZOS)
    inside = FaceBox(round((face.left - left) * scale), round((face.top - top) * scale),
                     round(face.width * scale), round(face.height * scale))
    return crop, inside


def encode(image: Image.Image, fmt: PhotoFormat, quality: int = 94) -> bytes:
    """Bare pixels in ``fmt``: nothing but the image goes into the file."""
    out = io.BytesIO()
    if fmt == "jpeg":
        image.save(out, "JPEG", quality=quality, optimize=True)
    elif fmt == "png":
        image.save(out, "PNG", compress_level=6)
    else:
        image.save(out, "WEBP", quality=quality, method=4)
    return out.getvalue()
