"""The words on an image, with boxes, through Tesseract.

Covers put type on busy artwork. Tesseract's automatic page segmentation (``--psm 3``) is
used on a grey copy scaled to ``OCR_SIDE``: on the fixture covers its sparse-text mode
(``--psm 11``) read grain and halftone dots as dozens of confident "words" and took up to 30 s
a cover, while automatic segmentation read only the type. Only confident words count, and a
lone character only in a script the caller expects (Tesseract's Japanese model reads stray
strokes as single kana); nor does one character repeated in a CJK script the caller does not
expect, which is how periodic texture (a synthwave grid's lines) reads: "ここ".

Tesseract's word boxes take in grain specks next to the type (a box 25 px above the cap
height on an 800² cover), which would put type that keeps its margins "at the edge"; each box
is cut down to the word's ink: the rows and columns with pixels far from the box's rim.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
from PIL import Image

from sleeve.check.report import Box

# Latin, Hangul, kana/kanji and Cyrillic: the scripts Sleeve sets type in.
LANGUAGES = "eng+kor+jpn+rus"
OCR_SIDE = 1200  # 2%-high type (60 px at 3000²) is still 24 px tall for Tesseract
MIN_CONFIDENCE = 80.0
INK = 0.5  # a pixel is ink when it is this share of the word's full contrast from its rim
_CONFIG = "--psm 3"


class OcrUnavailable(RuntimeError):
    """Tesseract or its language data is not installed."""


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float
    box: Box  # in the checked image's pixels


def script(char: str) -> str:
    """A coarse script name: "hangul", "kana", "han", "cyrillic", "latin" or "other"."""
    name = unicodedata.name(char, "")
    for prefix, label in (("HANGUL", "hangul"), ("HIRAGANA", "kana"), ("KATAKANA", "kana"),
                          ("CJK", "han"), ("CYRILLIC", "cyrillic"), ("LATIN", "latin")):
        if name.startswith(prefix):
            return label
    return "latin" if char.isascii() else "other"


def is_wordlike(text: str, scripts: frozenset[str] = frozenset()) -> bool:
    """Two or more letters or digits; or one Hangul/kana/kanji character in ``scripts``."""
    letters = [c for c in text if c.isalnum()]
    if len(set(letters)) == 1 and script(letters[0]) in {"hangul", "kana", "han"} - scripts:
        return False  # one glyph repeated, in a script no one set: a pattern, not type
    if len(letters) >= 2:
        return True
    return len(letters) == 1 and script(letters[0]) in scripts - {"latin", "cyrillic"}


def read_words(image: Image.Image, scripts: frozenset[str] = frozenset()) -> list[Word]:
    """Confident, word-like text on ``image`` (any mode), boxes in its own pixels.

    ``scripts``: the scripts the caller expects (see ``script``), which lets single Hangul
    syllables and kanji count as words."""
    grey = image.convert("L")
    scale = min(1.0, OCR_SIDE / max(grey.size))
    if scale < 1.0:
        size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
        grey = grey.resize(size, Image.Resampling.LANCZOS)
    return _read(grey, scale, scripts)


def _read(grey: Image.Image, scale: float, scripts: frozenset[str]) -> list[Word]:
    import pytesseract

    try:
        data = pytesseract.image_to_data(
            grey, lang=LANGUAGES, config=_CONFIG, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable(
            "tesseract is not installed (Debian: apt-get install tesseract-ocr "
            "tesseract-ocr-kor tesseract-ocr-jpn tesseract-ocr-rus)") from exc
    except pytesseract.TesseractError as exc:
        raise OcrUnavailable(f"tesseract failed: {exc.message}") from exc
    pixels = np.asarray(grey, dtype=np.int16)
    words: list[Word] = []
    for i, raw in enumerate(data["text"]):
        text = str(raw).strip()
        confidence = float(data["conf"][i])
        if not text or confidence < MIN_CONFIDENCE or not is_wordlike(text, scripts):
            continue
        left, top, right, bottom = (v / scale for v in ink_box(pixels, (
            data["left"][i], data["top"][i], data["left"][i] + data["width"][i],
            data["top"][i] + data["height"][i])))
        words.append(Word(text, confidence, (round(left), round(top), round(right),
                                             round(bottom))))
    return words



def ink_box(pixels: np.ndarray, box: Box) -> Box:
    """``box`` cut down to the rows and columns that hold the word's ink: pixels further from
    the box's rim (background, as type seldom touches its box all round) than INK of the
    box's full contrast. Grain is a few levels; type is tens."""
    left, top, right, bottom = box
    area = pixels[top:bottom, left:right]
    if area.shape[0] < 3 or area.shape[1] < 3:
        return box
    rim = np.concatenate([area[0], area[-1], area[1:-1, 0], area[1:-1, -1]])
    distance = np.abs(area - np.median(rim))
    ink = distance > INK * distance.max()
    if not ink.any():
        return box
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return (left + int(cols[0]), top + int(rows[0]), left + int(cols[-1]) + 1,
            top + int(rows[-1]) + 1)
