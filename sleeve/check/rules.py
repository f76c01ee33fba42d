"""The store rules, each a small function from what was measured to its findings.

Limits are the strictest common ones across the big distributors (Spotify, Apple Music,
YouTube Music, Melon via their distributors): square, at least 3000² (under 1400² is refused
outright), JPEG or PNG, RGB without alpha, under 10 MB, no type hugging the edges, nothing that
advertises (URLs, addresses, handles, prices, "free", "exclusive"), no QR codes, and no words
other than the release's own title and artist.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher

from sleeve.check.ocr import Word, script
from sleeve.check.report import Box, Finding

MIN_SIDE = 1400
RECOMMENDED_SIDE = 3000
MAX_BYTES = 10_000_000  # "10 MB" as the stores count it: decimal, the stricter reading
EDGE = 0.05  # no text within this fraction of the side from any edge
# OCR boxes are measured on a downscaled copy; a box may be off by this fraction of the side.
EDGE_TOLERANCE = 0.003
# SequenceMatcher ratio at or above which an OCR'd word counts as a word of the metadata:
# one misread letter in four still matches ("Rian" for "Rain" is 0.75), two in four do not.
MATCH_THRESHOLD = 0.75

_TLDS = (
    "com|net|org|io|co|kr|jp|ru|me|fm|ly|tv|app|music|xyz|info|biz|de|uk|fr|be|to|gg|us|eu|"
    "link|site|online|store|shop|live"
)
# Most specific first: text one pattern reported is not reported again by a later one (an
# e-mail address is not also a web address).
FORBIDDEN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an e-mail address", re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")),
    ("a web address", re.compile(
        rf"(?i)(?:https?://\S+|www\.\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b\S*)")),
    ("a social handle", re.compile(r"(?<![\w@])@[\w.]{2,}")),
    ("a price", re.compile(
        r"(?i)(?:[$€£¥₩]\s?\d|\d+(?:[.,]\d+)?\s?(?:usd|eur|gbp|krw|jpy|원|円|₽|руб)\b)")),
)
# Advertising words stores refuse on artwork, in the languages Sleeve sets type in.
BANNED_PHRASES: tuple[str, ...] = (
    "exclusive", "free", "limited edition", "bonus track", "pre-order", "preorder", "on sale",
    "sale", "discount", "out now", "available now", "buy now", "download now", "stream now",
    "무료", "한정판", "독점", "限定", "無料", "бесплатно", "эксклюзив",
)


def shape(width: int, height: int) -> list[Finding]:
    if width == height:
        return []
    return [Finding("square", "fail", f"{width}×{height} is not square")]


def dimensions(width: int, height: int) -> list[Finding]:
    side = min(width, height)
    if side < MIN_SIDE:
        return [Finding("dimensions", "fail",
                        f"{side} px is under the {MIN_SIDE} px stores accept")]
    if side < RECOMMENDED_SIDE:
        return [Finding("dimensions", "warn",
                        f"{side} px is under the recommended {RECOMMENDED_SIDE}×"
                        f"{RECOMMENDED_SIDE}")]
    return []


def file_format(kind: str) -> list[Finding]:
    if kind in ("jpeg", "png"):
        return []
    return [Finding("format", "fail", f"{kind.upper()} is not accepted; export JPEG or PNG")]


def color_mode(mode: str, has_transparency: bool) -> list[Finding]:
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or has_transparency:
        return [Finding("color-mode", "fail",
                        "the master has an alpha channel (transparency); flatten it to RGB")]
    if mode == "CMYK":
        return [Finding("color-mode", "fail", "CMYK is for print; stores want RGB")]
    if mode != "RGB":
        return [Finding("color-mode", "fail", f"colour mode {mode}; export as RGB")]
    return []


def file_size(byte_size: int) -> list[Finding]:
    if byte_size < MAX_BYTES:
        return []
    return [Finding("file-size", "fail",
                    f"{byte_size / 1e6:.1f} MB; stores take files under {MAX_BYTES // 10**6} MB")]


def text_margin(words: Sequence[Word], width: int, height: int) -> list[Finding]:
    inset = EDGE - EDGE_TOLERANCE
    left, top = width * inset, height * inset
    right, bottom = width * (1 - inset), height * (1 - inset)
    return [
        Finding("text-margin", "fail",
                f"“{w.text}” is within {EDGE:.0%} of the edge; stores crop and round corners",
                w.box)
        for w in words
        if w.box[0] < left or w.box[1] < top or w.box[2] > right or w.box[3] > bottom
    ]


def forbidden_text(words: Sequence[Word], allowed: str = "") -> list[Finding]:
    """URLs, addresses, handles, prices and advertising words; ``allowed`` is the metadata
    (a band called "Free" may print its name)."""
    findings: list[Finding] = []
    allowed_folded = allowed.casefold()
    for line in _lines(words):
        text, spans = _joined(line)
        reported: list[tuple[int, int]] = []
        for what, pattern in FORBIDDEN_PATTERNS:
            for match in pattern.finditer(text):
                if match.group(0).casefold() in allowed_folded or any(
                        start < match.end() and match.start() < end for start, end in reported):
                    continue
                reported.append(match.span())
                findings.append(Finding("forbidden-text", "fail",
                                        f"“{match.group(0)}” looks like {what}",
                                        _span_box(spans, match.start(), match.end())))
        folded = text.casefold()
        for phrase in BANNED_PHRASES:
            if phrase in allowed_folded:
                continue
            for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded):
                findings.append(Finding("forbidden-text", "fail",
                                        f"“{phrase}” is advertising; stores refuse it on covers",
                                        _span_box(spans, match.start(), match.end())))
    return findings


def qr_codes(boxes: Sequence[Box]) -> list[Finding]:
    return [Finding("qr-code", "fail", "a QR code; stores refuse scannable codes", box)
            for box in boxes]


def metadata_text(words: Sequence[Word], title: str, artist: str) -> list[Finding]:
    """Every word read must be a word of the title or artist (fuzzily: OCR errs); a title or
    artist word that was not read is only a warning, as OCR misses stylised type."""
    expected = normalise(f"{title} {artist}")
    findings = [
        Finding("metadata-text", "fail",
                f"“{w.text}” is not in the title or artist ({title} — {artist})", w.box)
        for w in words
        if normalise(w.text) and partial_ratio(normalise(w.text), expected) < MATCH_THRESHOLD
    ]
    read = normalise(" ".join(w.text for w in words))
    for token in f"{title} {artist}".split():
        wanted = normalise(token)
        if wanted and partial_ratio(wanted, read) < MATCH_THRESHOLD:
            findings.append(Finding("metadata-text", "warn",
                                    f"could not read “{token}” on the cover; check it by eye"))
    return findings


def metadata_scripts(*texts: str) -> frozenset[str]:
    return frozenset(script(c) for text in texts for c in text if c.isalnum())


def normalise(text: str) -> str:
    """Letters and digits only, case-folded, compatibility forms unified (full-width Ａ is A)."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def partial_ratio(needle: str, haystack: str) -> float:
    """How well ``needle`` matches its best-matching stretch of ``haystack`` (0–1)."""
    if not needle:
        return 1.0
    if len(needle) >= len(haystack):
        return SequenceMatcher(None, needle, haystack).ratio()
    size = len(needle)
    return max(SequenceMatcher(None, needle, haystack[i:i + size]).ratio()
               for i in range(len(haystack) - size + 1))


def _lines(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into text lines (vertical centres within half a word height), in order."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.box[1] + w.box[3]) / 2):
        centre = (word.box[1] + word.box[3]) / 2
        if lines:
            last = lines[-1][0]
            if abs(centre - (last.box[1] + last.box[3]) / 2) <= (last.box[3] - last.box[1]) / 2:
                lines[-1].append(word)
                continue
        lines.append([word])
    return [sorted(line, key=lambda w: w.box[0]) for line in lines]


def _joined(line: Sequence[Word]) -> tuple[str, list[tuple[int, int, Box]]]:
    text, spans = "", []
    for word in line:
        if text:
            text += " "
        spans.append((len(text), len(text) + len(word.text), word.box))
        text += word.text
    return text, spans


def _span_box(spans: Sequence[tuple[int, int, Box]], start: int, end: int) -> Box:
    boxes = [box for s, e, box in spans if s < end and e > start]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))
