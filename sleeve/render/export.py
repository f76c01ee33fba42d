"""Finished cover → file bytes (PNG or JPEG) with an sRGB profile and the release metadata.

Encoding is deterministic: the same image and metadata give the same bytes (no timestamps,
no random ids), so a cover re-rendered from its seed can be compared byte for byte.

Choices, measured on a grainy 3000² cover (DESIGN.md "Measured facts"):
- JPEG at quality 92 with 4:4:4 chroma: subsampling 4:2:0 smears the edges of coloured type
  (red on black is the classic case), and the grain is luminance-only, so 4:2:0 saves only
  ~5% (3.1 vs 3.3 MB, far under the 10 MB store limit; ~40 ms).
- PNG is lossless (the pixels as rendered) and held to the stores' 10 MB: zlib level 1 first
  (~0.5–1.3 s at 3000²); a cover that comes out within 10% of the limit is encoded again at
  level 6, which is ~10% smaller on the busiest art (flow-field lines: 11.7 → 10.5 MB) for ~4×
  the time. Level 9 and a per-row filter search gain ~1% more for another 4×. What keeps PNGs
  small is the grain in clumps (``render.texture``), which PNG's filters predict.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata as importlib_metadata
from importlib import resources
from xml.sax.saxutils import escape, quoteattr

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from sleeve.core.formats import IMAGE_FORMATS, ImageFormat
from sleeve.version import __version__

JPEG_QUALITY = 92
JPEG_SUBSAMPLING = 0  # 4:4:4
PNG_COMPRESS_LEVEL = 1
PNG_COMPRESS_LEVEL_OVER_LIMIT = 6
STORE_LIMIT_BYTES = 10_000_000  # the usual music-store limit on an artwork file
_PNG_RETRY_BYTES = STORE_LIMIT_BYTES * 9 // 10
THUMBNAIL_SIZE = 600

# EXIF tag numbers (TIFF 6.0 / Exif 2.3).
_IMAGE_DESCRIPTION = 0x010E
_ARTIST = 0x013B
_SOFTWARE = 0x0131
_EXIF_IFD = 0x8769
_USER_COMMENT = 0x9286
_UNICODE_PREFIX = b"UNICODE\0"  # UserComment character code: UCS-2, big-endian here


@dataclass(frozen=True)
class CoverMetadata:
    title: str
    artist: str
    seed: int
    engine: str
    style: str

    def comment(self) -> str:
        """The machine-readable part: what reproduces the cover."""
        return json.dumps(
            {"sleeve:seed": self.seed, "engine": self.engine, "style": self.style},
            ensure_ascii=False, sort_keys=True,
        )


@lru_cache(maxsize=1)
def software() -> str:
    """"Sleeve <version>", from the installed distribution, else the package constant."""
    try:
        version = importlib_metadata.version("sleeve")
    except importlib_metadata.PackageNotFoundError:
        version = __version__
    return f"Sleeve {version}"


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """ICC bytes of the sRGB profile.

    Shipped as a file rather than built with ``ImageCms.createProfile``: LittleCMS stamps the
    creation time into the header, which would make every run's bytes differ.
    """
    return (resources.files("sleeve.render") / "data" / "sRGB.icc").read_bytes()


def encode(image: Image.Image, fmt: ImageFormat, metadata: CoverMetadata) -> bytes:
    """The image as ``fmt`` bytes with sRGB ICC, title, artist, software and seed embedded."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; "
                         f"expected one of {', '.join(IMAGE_FORMATS)}")
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    out = io.BytesIO()
    if fmt == "png":
        _save_png(rgb, out, metadata, PNG_COMPRESS_LEVEL)
        if out.tell() >= _PNG_RETRY_BYTES:
            out = io.BytesIO()
            _save_png(rgb, out, metadata, PNG_COMPRESS_LEVEL_OVER_LIMIT)
    else:
        rgb.save(out, "JPEG", quality=JPEG_QUALITY, subsampling=JPEG_SUBSAMPLING,
                 icc_profile=srgb_profile(), exif=_exif(metadata).tobytes(),
                 xmp=_xmp(metadata))
    return out.getvalue()


def _save_png(rgb: Image.Image, out: io.BytesIO, metadata: CoverMetadata, level: int) -> None:
    rgb.save(out, "PNG", compress_level=level, icc_profile=srgb_profile(),
             pnginfo=_png_info(metadata))


def thumbnail(image: Image.Image, size: int = THUMBNAIL_SIZE) -> Image.Image:
    """A ``size``-pixel square preview (covers are square; others are scaled to fit)."""
    if size < 1:
        raise ValueError(f"thumbnail size must be positive, got {size}")
    scale = size / max(image.size)
    target = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    return rgb.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _png_info(metadata: CoverMetadata) -> PngInfo:
    info = PngInfo()
    # iTXt is UTF-8, so Hangul and kana titles survive exactly as entered.
    info.add_itxt("Title", metadata.title)
    info.add_itxt("Author", metadata.artist)
    info.add_itxt("Software", software())
    info.add_itxt("Comment", metadata.comment())
    info.add_itxt("sleeve:seed", str(metadata.seed))
    return info


def _exif(metadata: CoverMetadata) -> Image.Exif:
    exif = Image.Exif()
    # TIFF ASCII fields are nominally 7-bit and Pillow turns other str characters into "?";
    # UTF-8 bytes keep Hangul exact, and exiftool and photo tools read them as UTF-8.
    exif[_IMAGE_DESCRIPTION] = metadata.title.encode("utf-8")
    exif[_ARTIST] = metadata.artist.encode("utf-8")
    exif[_SOFTWARE] = software().encode("utf-8")
    exif.get_ifd(_EXIF_IFD)[_USER_COMMENT] = (
        _UNICODE_PREFIX + metadata.comment().encode("utf-16-be"))
    return exif


def _xmp(metadata: CoverMetadata) -> bytes:
    """XMP carries the same fields in UTF-8, the form photo tools read for non-ASCII text."""
    title, artist = escape(metadata.title), escape(metadata.artist)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:sleeve="https://sleeve.invalid/ns/1.0/"'
        f" xmp:CreatorTool={quoteattr(software())}"
        f' sleeve:seed="{metadata.seed}"'
        f" sleeve:engine={quoteattr(metadata.engine)}"
        f" sleeve:style={quoteattr(metadata.style)}>"
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>'
        f"<dc:creator><rdf:Seq><rdf:li>{artist}</rdf:li></rdf:Seq></dc:creator>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="r"?>'
    )
    return packet.encode("utf-8")
