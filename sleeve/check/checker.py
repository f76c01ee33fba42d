"""Check any cover file against the store rules: open it safely, measure, apply every rule."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PIL import Image

from sleeve.check import rules
from sleeve.check.ocr import read_words
from sleeve.check.report import Box, CheckReport, Finding
from sleeve.photos import PHOTO_LIMITS, IntakeLimits, open_photo

# Any file is worth a verdict, including one too big for the stores (that is a finding, not
# a refusal): the CLI reads up to this much; uploads keep the photo limits.
FILE_LIMITS = replace(PHOTO_LIMITS, max_bytes=200 * 1024 * 1024)
_QR_SIDE = 1200  # the detector finds codes down to ~40 px at this size


def check_cover(data: bytes, title: str | None = None, artist: str | None = None,
                limits: IntakeLimits = FILE_LIMITS) -> CheckReport:
    """The store-rule report for the image ``data``; raises PhotoRejected if it is unusable.

    With ``title`` and ``artist`` the words on the cover must be theirs; with only one of them
    that comparison cannot be made, and the report says so (a warning)."""
    photo = open_photo(data, limits)
    image = photo.image
    width, height = image.size
    visible = _flatten(image)
    metadata = " ".join(text for text in (title, artist) if text is not None)
    words = read_words(visible, rules.metadata_scripts(metadata))
    findings = [
        *rules.shape(width, height),
        *rules.dimensions(width, height),
        *rules.file_format(photo.format),
        *rules.color_mode(image.mode, "transparency" in image.info),
        *rules.file_size(photo.byte_size),
        *rules.text_margin(words, width, height),
        *rules.forbidden_text(words, metadata),
        *rules.qr_codes(find_qr_codes(visible)),
    ]
    if title is not None and artist is not None:
        findings += rules.metadata_text(words, title, artist)
    elif title is not None or artist is not None:
        findings.append(Finding(
            "metadata-text", "warn", "give both the title and the artist to compare the words "
            "on the cover with them"))
    return CheckReport(width=width, height=height, format=photo.format, mode=image.mode,
                       byte_size=photo.byte_size, findings=tuple(findings),
                       words=tuple(w.text for w in words))


def _flatten(image: Image.Image) -> Image.Image:
    """RGB as a viewer shows it: transparency over white, CMYK and palettes converted."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")


def find_qr_codes(image: Image.Image) -> list[Box]:
    """Boxes of QR codes on ``image`` (RGB), by OpenCV's detector."""
    import cv2

    scale = min(1.0, _QR_SIDE / max(image.size))
    small = image if scale == 1.0 else image.resize(
        (max(1, round(image.width * scale)), max(1, round(image.height * scale))),
        Image.Resampling.BILINEAR)
    grey = np.asarray(small.convert("L"))
    found, points = cv2.QRCodeDetector().detectMulti(grey)
    if not found or points is None:
        return []
    boxes: list[Box] = []
    for quad in points:
        xs, ys = quad[:, 0] / scale, quad[:, 1] / scale
        boxes.append((round(float(xs.min())), round(float(ys.min())),
                      round(float(xs.max())), round(float(ys.max()))))
    return boxes
