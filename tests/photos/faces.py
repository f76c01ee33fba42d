"""Real photos with faces, offline: scikit-image bundles ``astronaut`` (one face, Eileen
Collins, public domain). Every other case is built from it."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image, ImageCms
from skimage import data as skdata

GPS_IFD = 0x8825


def astronaut(side: int = 512) -> Image.Image:
    image = Image.fromarray(skdata.astronaut())
    return image if side == 512 else image.resize((side, side), Image.Resampling.LANCZOS)


def encoded(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def face_jpeg(side: int = 512) -> bytes:
    return encoded(astronaut(side), quality=90)


def two_faces() -> bytes:
    """Two people side by side: the astronaut and her mirror image."""
    one = astronaut()
    both = Image.new("RGB", (1024, 512))
    both.paste(one, (0, 0))
    both.paste(one.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (512, 0))
    return encoded(both)


def small_face() -> bytes:
    """The astronaut far away: her face is about 7% of the short side."""
    canvas = Image.new("RGB", (1400, 1400), (128, 128, 128))
    canvas.paste(astronaut(), (400, 400))
    return encoded(canvas)


def no_face() -> bytes:
    """A real photo without a person: scikit-image's cup of coffee."""
    return encoded(Image.fromarray(skdata.coffee()))


def with_gps(image: Image.Image) -> bytes:
    """A JPEG whose EXIF says where and with what it was taken, with a comment, XMP and an
    ICC profile."""
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x0110] = "Model X"
    exif[0x0131] = "Firmware 1.0"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (37.0, 33.0, 59.0)
    gps[3] = "E"
    gps[4] = (126.0, 58.0, 40.0)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>secret</rdf:Description>' \
          b"</x:xmpmeta>"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encoded(image, exif=exif.tobytes(), comment=b"shot at home", xmp=xmp,
                   icc_profile=icc, quality=92)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG file whose header claims ``width``×``height`` pixels (a decompression bomb:
    a few bytes that would decode to gigabytes)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(
        b"IEND", b"")


def gif() -> bytes:
    return encoded(astronaut().convert("P"), "GIF")


def html_named_jpg() -> bytes:
    return b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>"


def truncated() -> bytes:
    data = face_jpeg()
    return data[: len(data) // 2]


def corrupt() -> bytes:
    """A JPEG start followed by noise."""
    rng = np.random.default_rng(3)
    return b"\xff\xd8\xff\xe0" + rng.integers(0, 256, 4000, dtype=np.uint8).tobytes()
