"""Sniff, bound and open an uploaded image without trusting its name, headers or size claims.

The order matters: bytes are counted before anything is parsed, the type comes from the
content (magic numbers), and the pixel count from the header is checked before a single pixel
is decoded, so neither a huge file nor a small decompression bomb costs memory. A file that is
also something else (HTML or SVG markup inside, another file after the image's end) is refused:
a polyglot.
"""

from __future__ import annotations

import functools
import io
import re
import warnings
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

PhotoFormat = Literal["jpeg", "png", "webp"]
RejectionKind = Literal["too-large", "unsupported", "invalid"]
# Why, in one word a page can translate; ``kind`` says only which HTTP status it is.
RejectionReason = Literal[
    "too-large", "unsupported", "too-many-pixels", "damaged",
    "no-face", "several-faces", "face-too-small",
]

MB = 1024 * 1024


@dataclass(frozen=True)
class IntakeLimits:
    max_bytes: int = 15 * MB
    max_pixels: int = 40_000_000
    formats: tuple[PhotoFormat, ...] = ("jpeg", "png", "webp")


PHOTO_LIMITS = IntakeLimits()


class PhotoRejected(ValueError):
    """Why an upload cannot be used; ``kind`` maps to the HTTP status (413, 415, 422),
    ``reason`` names the rule that refused it."""

    def __init__(self, kind: RejectionKind, message: str,
                 reason: RejectionReason | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.reason: RejectionReason = reason or _REASON_OF_KIND[kind]


_REASON_OF_KIND: dict[RejectionKind, RejectionReason] = {
    "too-large": "too-large", "unsupported": "unsupported", "invalid": "damaged",
}


@dataclass(frozen=True)
class Photo:
    """An opened upload: the decoded image (as stored: no orientation applied) and its facts."""

    image: Image.Image
    format: PhotoFormat
    byte_size: int


_PIL_FORMATS: dict[PhotoFormat, str] = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}


def sniff(data: bytes) -> PhotoFormat | None:
    """The image type from the first bytes, or None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


# Markup a browser would act on. No camera or editor writes these into an image (XMP metadata
# is ``<x:xmpmeta``/``<rdf:``), so finding one means the file is also a page: a polyglot.
_MARKUP = re.compile(rb"<(?:script|html|body|svg|iframe|object|embed|!doctype)[\s>/]",
                     re.IGNORECASE)
_PNG_END = b"IEND\xaeB`\x82"


def _ends_where_the_image_ends(data: bytes, kind: PhotoFormat) -> bool:
    """No bytes after the image's own end: a ZIP (read from its end), a script or a second
    file appended to a valid image makes a polyglot that other tools would open as that."""
    if kind == "jpeg":
        return data.rstrip(b"\x00").endswith(b"\xff\xd9")  # some cameras pad with NULs
    if kind == "png":
        return data.endswith(_PNG_END)
    riff = int.from_bytes(data[4:8], "little") + 8
    return len(data) in (riff, riff + 1)


def _refuse_polyglots(data: bytes, kind: PhotoFormat) -> None:
    if _MARKUP.search(data):
        raise PhotoRejected("unsupported", f"the {kind.upper()} file also holds HTML or SVG "
                                           "markup; send a plain image")
    if not _ends_where_the_image_ends(data, kind):
        raise PhotoRejected("unsupported", f"the {kind.upper()} file carries data after the "
                            "image ends (another file inside it); send the still image alone")


def open_photo(data: bytes, limits: IntakeLimits = PHOTO_LIMITS) -> Photo:
    """Open ``data`` within ``limits``; raises PhotoRejected saying what is wrong."""
    if len(data) > limits.max_bytes:
        raise PhotoRejected(
            "too-large", f"the file is {_mb(len(data))}; the limit is {_mb(limits.max_bytes)}")
    kind = sniff(data)
    if kind is None or kind not in limits.formats:
        names = ", ".join(f.upper() for f in limits.formats)
        raise PhotoRejected("unsupported", f"not an image Sleeve reads; send {names}")
    try:
        with warnings.catch_warnings():
            # Pillow warns (and later raises) on big images by its own global limit; ours is
            # checked from the header below, before decoding.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[kind]])
            width, height = image.size
            if width * height > limits.max_pixels:
                raise PhotoRejected(
                    "invalid", f"the image is {width}×{height} pixels; the limit is "
                    f"{limits.max_pixels // 1_000_000} megapixels", "too-many-pixels")
            image.load()
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRejected("invalid", "the image decodes to too many pixels",
                            "too-many-pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PhotoRejected("invalid", f"the {kind.upper()} file is damaged or truncated") from exc
    _refuse_polyglots(data, kind)
    return Photo(image=image, format=kind, byte_size=len(data))


def upright(image: Image.Image) -> Image.Image:
    """The image turned the way its EXIF orientation says it was shot."""
    return ImageOps.exif_transpose(image)


def strip_metadata(image: Image.Image) -> Image.Image:
    """The same pixels with no EXIF, GPS, XMP, comments or ICC: nothing about the camera or
    place travels further than intake."""
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    if image.mode == "P" and (palette := image.getpalette()) is not None:
        clean.putpalette(palette)
    return clean


def to_srgb(image: Image.Image) -> Image.Image:
    """RGB in sRGB: embedded ICC profiles converted, alpha flattened on white, CMYK/P/L mapped."""
    profile = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            mode = "RGB" if image.mode not in ("CMYK", "L") else image.mode
            converted = ImageCms.profileToProfile(
                image.convert(mode) if mode != image.mode else image, source, _srgb_profile(),
                outputMode="RGB")
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: treat the pixels as sRGB, as browsers do
    return image.convert("RGB")


@functools.cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"
