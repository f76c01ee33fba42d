"""Generated inputs for the dataset builder: distinct pictures, near-copies and bad files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, ImageEnhance


def picture(index: int, size: int) -> Image.Image:
    """A smooth, distinct picture: random 6×6 colours blown up (perceptual hashes differ)."""
    cells = np.random.default_rng(index).integers(0, 256, (6, 6, 3), dtype=np.uint8)
    return Image.fromarray(cells).resize((size, size), Image.Resampling.BICUBIC)


def jpeg(image: Image.Image, quality: int = 90, **extra: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, **extra)
    return out.getvalue()


def near_copy(image: Image.Image) -> bytes:
    """The same picture re-encoded harder and a little brighter: a near-duplicate."""
    return jpeg(ImageEnhance.Brightness(image).enhance(1.04), quality=55)


def write_set(directory: Path, count: int, size: int, *, copies: int = 0, small: int = 0,
              broken: int = 0, start: int = 0) -> dict[str, int]:
    """``count`` distinct pictures plus near-copies, too-small and undecodable files."""
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (directory / f"img-{start + i:05d}.jpg").write_bytes(jpeg(picture(start + i, size)))
    for i in range(copies):
        (directory / f"copy-{start + i:05d}.jpg").write_bytes(near_copy(picture(start + i, size)))
    for i in range(small):
        (directory / f"small-{i}.jpg").write_bytes(jpeg(picture(10_000 + i, size // 3)))
    for i in range(broken):
        good = jpeg(picture(20_000 + i, size))
        # Half a JPEG, and a text file posing as one.
        data = good[: len(good) // 2] if i % 2 == 0 else b"<html>not an image</html>"
        (directory / f"broken-{i}.jpg").write_bytes(data)
    return {"distinct": count, "copies": copies, "small": small, "broken": broken}


def odd_modes(directory: Path, size: int) -> list[str]:
    """CMYK, RGBA and an ICC-tagged image: all must come out as sRGB RGB."""
    names = []
    cmyk = picture(30_001, size).convert("CMYK")
    (directory / "cmyk.jpg").write_bytes(jpeg(cmyk))
    names.append("cmyk.jpg")
    rgba = picture(30_002, size).convert("RGBA")
    rgba.putalpha(200)
    rgba.save(directory / "alpha.png")
    names.append("alpha.png")
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    (directory / "tagged.jpg").write_bytes(jpeg(picture(30_003, size), icc_profile=profile))
    names.append("tagged.jpg")
    return names
