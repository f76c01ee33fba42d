"""Line breaking: where a line may break (spaces, between Han and kana, after a hyphen, dash or
slash), the last-resort cut between characters, and balanced lines (the longest as short as
the line count allows)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from sleeve.render.fonts import is_joiner


def _breakable_cjk(char: str) -> bool:
    """Han and kana break between any two characters (Hangul breaks at spaces)."""
    name = unicodedata.name(char, "")
    return name.startswith(("CJK UNIFIED", "HIRAGANA", "KATAKANA", "CJK COMPATIBILITY IDEO"))


BREAK_AFTER = frozenset("-\u2010\u2012\u2013\u2014/\\|_")  # hyphens, dashes, slashes


def tokens(text: str) -> list[str]:
    """Pieces of ``text`` with a line-break opportunity after each: spaces, between Han and
    kana, and after a hyphen, dash or slash inside a word (the mark stays on the line)."""
    out: list[str] = []
    current = ""
    for char in text:
        after_mark = (bool(current) and current[-1] in BREAK_AFTER and not char.isspace()
                      and char not in BREAK_AFTER and bool(current.strip("".join(BREAK_AFTER))))
        if current and ((current[-1].isspace() and not char.isspace()) or after_mark
                        or _breakable_cjk(char) or _breakable_cjk(current[-1])):
            out.append(current)
            current = ""
        current += char
    if current:
        out.append(current)
    return out


def clusters(text: str) -> list[str]:
    """``text`` cut between characters (marks, joiners, variation selectors and what a ZWJ
    joins stay together): the last-resort break points of a word too long for any line.
    No hyphen is added — the text stays exactly as entered."""
    out: list[str] = []
    for char in text:
        if out and (is_joiner(char) or out[-1].endswith("\u200d")):
            out[-1] += char
        else:
            out.append(char)
    return out


def _greedy_lines(widths: Sequence[float], spaces: Sequence[float], limit: float) -> int:
    lines, used = 1, 0.0
    for w, s in zip(widths, spaces, strict=True):
        if used and used + w - s > limit:
            lines, used = lines + 1, 0.0
        used += w
    return lines


def balanced(pieces: list[str], widths: list[float], spaces: list[float], count: int) -> list[str]:
    """Break into at most ``count`` lines minimising the longest: the narrowest column width
    at which greedy filling still needs ≤ ``count`` lines (binary search)."""
    lo, hi = max(w - s for w, s in zip(widths, spaces, strict=True)), sum(widths)
    for _ in range(24):
        mid = (lo + hi) / 2
        if _greedy_lines(widths, spaces, mid) <= count:
            hi = mid
        else:
            lo = mid
    lines: list[str] = []
    used, current = 0.0, ""
    for piece, w, s in zip(pieces, widths, spaces, strict=True):
        if current and used + w - s > hi:
            lines.append(current.rstrip())
            used, current = 0.0, ""
        used += w
        current += piece
    lines.append(current.rstrip())
    return lines
