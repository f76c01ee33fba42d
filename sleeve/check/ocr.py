"""The words on an image, with boxes, through Tesseract.

Covers put type on busy artwork. Tesseract's automatic page segmentation (``--psm 3``) is
used on a grey copy scaled to ``OCR_SIDE``: on the fixture covers its sparse-text mode
(``--psm 11``) read grain and halftone dots as dozens of confident "words" and took up to 30 s
a cover, while automatic segmentation read only the type. Only confident words count, and a
lone character only in a script the caller expects (Tesseract's Japanese model reads stray
strokes as single kana).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from PIL import Image

from sleeve.check.report import Box

# Latin, Hangul, kana/kanji and Cyrillic: the scripts Sleeve sets type in.
LANGUAGES = "eng+kor+jpn+rus"
OCR_SIDE = 1200  # 2%-high type (60 px at 3000²) is still 24 px tall for Tesseract
MIN_CONFIDENCE = 80.0
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
    words: list[Word] = []
    for i, raw in enumerate(data["text"]):
        text = str(raw).strip()
        confidence = float(data["conf"][i])
        if not text or confidence < MIN_CONFIDENCE or not is_wordlike(text, scripts):
            continue
        left, top = data["left"][i] / scale, data["top"][i] / scale
        right, bottom = left + data["width"][i] / scale, top + data["height"][i] / scale
        words.append(Word(text, confidence, (round(left), round(top), round(right),
                                             round(bottom))))
    return words

