"""Photo intake: type from the content, limits before decoding, orientation, no metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from sleeve.photos import IntakeLimits, PhotoRejected, open_photo, sniff, strip_metadata, upright


def _jpeg(image: Image.Image, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", **options)
    return out.getvalue()


def test_the_type_comes_from_the_bytes_not_the_name() -> None:
    png = io.BytesIO()
    Image.new("RGB", (8, 8)).save(png, "PNG")
    webp = io.BytesIO()
    Image.new("RGB", (8, 8)).save(webp, "WEBP")
    assert sniff(png.getvalue()) == "png"
    assert sniff(webp.getvalue()) == "webp"
    assert sniff(_jpeg(Image.new("RGB", (8, 8)))) == "jpeg"
    assert sniff(b"GIF89a....") is None


def test_pixels_over_the_limit_are_refused_from_the_header_before_decoding() -> None:
    data = _jpeg(Image.new("RGB", (400, 300)))
    with pytest.raises(PhotoRejected) as caught:
        open_photo(data, IntakeLimits(max_pixels=100_000))
    assert caught.value.kind == "invalid" and "400×300" in str(caught.value)


def test_bytes_over_the_limit_are_refused_before_anything_is_parsed() -> None:
    with pytest.raises(PhotoRejected) as caught:
        open_photo(b"\xff\xd8\xff" + b"\0" * 2000, IntakeLimits(max_bytes=1000))
    assert caught.value.kind == "too-large"


def test_a_truncated_jpeg_is_invalid_not_a_crash() -> None:
    data = _jpeg(Image.effect_noise((256, 256), 50).convert("RGB"))
    with pytest.raises(PhotoRejected) as caught:
        open_photo(data[: len(data) // 2])
    assert caught.value.kind == "invalid"


def test_exif_orientation_is_applied_and_metadata_stripped() -> None:
    image = Image.new("RGB", (40, 20), (200, 10, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise when shot
    exif[0x013B] = "Someone"
    photo = open_photo(_jpeg(image, exif=exif.tobytes()))
    turned = upright(photo.image)
    assert turned.size == (20, 40)
    clean = strip_metadata(turned)
    assert clean.size == (20, 40) and not clean.getexif() and not clean.info
