"""Segmentation: a string cut into runs, each drawn by the first font of the role's chain that
has its glyphs (role face → Noto CJK → DejaVu → Symbola → any installed font), so nothing
renders as a tofu box; and the runs' advance widths."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sleeve.render.fonts import EMOJI_STRIKE, FontFile, is_joiner, pick_font


@dataclass(frozen=True)
class Run:
    text: str
    font: FontFile
    tracked: bool


def is_latin_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(ord(c) < 0x250 and not c.islower() for c in letters)


def split_runs(text: str, chain: Sequence[FontFile]) -> tuple[list[Run], list[str]]:
    """Runs of consecutive characters drawn by the same font, and the uncovered characters."""
    runs: list[tuple[list[str], FontFile]] = []
    uncovered: list[str] = []
    for char in text:
        joined = runs and runs[-1][0][-1] == "\u200d" and runs[-1][1].covers(char)
        if runs and (is_joiner(char) or joined):
            runs[-1][0].append(char)  # spaces and marks stay with their neighbour's font
            continue
        font = pick_font(char, chain)
        if font is None:
            if not is_joiner(char):
                uncovered.append(char)
            font = chain[-1]
        if runs and runs[-1][1] == font:
            runs[-1][0].append(char)
        else:
            runs.append(([char], font))
    latin = chain[0]
    return [Run("".join(chars), font, font == latin and is_latin_caps("".join(chars)))
            for chars, font in runs], uncovered


@lru_cache(maxsize=4096)
def advance(font: FontFile, size: int, text: str) -> float:
    """Advance width of ``text`` (kerning included); cached: fitting measures pieces again."""
    if font.colour:  # drawn at the strike size and scaled to ``size``
        return float(font.at(size).getlength(text)) * size / EMOJI_STRIKE
    return float(font.at(size).getlength(text))


def run_width(run: Run, size: int, tracking: float) -> float:
    width = advance(run.font, size, run.text)
    if run.tracked and tracking:
        width += tracking * size * (len(run.text) - 1)
    return width


def line_width(runs: Sequence[Run], size: int, tracking: float) -> float:
    return sum(run_width(r, size, tracking) for r in runs)


def drawable(text: str) -> str:
    """The text as drawn: any whitespace (a newline, a tab) is a space and control characters
    are dropped — the typesetter makes the lines, and FreeType cannot draw controls."""
    return "".join(" " if c.isspace() else c for c in text
                   if c.isspace() or unicodedata.category(c) != "Cc")
