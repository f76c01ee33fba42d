"""Export: decodable 3000² files with sRGB, release metadata, the same bytes every time."""

from __future__ import annotations

import io
import xml.dom.minidom

import numpy as np
import pytest
from PIL import Image, ImageCms

from sleeve.render.export import CoverMetadata, encode, software, thumbnail
from sleeve.render.texture import finish

META = CoverMetadata(title="밤하늘의 별 (Starry)", artist="하늘빛 & Luna", seed=123456789,
                     engine="procedural", style="swiss")


@pytest.fixture(scope="module")
def grainy() -> Image.Image:
    """A 3000² cover-like image: a smooth gradient with the engine's own grain."""
    t = np.linspace(0.0, 1.0, 3000, dtype=np.float32)
    rgb = np.stack(np.broadcast_arrays(t[None, :], 0.3 + 0.4 * t[:, None], 1 - t[:, None]), -1)
    return Image.fromarray(finish(np.ascontiguousarray(rgb, dtype=np.float32),
                                  np.random.default_rng(7)))


@pytest.fixture(scope="module")
def encoded(grainy: Image.Image) -> dict[str, bytes]:
    return {"png": encode(grainy, "png", META), "jpeg": encode(grainy, "jpeg", META)}


def _xmp_fields(jpeg: bytes) -> tuple[str, str, str]:
    """(dc:title, dc:creator, sleeve:seed) parsed from the XMP packet as an XML reader would."""
    xmp = _open(jpeg).info["xmp"].decode("utf-8")
    dom = xml.dom.minidom.parseString(xmp[xmp.index("<x:xmpmeta"):xmp.index("<?xpacket end")])
    title, creator = (node.firstChild.data  # type: ignore[union-attr]
                      for node in dom.getElementsByTagName("rdf:li"))
    description = dom.getElementsByTagName("rdf:Description")[0]
    return title, creator, description.getAttribute("sleeve:seed")


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_decodes_as_3000_square_rgb(encoded: dict[str, bytes], fmt: str) -> None:
    image = _open(encoded[fmt])
    assert image.format == fmt.upper()
    assert image.size == (3000, 3000) and image.mode == "RGB"


def test_png_is_lossless(encoded: dict[str, bytes], grainy: Image.Image) -> None:
    assert _open(encoded["png"]).tobytes() == grainy.tobytes()


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_srgb_profile_is_embedded(encoded: dict[str, bytes], fmt: str) -> None:
    icc = _open(encoded[fmt]).info["icc_profile"]
    profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    assert "sRGB" in ImageCms.getProfileDescription(profile)


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
def test_identical_input_gives_identical_bytes(grainy: Image.Image, encoded: dict[str, bytes],
                                               fmt: str) -> None:
    assert encode(grainy, fmt, META) == encoded[fmt]  # type: ignore[arg-type]


def test_jpeg_quality_is_at_least_90(encoded: dict[str, bytes]) -> None:
    # Quantisation tables shrink as quality rises: ours must be at most libjpeg's at q90.
    reference = io.BytesIO()
    Image.new("RGB", (16, 16)).save(reference, "JPEG", quality=90)
    q90 = _open(reference.getvalue()).quantization  # type: ignore[attr-defined]
    ours = _open(encoded["jpeg"]).quantization  # type: ignore[attr-defined]
    for table in q90:
        assert all(a <= b for a, b in zip(ours[table], q90[table], strict=True))


def test_jpeg_of_a_grainy_3000_cover_is_under_10_mb(encoded: dict[str, bytes]) -> None:
    assert len(encoded["jpeg"]) < 10_000_000


def test_png_metadata_has_title_artist_software_and_seed(encoded: dict[str, bytes]) -> None:
    text = _open(encoded["png"]).text  # type: ignore[attr-defined]
    assert text["Title"] == META.title
    assert text["Author"] == META.artist
    assert text["Software"] == software() and text["Software"].startswith("Sleeve ")
    assert text["sleeve:seed"] == "123456789"
    assert '"sleeve:seed": 123456789' in text["Comment"]


def test_jpeg_metadata_has_title_artist_software_and_seed(encoded: dict[str, bytes]) -> None:
    image = _open(encoded["jpeg"])
    exif = image.getexif()

    def utf8(value: str | bytes) -> str:  # Pillow hands raw UTF-8 bytes back as latin-1 text
        raw = value if isinstance(value, bytes) else value.encode("latin-1")
        return raw.decode("utf-8").rstrip("\0")

    assert utf8(exif[0x010E]) == META.title
    assert utf8(exif[0x013B]) == META.artist
    assert utf8(exif[0x0131]) == software()
    comment = exif.get_ifd(0x8769)[0x9286]
    assert comment.startswith(b"UNICODE\0")
    assert '"sleeve:seed": 123456789' in comment[8:].decode("utf-16-be")
    title, creator, seed = _xmp_fields(encoded["jpeg"])
    assert (title, creator, seed) == (META.title, META.artist, "123456789")


def test_metadata_with_markup_characters_stays_valid_xmp() -> None:
    meta = CoverMetadata(title='Rock & "Roll" <Live>', artist="A&B", seed=1, engine="e",
                         style='s"q')
    data = encode(Image.new("RGB", (64, 64)), "jpeg", meta)
    assert _xmp_fields(data) == (meta.title, meta.artist, "1")


def test_thumbnail_is_600_px(grainy: Image.Image) -> None:
    thumb = thumbnail(grainy)
    assert thumb.size == (600, 600) and thumb.mode == "RGB"
    assert thumbnail(grainy, 300).size == (300, 300)


def test_unknown_format_is_a_clear_error(grainy: Image.Image) -> None:
    with pytest.raises(ValueError, match="unknown image format 'gif'"):
        encode(grainy, "gif", META)  # type: ignore[arg-type]


def test_rgba_input_is_flattened_to_rgb() -> None:
    data = encode(Image.new("RGBA", (32, 32), (10, 20, 30, 128)), "png", META)
    assert _open(data).mode == "RGB"
